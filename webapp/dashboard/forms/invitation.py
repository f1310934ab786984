"""The invitation forms: the owner's (an address and a role) and the invitee's
sign-up (a password only: the address is the invited one)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, ValidationError

from ...core.invitations import INVITED_ROLES
from ...core.users import email_error
from .account import NewAccountForm
from .fields import strip


class InvitationForm(FlaskForm):
    # Ids of their own: the settings page has other forms with a role and an email.
    email = EmailField("Email", id="invite-email", filters=[strip], validators=[
        DataRequired("Enter the address to invite.")])
    role = SelectField("Role", id="invite-role", choices=list(INVITED_ROLES), default="member",
                       validate_choice=True)

    def validate_email(self, field):
        if email_error(field.data or ""):
            raise ValidationError("That does not look like an email address.")


class InvitationSignupForm(NewAccountForm):
    """Sign-up through an invitation: the email is the invited one, never typed."""
