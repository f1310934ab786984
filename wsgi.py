"""The WSGI entry point: gunicorn serves `wsgi:app`, and `flask` finds it here."""

from webapp import create_app

app = create_app()
