"""The check form's flapping rule, mixed into `check.CheckForm`: "more than 6
changes within 1 hour" (see `core.flapping` for what it does).

The bounds are the API's: each value is put to `core.check_fields.parse_fields`
as the form is validated, so the form refuses exactly what the API refuses,
and says so on the field rather than above the form.
"""

from __future__ import annotations

from wtforms import IntegerField, SelectField
from wtforms.validators import ValidationError

from ...core.check_fields import parse_fields
from ...core.errors import FieldError
from ...core.flapping import DEFAULT_THRESHOLD, DEFAULT_WINDOW, MAX_WINDOW
from ...core.schedules import seconds_in_words
from .fields import UNIT_CHOICES, UNITS, split_seconds

_WINDOW, _WINDOW_UNIT = split_seconds(DEFAULT_WINDOW)


def accepted(key: str, value: int) -> bool:
    """Whether the API would take `value` for `key`."""
    try:
        parse_fields({key: value})
    except FieldError:
        return False
    return True


class FlapFields:
    """Fields and helpers for CheckForm (WTForms collects fields from every base)."""

    flap_threshold = IntegerField("Flapping: more than", default=DEFAULT_THRESHOLD)
    flap_window = IntegerField("changes within", default=_WINDOW)
    flap_window_unit = SelectField("Flapping window unit", choices=UNIT_CHOICES,
                                   default=_WINDOW_UNIT)

    def validate_flap_threshold(self, field):
        if field.data is None or not accepted("flap_threshold", field.data):
            field.errors[:] = []  # "Not a valid integer value." says less than this
            raise ValidationError("Give a whole number from 0 to 1000 (0 turns this off).")

    def validate_flap_window(self, field):
        if field.data is None:
            if not field.errors:
                raise ValidationError("The window must be a whole number.")
            return
        if not accepted("flap_window", self.flap_window_seconds()):
            raise ValidationError(
                f"The window must be between 1 second and {seconds_in_words(MAX_WINDOW)}.")

    def flap_window_seconds(self) -> int:
        return self.flap_window.data * UNITS.get(self.flap_window_unit.data, 1)

    def flap_api_fields(self) -> dict:
        """The flapping fields for `core.check_fields.parse_fields`."""
        return {"flap_threshold": self.flap_threshold.data,
                "flap_window": self.flap_window_seconds()}

    def fill_flapping(self, check) -> None:
        self.flap_threshold.data = check.flap_threshold
        self.flap_window.data, self.flap_window_unit.data = split_seconds(check.flap_window)
