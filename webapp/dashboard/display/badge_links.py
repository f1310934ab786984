"""The project settings' badge card: each tag's badge URLs, and a preview.

The preview image's address is a path, not a full URL: BASE_URL may name
another host than the one the page came from, and the dashboard's
Content-Security-Policy (img-src 'self') shows images of its own origin only.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app

from ...core.badges import ALL, badge_tags, project_badge_url, project_badge_urls
from ...core.models import Check, Project
from ...db import db


class BadgeLinks(NamedTuple):
    tag: str
    # svg, json, shields (late shows as up) and svg3, json3, shields3.
    urls: dict[str, str]


def badge_links(project: Project, base: str) -> list[BadgeLinks]:
    """"*" (every check) first, then each tag the project's checks carry."""
    secret = current_app.config["SECRET_KEY"]
    tags = db.session.scalars(sa.select(Check.tags).where(Check.project_id == project.id))
    return [BadgeLinks(tag, project_badge_urls(base, project.badge_key, tag, secret))
            for tag in badge_tags(t.split() for t in tags)]


def preview_path(project: Project) -> str:
    """The all-checks SVG badge, as a path on this site."""
    return project_badge_url("", project.badge_key, ALL, current_app.config["SECRET_KEY"])
