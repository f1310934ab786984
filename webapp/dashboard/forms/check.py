"""The check form. It speaks in the words people use ("every 5 minutes",
"daily at 16:05") and turns them into the fields `core.check_fields.parse_fields`
validates for the API too, so a check made in a browser obeys the same rules.
"""

from __future__ import annotations

import math
from datetime import time

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ...core.errors import FieldError
from ...core.push_tokens import parse_push_token
from ...core.schedules import MAX_SECONDS, cron_error, oncalendar_error, tz_error
from ...core.text import control_error
from ..display.schedule_words import daily_cron, daily_time, one_expression_a_line
from .fields import (
    UNIT_CHOICES,
    UNITS,
    sentence,
    split_seconds,
    strip,
    timezone_choices,
    unix_newlines,
)
from .flapping import FlapFields
from .keywords import KeywordFields


class CheckForm(KeywordFields, FlapFields, FlaskForm):
    name = StringField("Name", filters=[strip], validators=[DataRequired("Give the check a name."),
                                           Length(max=100)])
    tags = StringField("Tags", validators=[Length(max=500)],
                       description="Separated by spaces or commas, e.g. prod db")
    # A browser sends a text area's line breaks as CRLF (the HTML standard's
    # form encoding): the filter stores them as the API does, with "\n", and so
    # Length measures the text that is stored, not the bytes the browser added.
    desc = TextAreaField("Description", filters=[unix_newlines],
                         validators=[Length(max=10_000)])
    push_token = StringField(
        "Push token from Uptime Kuma or Tianji", filters=[strip],
        description="Optional. The monitor's old token (the end of its /api/push/ URL): jobs "
                    "then keep their URL and change only the host. Empty: the push URL uses "
                    "this check's own token.")

    kind = RadioField("Schedule", default="interval", choices=[
        SelectChoice("interval", "Every…"), SelectChoice("daily", "Daily at a fixed time"),
        SelectChoice("cron", "Cron expression"), SelectChoice("oncalendar", "systemd OnCalendar")])
    every = IntegerField("Every", default=1)
    every_unit = SelectField("Interval unit", choices=UNIT_CHOICES, default="days")
    at = TimeField("At", default=None)
    deadline = RadioField("Alert if no ping", default="end_of_day", choices=[
        SelectChoice("end_of_day", "by the end of that day"),
        SelectChoice("by", "by a chosen time")])
    deadline_at = TimeField("Deadline")
    cron = StringField("Cron expression", default="0 * * * *",
                       description="minute hour day-of-month month day-of-week")
    # A text area: several expressions go on lines of their own, as systemd takes them.
    oncalendar = TextAreaField(
        "OnCalendar expression", default="Mon..Fri 09:00", filters=[unix_newlines],
        validators=[Length(max=100)],
        description="As in a systemd timer, e.g. Mon..Fri 09:00, *-*-01 06:00 or daily; "
                    "one expression a line, each may end in a timezone of its own.")
    tz = SelectField("Timezone", choices=timezone_choices, default="UTC", validate_choice=False)
    grace = IntegerField("Grace", default=1)
    grace_unit = SelectField("Grace unit", choices=UNIT_CHOICES, default="hours")

    # Alerts. The channel boxes are drawn from the user's channels; the hidden
    # field names the ones drawn, so a channel added since (in another tab)
    # is not dropped by a form that never showed it.
    channels = SelectMultipleField("Channels", choices=[], validate_choice=False)
    channels_shown = HiddenField(default=None)
    # The parents are drawn from the project's other checks (`offer_parents`);
    # the hidden field names the ones drawn, for the reason the channels' does.
    depends_on = SelectMultipleField(
        "Depends on", choices=[], validate_choice=False,
        description="While one of these is down, this check's downs are recorded but not sent "
                    "alone; the parent's alert lists them. When the parent recovers, this check "
                    "is alerted if it is still down.")
    depends_on_shown = HiddenField(default=None)
    nag = RadioField("Reminders while down", default="off", choices=[
        SelectChoice("off", "No reminders"), SelectChoice("every", "Send reminders")])
    nag_every = IntegerField("Remind every", default=1)
    nag_unit = SelectField("Reminder unit", choices=UNIT_CHOICES, default="hours")
    failure_threshold = IntegerField(
        "Failures in a row before alerting", default=1,
        description="1: the first failure alerts. A success starts the count again.")
    value_min = FloatField("Lowest good value", validators=[Optional()])
    value_max = FloatField("Highest good value", validators=[Optional()])
    max_runtime = IntegerField("Longest run", validators=[Optional()])
    max_runtime_unit = SelectField("Run time unit", choices=UNIT_CHOICES, default="minutes")
    min_runtime = IntegerField("Shortest run", validators=[Optional()])
    min_runtime_unit = SelectField("Shortest run unit", choices=UNIT_CHOICES, default="seconds")
    post_only = BooleanField("Only POST pings count",
                             description="GET and HEAD pings are logged as ignored.")
    manual_resume = BooleanField(
        "Stay paused until resumed by hand",
        description="Pings to a paused check are logged as ignored instead of resuming it.")

    # Which fields each kind of schedule uses; the others may hold anything
    # (the browser leaves them out, or keeps what was typed before a switch).
    USES = {"interval": {"every", "every_unit", "grace", "grace_unit"},
            "daily": {"at", "deadline", "deadline_at", "tz"},
            "cron": {"cron", "tz", "grace", "grace_unit"},
            "oncalendar": {"oncalendar", "tz", "grace", "grace_unit"}}
    SCHEDULE_FIELDS = set().union(*USES.values())

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        unused = self.SCHEDULE_FIELDS - self.USES.get(self.kind.data, set())
        if self.kind.data != "daily" or self.deadline.data != "by":
            unused.add("deadline_at")
        if self.nag.data != "every":
            unused.add("nag_every")
        for name in unused:
            self[name].errors = []
        self._errors = None  # recomputed from the fields on next access
        return not any(field.errors for field in self)

    def validate_every(self, field):
        self._check_seconds(field, self.every_unit.data, "The interval")

    def validate_grace(self, field):
        self._check_seconds(field, self.grace_unit.data, "Grace")

    def validate_nag_every(self, field):
        self._check_seconds(field, self.nag_unit.data, "The reminder period")

    def validate_max_runtime(self, field):
        self._check_seconds(field, self.max_runtime_unit.data, "The longest run")

    def validate_min_runtime(self, field):
        self._check_seconds(field, self.min_runtime_unit.data, "The shortest run")

    def validate_failure_threshold(self, field):
        if field.data is None or not 1 <= field.data <= 1000:
            field.errors[:] = []
            raise ValidationError("Give a whole number from 1 to 1000.")

    def validate_value_min(self, field):
        if field.data is not None and not math.isfinite(field.data):
            raise ValidationError("Give a finite number, or leave it empty.")

    def validate_value_max(self, field):
        self.validate_value_min(field)
        low = self.value_min.data
        if low is not None and field.data is not None and math.isfinite(low) and low > field.data:
            raise ValidationError(f"Must not be below the lowest good value ({low:g}).")

    def validate_at(self, field):
        if field.data is None and not (field.raw_data and field.raw_data[0].strip()):
            field.errors[:] = []  # "Not a valid time value." says less than this
            raise ValidationError("Give a time of day, like 16:05.")

    def validate_deadline_at(self, field):
        if self.at.data is None:
            return
        if field.data is None:
            if not (field.raw_data and field.raw_data[0].strip()):
                field.errors[:] = []
                raise ValidationError("Give the time by which the ping must arrive.")
            return
        if self.daily_grace() <= 0:
            raise ValidationError(f"Pick a time after {self.at.data:%H:%M} the same day, "
                                  "or the end of the day.")

    def validate_oncalendar(self, field):
        field.data = one_expression_a_line(field.data or "")
        if err := oncalendar_error(field.data):
            raise ValidationError(sentence(err))

    def validate_cron(self, field):
        field.data = " ".join((field.data or "").split())
        if err := cron_error(field.data):
            raise ValidationError(sentence(err))

    def validate_tz(self, field):
        if err := tz_error(field.data or ""):
            raise ValidationError(sentence(err))

    def validate_name(self, field):
        if err := control_error("the name", field.data or ""):
            raise ValidationError(sentence(err))

    def validate_tags(self, field):
        if err := control_error("tags", field.data or "", separators=True):
            raise ValidationError(sentence(err))

    def validate_desc(self, field):
        if err := control_error("the description", field.data or "", lines=True):
            raise ValidationError(sentence(err))

    def validate_push_token(self, field):
        try:
            parse_push_token(field.data or None)
        except FieldError as e:
            raise ValidationError(sentence(str(e))) from None

    def validate_kind(self, field):
        if field.data not in self.USES:
            raise ValidationError("Choose one of the four kinds of schedule.")

    def _check_seconds(self, field, unit: str, what: str) -> None:
        if field.data is None:
            if not field.errors:  # else WTForms said "Not a valid integer value." already
                raise ValidationError(f"{what} must be a whole number.")
            return
        seconds = field.data * UNITS.get(unit, 1)
        if not 1 <= seconds <= MAX_SECONDS:
            raise ValidationError(f"{what} must be between 1 second and 365 days.")

    def daily_grace(self) -> int:
        at, by = self.at.data, self.deadline_at.data
        return (by.hour * 3600 + by.minute * 60) - (at.hour * 3600 + at.minute * 60)

    def api_fields(self, shown: str | None = None) -> dict:
        """The form, as the fields `core.check_fields.parse_fields` understands.

        `shown` is the kind the edit form drew the check as (`shown_kind`),
        None for a new check. Only the daily kind can say "alert at the end of
        the day": a check the API gave it and the form shows as another kind
        keeps it (leaving the flag out keeps the stored value), while a check
        moved away from the daily kind loses it with the choice it was shown as.
        """
        out = {"name": self.name.data.strip(), "tags": self.tags.data or "",
               "desc": self.desc.data or ""}
        if self.kind.data == "interval":
            out["timeout"] = self.every.data * UNITS[self.every_unit.data]
            out["grace"] = self.grace.data * UNITS[self.grace_unit.data]
        elif self.kind.data == "daily":
            out["schedule"] = daily_cron(self.at.data.hour, self.at.data.minute)
            out["tz"] = self.tz.data
            out["grace_to_end_of_day"] = self.deadline.data == "end_of_day"
            if not out["grace_to_end_of_day"]:
                out["grace"] = self.daily_grace()
        else:
            expr = self.cron.data if self.kind.data == "cron" else self.oncalendar.data
            out["schedule"], out["tz"] = expr, self.tz.data
            out["grace"] = self.grace.data * UNITS[self.grace_unit.data]
        if self.kind.data != "daily" and shown in (None, "daily"):
            out["grace_to_end_of_day"] = False
        reminding = self.nag.data == "every"
        out["nag_period"] = self.nag_every.data * UNITS[self.nag_unit.data] if reminding else 0
        out["failure_threshold"] = self.failure_threshold.data
        out["value_min"], out["value_max"] = self.value_min.data, self.value_max.data
        runtime = self.max_runtime.data
        out["max_runtime"] = (None if runtime is None
                              else runtime * UNITS[self.max_runtime_unit.data])
        shortest = self.min_runtime.data
        out["min_runtime"] = (None if shortest is None
                              else shortest * UNITS[self.min_runtime_unit.data])
        out["methods"] = "POST" if self.post_only.data else ""
        out["manual_resume"] = bool(self.manual_resume.data)
        out.update(self.flap_api_fields())
        out.update(self.keyword_api_fields())
        out["push_token"] = self.push_token.data or None
        return out

    def channels_spec(self, owned: list[str], current: set[str] | None) -> str | None:
        """The `channels` field for `parse_fields`: the ticked codes, comma-separated.

        `owned` are the user's channel codes now; `current` the check's (None
        for a new check). A channel the form did not show was added after it
        was drawn, and joined every check then: it keeps that place (and a new
        check gets it, as new checks get every channel). None when the form
        showed no channel list at all: leave the check's channels as they are.
        """
        if self.channels_shown.data is None:
            return None
        shown = set(self.channels_shown.data.split(","))
        ticked = set(self.channels.data or [])
        return ",".join(code for code in owned if code in ticked
                        or (code not in shown and (current is None or code in current)))

    def offer_parents(self, checks) -> None:
        """Draw `checks` (the project's others) as the parents to choose from, by name."""
        self.depends_on.choices = [SelectChoice(c.uuid, c.name or c.uuid) for c in checks]
        self.depends_on_shown.data = ",".join(c.uuid for c in checks)

    def depends_on_spec(self, current: list[str]) -> list[str] | None:
        """The `depends_on` field for `parse_fields`: the chosen checks' uuids.

        `current` are the check's parents now (none for a new check). As with
        the channels, a parent the form did not draw was made one after it was
        drawn (through the API): it keeps its place rather than being dropped
        by someone who never saw it. None when the form drew no list at all:
        leave the check's parents as they are.
        """
        if self.depends_on_shown.data is None:
            return None
        shown = set(self.depends_on_shown.data.split(","))
        chosen = list(self.depends_on.data or [])
        return chosen + [uuid for uuid in current if uuid not in shown and uuid not in chosen]

    def fill_from(self, check) -> None:
        """Pre-fill the form with a check's fields (the edit page)."""
        self.name.data, self.tags.data, self.desc.data = check.name, check.tags, check.desc
        self.push_token.data = check.push_token or ""
        self.tz.data = check.tz
        self.grace.data, self.grace_unit.data = split_seconds(check.grace)
        self.every.data, self.every_unit.data = split_seconds(check.timeout)
        self.cron.data = check.schedule
        self.channels.data = [c.code for c in check.channels]
        self.depends_on.data = [p.uuid for p in check.parents]
        if check.nag_period:
            self.nag.data = "every"
            self.nag_every.data, self.nag_unit.data = split_seconds(check.nag_period)
        self.failure_threshold.data = check.failure_threshold
        self.value_min.data, self.value_max.data = check.value_min, check.value_max
        if check.max_runtime:
            self.max_runtime.data, self.max_runtime_unit.data = split_seconds(check.max_runtime)
        if check.min_runtime:
            self.min_runtime.data, self.min_runtime_unit.data = split_seconds(check.min_runtime)
        self.post_only.data = check.methods == "POST"
        self.manual_resume.data = check.manual_resume
        self.fill_flapping(check)
        self.fill_keywords(check)
        self.kind.data = shown_kind(check)
        if self.kind.data == "oncalendar":
            self.oncalendar.data = check.schedule
            self.cron.data = self.cron.default  # not OnCalendar text, should the kind change
        elif self.kind.data == "daily":
            at = daily_time(check.schedule)
            assert at is not None  # shown_kind says daily only for a daily schedule
            self.at.data = time(*at)
            if check.grace_to_end_of_day:
                self.deadline.data = "end_of_day"
            else:
                end = at[0] * 3600 + at[1] * 60 + check.grace
                self.deadline.data = "by"
                self.deadline_at.data = time(end // 3600, end % 3600 // 60)


    # What an edit may arrive without: the fields of the schedule kinds and
    # reminder choice not chosen, which an older app.js disabled.
    KEPT_WHEN_UNSENT = (*sorted(SCHEDULE_FIELDS), "nag_every", "nag_unit")

    def keep_unsent(self, check) -> None:
        """Each field above that the browser did not send takes the check's
        stored value, not the default: otherwise switching back to the kind
        the check has ("Every…") would show "1 days" or UTC, and saving would
        store them."""
        stored = CheckForm(formdata=None, meta={"csrf": False})
        stored.fill_from(check)
        for name in self.KEPT_WHEN_UNSENT:
            if not self[name].raw_data:
                self[name].data = stored[name].data


def shown_kind(check) -> str:
    """The kind of schedule the edit form draws the check as: "daily" for a
    cron check firing once a day whose deadline the daily kind can say (the end
    of the day, or a whole minute before midnight), else its own kind."""
    if check.kind == "oncalendar":
        return "oncalendar"
    if check.kind != "cron":
        return "interval"
    at = daily_time(check.schedule)
    end = 0 if at is None else at[0] * 3600 + at[1] * 60 + check.grace
    if at and (check.grace_to_end_of_day or (end < 86400 and check.grace % 60 == 0)):
        return "daily"
    return "cron"  # includes a daily time whose deadline passes midnight
