"""The dashboard's form for a new maintenance window.

It reads what a person types (times in their own timezone, a duration in
minutes, a choice of what the window covers) into the dict the API takes and
hands it to `core.maintenance_fields.parse_window`, the API's own rules; a
refusal is shown next to the field it is about.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ...core.errors import FieldError
from ...core.maintenance_fields import parse_window
from ...core.maintenance_times import MAX_DURATION
from ...core.models import Check
from ...core.times import utcnow
from .fields import sentence, strip, timezone_choices

# The first word of parse_window's reasons names the field they are about;
# these do not start with it.
REASON_FIELDS = {"invalid cron": "schedule", "unknown timezone": "tz"}


class MaintenanceForm(FlaskForm):
    name = StringField("Name", filters=[strip], validators=[Length(max=100)],
                       description="Optional: e.g. database upgrade.")
    kind = RadioField("When", default="once", choices=[
        SelectChoice("once", "Once"),
        SelectChoice("recurring", "Every time a cron schedule fires")])
    start = DateTimeLocalField("Start", validators=[Optional()],
                               description="Empty: now.")
    end = DateTimeLocalField("End", validators=[Optional()])
    schedule = StringField("Cron schedule", filters=[strip],
                           description="Five fields, e.g. 0 2 * * * for every night at 02:00.")
    duration = IntegerField("Duration in minutes", validators=[Optional()])
    tz = SelectField("Timezone of the schedule", validate_choice=False)
    covers = RadioField("Covers", default="project", choices=[
        SelectChoice("project", "The whole project"), SelectChoice("tags", "Checks with tags"),
        SelectChoice("checks", "Chosen checks")])
    tags = StringField("Tags", filters=[strip],
                       description="Space- or comma-separated: a check with any of them.")
    checks = SelectMultipleField("Checks", choices=[], validate_choice=False)

    def __init__(self, *args, checks: list[Check], tz: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_tz = tz
        self.tz.choices = timezone_choices()
        if self.tz.data is None:
            self.tz.data = tz
        self.checks.choices = [SelectChoice(c.uuid, c.name or c.uuid) for c in checks]
        self.start.description = f"In {tz}. Empty: now."
        self.end.description = f"In {tz}."
        self.window_fields: dict | None = None  # parse_window's result, once valid

    def local(self, value: datetime) -> str:
        """A datetime-local value, read in the user's timezone, as ISO 8601 with its offset."""
        try:
            zone = ZoneInfo(self.user_tz)
        except (ValueError, KeyError):  # a zone that vanished from tzdata: as the pages show
            zone = ZoneInfo("UTC")
        return value.replace(tzinfo=zone).isoformat()

    def api_data(self) -> dict[str, Any]:
        """What was typed, as the API's JSON body says it; what the form itself
        can tell is missing goes to that field's errors instead."""
        data: dict[str, Any] = {"name": self.name.data or ""}
        if self.kind.data == "recurring":
            if not self.schedule.data:
                self.schedule.errors = ["Enter a cron schedule."]
            if self.duration.data is None and not self.duration.errors:
                self.duration.errors = ["Enter how many minutes each time lasts."]
            data.update(schedule=self.schedule.data, tz=self.tz.data,
                        duration=(self.duration.data or 0) * 60)
        else:
            if self.end.data is None and not self.end.errors:
                self.end.errors = ["Enter when it ends."]
            if self.start.data is not None:
                data["start"] = self.local(self.start.data)
            if self.end.data is not None:
                data["end"] = self.local(self.end.data)
        if self.covers.data == "tags":
            if not self.tags.data:
                self.tags.errors = ["Enter one or more tags."]
            data["tags"] = self.tags.data
        elif self.covers.data == "checks":
            if not self.checks.data:
                self.checks.errors = ["Choose one or more checks."]
            data["checks"] = list(self.checks.data or [])
        return data

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the API's rules on what they say together."""
        super().validate(extra_validators)
        data = self.api_data()
        if not any(f.errors for f in self):
            try:
                self.window_fields = parse_window(data, utcnow())
            except FieldError as e:
                self.refuse(e)
        return not (self.form_errors or any(f.errors for f in self))

    def refuse(self, error: FieldError) -> None:
        """Show a reason of the core's (parse_window, make_window) next to its
        field, or above the form when it names none of them."""
        message = str(error) or "the window was refused"
        name = next((f for start, f in REASON_FIELDS.items() if message.startswith(start)),
                    message.split()[0].rstrip(":"))
        if name == "duration":
            # The API counts seconds; this form asks for minutes.
            message = f"enter from 1 to {MAX_DURATION // 60} minutes (a week)"
        field = self._fields.get(name) if name != "csrf_token" else None
        if field is None:
            self.form_errors.append(sentence(message))
        else:
            field.errors = [*field.errors, sentence(message)]

    def fields(self) -> dict:
        """parse_window's fields, for a form that has validated."""
        if self.window_fields is None:
            raise RuntimeError("the maintenance form has not validated")
        return self.window_fields
