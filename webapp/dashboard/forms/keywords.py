"""The check form's keyword filters (Healthchecks' "Filtering Rules"), mixed into
`check.CheckForm`: the same fields the API takes, in words (see
`core.keyword_fields` and `core.keywords` for what they do)."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ...core.keyword_fields import KEYWORD_LIMIT
from ...core.text import control_error
from .fields import sentence, strip

HINT = "Comma-separated, matched as written (ERROR is not error)."


def _keywords(label: str, example: str) -> StringField:
    return StringField(label, filters=[strip], validators=[Length(max=KEYWORD_LIMIT)],
                       description=f"{HINT} e.g. {example}")


class KeywordFields:
    """Fields and helpers for CheckForm (WTForms collects fields from every base)."""

    filter_body = BooleanField(
        "Decide by keywords in the ping's body",
        description="For the /ping/ URLs (a POST's body, as Healthchecks does): a failure "
                    "keyword wins over a success keyword, which wins over a start keyword, "
                    "whatever the URL says. A GET has no body, so it matches none.")
    failure_kw = _keywords("Failure keywords", "ERROR, FAILED")
    success_kw = _keywords("Success keywords", "SUCCESS")
    start_kw = _keywords("Start keywords", "STARTED")
    filter_default_fail = RadioField("A ping with none of them", default="ign", choices=[
        SelectChoice("ign", "is ignored (logged, no effect)"),
        SelectChoice("fail", "counts as a failure")])

    def validate_failure_kw(self, field):
        if err := control_error("keywords", field.data or ""):
            raise ValidationError(sentence(err))

    validate_success_kw = validate_start_kw = validate_failure_kw

    def validate_filter_default_fail(self, field):
        if field.data not in ("ign", "fail"):
            raise ValidationError("Choose what a ping with no keyword does.")

    def keyword_api_fields(self) -> dict:
        """The keyword fields for `core.check_fields.parse_fields`."""
        return {"filter_body": bool(self.filter_body.data),
                "failure_kw": self.failure_kw.data or "",
                "success_kw": self.success_kw.data or "",
                "start_kw": self.start_kw.data or "",
                "filter_default_fail": self.filter_default_fail.data == "fail"}

    def fill_keywords(self, check) -> None:
        self.filter_body.data = check.filter_body
        self.failure_kw.data, self.success_kw.data = check.failure_kw, check.success_kw
        self.start_kw.data = check.start_kw
        self.filter_default_fail.data = "fail" if check.filter_default_fail else "ign"
