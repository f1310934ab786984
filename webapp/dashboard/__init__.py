"""The logged-in dashboard: its pages (`pages/`), their forms (`forms/`) and
what they show (`display/`)."""

from __future__ import annotations

from flask import Flask

from ..alerts.health import worker_silence
from ..web import ratelimits
from .display import timefmt
from .display.schedule_words import grace_words, schedule_words
from .pages import auth, channels, check, home, settings

BLUEPRINTS = (auth.bp, home.bp, check.bp, settings.bp, channels.bp)


def init_app(app: Flask) -> None:
    """Register the pages, and the filters and words their templates use."""
    for bp in BLUEPRINTS:
        app.register_blueprint(bp)
    ratelimits.protect_login(app, "auth.login")
    ratelimits.protect_signup(app, "auth.signup")
    timefmt.init_app(app)
    app.add_template_global(schedule_words)
    app.add_template_global(grace_words)
    app.add_template_global(worker_silence)
