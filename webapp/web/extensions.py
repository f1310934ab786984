"""The web's Flask extensions, created here and initialised once in create_app()
(the database's, `db` and `migrate`, live in webapp.db)."""

from flask_htmx import HTMX
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf import CSRFProtect

login_manager = LoginManager()
mail = Mail()
csrf = CSRFProtect()
htmx = HTMX()
