"""The invitation forms: the owner's (an address and a role) and the invitee's
sign-up (a password only: the address is the invited one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ...core.invitations import INVITED_ROLES
from ...core.schedules import tz_error
from ...core.users import MIN_PASSWORD, email_error
from .fields import strip, timezone_choices


class InvitationForm(FlaskForm):
    # Ids of their own: the settings page has other forms with a role and an email.
    email = EmailField("Email", id="invite-email", filters=[strip], validators=[
        DataRequired("Enter the address to invite.")])
    role = SelectField("Role", id="invite-role", choices=list(INVITED_ROLES), default="member",
                       validate_choice=True)

    def validate_email(self, field):
        if email_error(field.data or ""):
            raise ValidationError("That does not look like an email address.")


class InvitationSignupForm(FlaskForm):
    password = PasswordField("Password", validators=[
        DataRequired("Choose a password."),
        Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("Repeat the password", validators=[
        EqualTo("password", "The two passwords differ.")])
    timezone = SelectField("Timezone", choices=timezone_choices, default="UTC",
                           validate_choice=False)

    def validate_timezone(self, field):
        if tz_error(field.data or ""):
            field.data = "UTC"  # filled in by the browser; not worth refusing a sign-up for
