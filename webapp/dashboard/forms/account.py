"""The account forms: log in, sign up, password and timezone.
Every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ...core.schedules import tz_error
from ...core.users import MIN_PASSWORD, email_error
from .fields import sentence, strip, timezone_choices


class LoginForm(FlaskForm):
    email = EmailField("Email", filters=[strip],
                       validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in")
    # Filled by app.js with the browser's IANA zone: a first login adopts it
    # (core.users.adopt_browser_timezone). Empty without JavaScript.
    browser_tz = HiddenField()


class NewAccountForm(FlaskForm):
    """What a new account needs besides its email: the sign-up form adds the
    email; signing up through an invitation takes the invited one."""

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


class SignupForm(NewAccountForm):
    email = EmailField("Email", filters=[strip], validators=[
        DataRequired("Enter your email address.")])

    def validate_email(self, field):
        if email_error(field.data or ""):
            raise ValidationError("That does not look like an email address.")


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password",
                            validators=[DataRequired("Enter your current password.")])
    new = PasswordField("New password", validators=[
        DataRequired("Choose a new password."),
        Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters.")])
    confirm = PasswordField("Repeat the new password", validators=[
        EqualTo("new", "The two passwords differ.")])


class TimezoneForm(FlaskForm):
    timezone = SelectField("Show times in", choices=timezone_choices, validate_choice=False)

    def validate_timezone(self, field):
        if err := tz_error(field.data or ""):
            raise ValidationError(sentence(err))
