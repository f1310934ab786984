"""The import form: a Healthchecks site and a read-write API key of its project."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from .fields import strip


class HealthchecksImportForm(FlaskForm):
    url = StringField("Healthchecks address", filters=[strip], validators=[
        DataRequired("Give the address of the Healthchecks site, e.g. https://healthchecks.io."),
        Length(max=500)],
        description="The site's address, such as https://healthchecks.io or your own.")
    api_key = PasswordField("API key", filters=[strip], validators=[
        DataRequired("Give a read-write API key of the Healthchecks project."), Length(max=200)],
        description="A read-write key (Healthchecks: Project Settings, API Access). It is "
                    "used for this import only and is not stored.")
