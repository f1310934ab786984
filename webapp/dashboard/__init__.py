"""The logged-in dashboard: its pages (`pages/`), their forms (`forms/`) and
what they show (`display/`)."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from ..alerts.health import worker_silence
from ..core.projects import can_write, projects_of
from ..web import ratelimits
from .display import maintenance_words, timefmt, zone_names
from .display.flap_words import flap_note
from .display.schedule_words import grace_words, next_firing, schedule_words
from .display.snooze_words import mute_title, mute_words
from .pages import (
    auth,
    bulk,
    channels,
    check,
    home,
    imports,
    invitations,
    maintenance,
    members,
    projects,
    settings,
    status_pages,  # public status pages, managed in project settings
)

BLUEPRINTS = (auth.bp, home.bp, bulk.bp, check.bp, settings.bp, channels.bp, projects.bp,
              members.bp, invitations.bp, imports.bp, maintenance.bp)


def project_context() -> dict:
    """What every page's header and controls need: the project the page is of
    (set by `web.loaders`), the user's role there, and the switcher's list."""
    role = g.get("role")
    return {"project": g.get("project"), "role": role, "may_write": can_write(role),
            "last_project": home.last_project,
            "my_projects": lambda: projects_of(current_user.id)}


def init_app(app: Flask) -> None:
    """Register the pages, and the filters and words their templates use."""
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    # --- public status pages: their settings (the pages themselves are public/'s) ---
    app.register_blueprint(status_pages.bp)
    ratelimits.protect_login(app, "auth.login")
    ratelimits.protect_signup(app, "auth.signup")
    ratelimits.protect_signup(app, "invitations.signup")
    ratelimits.protect_per_user(app, "invitations.create", "RATELIMIT_INVITE")
    ratelimits.protect_per_user(app, "imports.healthchecks_import", "RATELIMIT_IMPORT")
    app.context_processor(project_context)
    timefmt.init_app(app)
    maintenance_words.init_app(app)
    app.add_template_global(schedule_words)
    app.add_template_global(grace_words)
    app.add_template_global(mute_words)
    app.add_template_global(mute_title)
    app.add_template_global(flap_note)
    app.add_template_global(next_firing)
    app.add_template_global(worker_silence)
    app.add_template_filter(zone_names.firing_words, "firingwords")  # the cron preview
