"""The dashboard's channel form: kind, name, where to send, a webhook's headers,
and the routing (which events, after what delay).

Headers are typed one "Name: value" per line. The form hands everything to
`core.channels.parse_channel`, the API's own validation, and shows its reason next
to the field it is about, so a channel made in a browser obeys the API's rules.
"""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from ...core.channels import HEADER_NAME_RE, KINDS, header_error, parse_channel
from ...core.errors import FieldError
from ...core.routing import parse_delay, parse_events
from .fields import UNIT_CHOICES, UNITS, sentence, split_seconds, strip

# An edit form shows the header names with this in place of their values,
# which are secrets (tokens): a line still carrying it keeps the old value.
MASK = "********"

KIND_LABELS = {"email": "Email", "webhook": "Webhook", "apprise": "Apprise"}
VALUE_LABELS = {"email": "Email addresses", "webhook": "URL", "apprise": "Apprise URL"}
VALUE_HINTS = {
    "email": "Email: one or more addresses, comma-separated.",
    "webhook": "Webhook: the URL the alert's JSON is POSTed to (https://…).",
    "apprise": "Apprise: a URL such as ntfy://topic or slack://….",
}
VALUE_PROMPTS = {
    "email": "Enter one or more email addresses, comma-separated.",
    "webhook": "Enter the URL to POST to, starting with https:// or http://.",
    "apprise": "Enter an Apprise URL, such as ntfy://topic.",
}


def kinds_offered() -> list[str]:
    """Apprise only where it is enabled: it can reach private addresses."""
    return [k for k in KINDS if k != "apprise" or current_app.config["APPRISE_ENABLED"]]


def masked_headers(headers: dict) -> str:
    """The textarea's text for saved headers: names shown, values hidden."""
    return "\n".join(f"{name}: {MASK}" for name in headers)


def parse_header_lines(text: str, saved: dict) -> dict:
    """{"Name": "value"} from "Name: value" lines; `saved` fills in masked values."""
    headers: dict[str, str] = {}
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not HEADER_NAME_RE.match(name):
            raise ValidationError(f"Line {n}: write a header as Name: value, "
                                  "e.g. Authorization: Bearer abc123.")
        if name.lower() in (h.lower() for h in headers):
            raise ValidationError(f"Line {n}: the header {name} is given twice.")
        if value == MASK:
            if name not in saved:
                raise ValidationError(f"Line {n}: type the value of the header {name}.")
            value = saved[name]
        elif err := header_error(name, value):
            raise ValidationError(f"Line {n}: {err}.")
        headers[name] = value
    return headers


class ChannelForm(FlaskForm):
    kind = SelectField("Kind", default="email", validate_choice=False)
    name = StringField("Name", filters=[strip], validators=[Length(max=100)],
                       description="Optional: how lists and checks call it.")
    value = StringField("Send to", filters=[strip])
    headers = TextAreaField("Custom headers",
                            description="Webhooks only, optional: one Name: value per line.")
    events = SelectMultipleField("Send", default=["down", "up", "reminder"],
                                 choices=[SelectChoice("down", "when a check goes down"),
                                          SelectChoice("up", "when it recovers"),
                                          SelectChoice("reminder", "reminders while down"),
                                          SelectChoice("late", "when a ping is overdue, "
                                                               "before the grace time is over")],
                                 validate_choice=False)  # parse_events says why
    delay = IntegerField("Only if still down after", default=0, validators=[Optional()],
                         description="0: at once. A recovery before then cancels the alert "
                                     "to this channel, and its recovery message too.")
    delay_unit = SelectField("Delay unit", choices=UNIT_CHOICES, default="minutes")
    # Set by the templates that draw the routing fields: a form posted
    # without them (an older page) leaves the routing as it is, rather than
    # reading the missing boxes as "no events".
    routing_shown = HiddenField(default=None)

    def __init__(self, *args, saved_headers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in kinds_offered()]
        self.saved_headers = saved_headers or {}
        self.parsed_headers: dict = {}
        self.channel_fields: dict | None = None  # parse_channel's result, once valid

    def validate_kind(self, field):
        if field.data == "apprise" and "apprise" not in kinds_offered():
            raise ValidationError("Apprise channels are disabled here "
                                  "(APPRISE_ENABLED=true enables them).")
        if field.data not in kinds_offered():
            raise ValidationError("Choose one of the kinds offered.")

    def validate_headers(self, field):
        parsed = parse_header_lines(field.data, self.saved_headers)
        if parsed and self.kind.data != "webhook":
            raise ValidationError("Only webhooks send headers: clear this field, "
                                  "or choose Webhook.")
        self.parsed_headers = parsed

    def routing(self) -> dict:
        """`events` and `delay` as parse_channel takes them; errors go to their fields."""
        if not self.routing_shown.data:
            return {}
        out: dict = {}
        try:
            out["events"] = parse_events(self.events.data or [])
        except FieldError as e:
            self.events.errors = [sentence(str(e))]
        if not self.delay.errors:
            try:
                out["delay"] = parse_delay((self.delay.data or 0)
                                           * UNITS.get(self.delay_unit.data, 1))
            except FieldError as e:
                self.delay.errors = [sentence(str(e))]
        return out

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the API's rules for the value (addresses, URL) on top."""
        super().validate(extra_validators)
        routing = self.routing()
        if not (self.kind.errors or self.name.errors or self.headers.errors
                or self.events.errors or self.delay.errors):
            kind = self.kind.data
            if not self.value.data:
                self.value.errors = [VALUE_PROMPTS[kind]]
            else:
                value = self.value.data
                if kind == "webhook":
                    value = {"url": value, "headers": self.parsed_headers}
                try:
                    self.channel_fields = parse_channel(
                        {"kind": kind, "name": self.name.data, "value": value, **routing})
                except FieldError as e:
                    self.value.errors = [sentence(str(e))]
            self._errors = None
        return not any(f.errors for f in self)

    def fields(self) -> dict:
        """`parse_channel`'s fields, for a form that has validated."""
        if self.channel_fields is None:
            raise RuntimeError("the channel form has not validated")
        return self.channel_fields

    def fill_from(self, channel) -> None:
        """Pre-fill with a channel (the edit page); header values stay hidden."""
        self.kind.data, self.name.data, self.value.data = channel.kind, channel.name, channel.value
        self.headers.data = masked_headers(channel.headers or {})
        self.events.data = channel.events.split()
        self.delay.data, self.delay_unit.data = (split_seconds(channel.delay) if channel.delay
                                                 else (0, "minutes"))
