"""A project's forms: its name, its API keys, a new owner."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from .fields import strip


class ProjectForm(FlaskForm):
    name = StringField("Project name", filters=[strip], validators=[
        DataRequired("Give the project a name."), Length(max=100)])


class ApiKeyForm(FlaskForm):
    label = StringField("Label", filters=[strip], validators=[
        DataRequired("Give the key a label, e.g. the host that uses it."), Length(max=100)])
    read_only = BooleanField("Read-only (lists and reads checks; cannot change or ping them)")


class TransferForm(FlaskForm):
    # The choices are the project's other members, filled in by the page.
    new_owner = SelectField("New owner", coerce=int, validate_choice=True)
