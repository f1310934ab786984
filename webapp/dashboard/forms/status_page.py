"""The form that makes or changes a public status page.

Every field is stored or refused next to itself: the title, the address
(slug; made from the title when left empty), the description, the zone of
its days, the tags whose checks it lists, and, per check of the project,
whether it is listed and under which public name.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from ...core.models import Check, normalize_tags, slugify
from ...core.schedules import tz_error
from ...core.status_pages import SLUG_MAX, StatusPage, slug_error
from ...core.text import control_error
from .fields import sentence, strip, timezone_choices

NAME_UNSHOWN = "Tick the box to list this check, or clear its public name."
NOTHING_CHOSEN = "Choose at least one check or tag for the page to show."
GONE = ("A check chosen here was deleted since this form was drawn: "
        "reload the page and choose again.")


class CheckEntry(Form):
    """One check of the project: listed or not, and its public name."""

    check = HiddenField()
    shown = BooleanField("Show")
    public_name = StringField("Public name", filters=[strip], validators=[Length(max=100)])

    def validate_public_name(self, field):
        if err := control_error("the public name", field.data or ""):
            raise ValidationError(sentence(err))


@dataclass(frozen=True)
class Chosen:
    """What a valid form says, ready to store."""

    title: str
    slug: str
    description: str
    tz: str
    tags: str
    checks: dict[int, str]  # check id -> public name ("" : its own name)


class StatusPageForm(FlaskForm):
    title = StringField("Title", filters=[strip], validators=[
        DataRequired("Give the page a title, e.g. Acme status."), Length(max=100)])
    slug = StringField("Address", filters=[strip, lambda v: v or ""],
                       description=f"The page is at /status/<address>: lowercase letters, digits "
                                   f"and dashes, at most {SLUG_MAX}. Empty: made from the title.")
    description = TextAreaField("Description", filters=[strip], validators=[Length(max=1000)],
                                description="Optional: shown under the title.")
    tz = SelectField("Timezone of its days and times", validate_choice=False)
    tags = StringField("Tags", filters=[strip], validators=[Length(max=500)],
                       description="Space- or comma-separated: every check with one of these "
                                   "tags is listed, now and later, under its own name.")
    checks = FieldList(FormField(CheckEntry))

    def __init__(self, *args, project_checks: list[Check], page: StatusPage | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.tz.choices = timezone_choices()
        self.by_uuid = {c.uuid: c for c in project_checks}
        self.chosen: Chosen | None = None
        for entry in self.checks:
            check = self.by_uuid.get(entry.form.check.data)
            name = (check.name or "(unnamed)") if check else "(deleted check)"
            entry.form.shown.label.text = name
            entry.form.public_name.label.text = f"Public name of {name}"
            entry.form.public_name.render_kw = {"placeholder": check.name if check else ""}

    @staticmethod
    def entries_for(project_checks: list[Check], page: StatusPage | None) -> list[dict]:
        """The rows the form starts with: every check of the project, with the
        page's choices ticked and named."""
        names = {e.check_id: e.public_name for e in page.entries} if page else {}
        return [{"check": c.uuid, "shown": c.id in names, "public_name": names.get(c.id, "")}
                for c in project_checks]

    def validate_title(self, field):
        if err := control_error("the title", field.data or ""):
            raise ValidationError(sentence(err))

    def validate_description(self, field):
        if err := control_error("the description", field.data or "", lines=True):
            raise ValidationError(sentence(err))

    def validate_tz(self, field):
        if err := tz_error(field.data or ""):
            raise ValidationError(sentence(err))

    def validate_tags(self, field):
        if err := control_error("tags", field.data or "", separators=True):
            raise ValidationError(sentence(err))
        field.data = normalize_tags(field.data or "")

    def validate_slug(self, field):
        if not field.data:
            if not self.title.data:
                return  # the title's own error says what to do
            field.data = slugify(self.title.data)[:SLUG_MAX].strip("-")
        if err := slug_error(field.data, self.page.id if self.page else None):
            raise ValidationError(sentence(err))

    def chosen_checks(self) -> dict[int, str]:
        """Check id -> public name of the ticked rows; refusals go next to their row."""
        chosen: dict[int, str] = {}
        for entry in self.checks:
            row = entry.form
            check = self.by_uuid.get(row.check.data)
            if row.shown.data and check is None:
                if GONE not in self.form_errors:
                    self.form_errors.append(GONE)
            elif row.shown.data and check is not None:
                chosen[check.id] = row.public_name.data or ""
            elif row.public_name.data:
                row.public_name.errors = [*row.public_name.errors, NAME_UNSHOWN]
        return chosen

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        checks = self.chosen_checks()
        if not checks and not self.tags.data and not self.tags.errors:
            self.form_errors.append(NOTHING_CHOSEN)
        # The rows' errors are read afresh: the FieldList kept a copy of them
        # before chosen_checks() added its own.
        if (self.form_errors or any(f.errors for f in self if f is not self.checks)
                or any(entry.form.errors for entry in self.checks)):
            return False
        self.chosen = Chosen(self.title.data, self.slug.data, self.description.data or "",
                             self.tz.data, self.tags.data or "", checks)
        return True
