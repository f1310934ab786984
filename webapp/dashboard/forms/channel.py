"""The dashboard's channel form: kind, name, where to send, and a webhook's headers.

Headers are typed one "Name: value" per line. The form hands everything to
`core.channels.parse_channel`, the API's own validation, and shows its reason next
to the field it is about, so a channel made in a browser obeys the API's rules.
"""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ...core.channels import HEADER_NAME_RE, KINDS, header_error, parse_channel
from ...core.errors import FieldError
from .fields import sentence, strip

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

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the API's rules for the value (addresses, URL) on top."""
        super().validate(extra_validators)
        if not (self.kind.errors or self.name.errors or self.headers.errors):
            kind = self.kind.data
            if not self.value.data:
                self.value.errors = [VALUE_PROMPTS[kind]]
            else:
                value = self.value.data
                if kind == "webhook":
                    value = {"url": value, "headers": self.parsed_headers}
                try:
                    self.channel_fields = parse_channel(
                        {"kind": kind, "name": self.name.data, "value": value})
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
