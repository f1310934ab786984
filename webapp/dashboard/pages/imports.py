"""Project settings, Import: a Healthchecks project's checks carried into this one.

Owners and members may import (it makes and changes checks, as they may).
The site is reached through the outbound guard: an address on a private
network is refused unless INTEGRATIONS_ALLOW_PRIVATE_IPS, as a webhook's is;
the command line (`flask import healthchecks`) is for those.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import login_required

from ...imports import healthchecks
from ...imports.report import ImportRefused
from ...web.loaders import project_or_404
from ..forms.imports import HealthchecksImportForm

bp = Blueprint("imports", __name__)


@bp.route("/projects/<code>/import", methods=["GET", "POST"])
@login_required
def healthchecks_import(code: str):
    """The form; on POST, the import and its report."""
    project = project_or_404(code, "write")
    form = HealthchecksImportForm()
    if not form.is_submitted():
        return render_template("projects/import.html", form=form, report=None)
    if not form.validate():
        return render_template("projects/import.html", form=form, report=None), 400
    config = current_app.config
    try:
        report = healthchecks.import_project(
            project.id, form.url.data, form.api_key.data,
            allow_private=config["INTEGRATIONS_ALLOW_PRIVATE_IPS"],
            timeout=config["INTEGRATIONS_TIMEOUT"])
    except ImportRefused as e:
        form.url.errors = [str(e)]
        return render_template("projects/import.html", form=form, report=None), 400
    return render_template("projects/import.html", form=HealthchecksImportForm(formdata=None),
                           report=report)
