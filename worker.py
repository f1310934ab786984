"""The worker: delivers notifications (RQ jobs) and runs the deadline sweep,
through outages of Redis, the database or SMTP (see webapp/alerts/worker.py)."""

from webapp import create_app
from webapp.alerts.worker import main

if __name__ == "__main__":
    main(create_app())
