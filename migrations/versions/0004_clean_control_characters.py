"""clean control characters out of names, tags and channel values

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:00:00

Older releases took names, tags and channel values with control characters in
them; a line break in a check's name made every email about it undeliverable.
New input refuses them (webapp.core.text); this cleans what is stored: a run of
them becomes one space, and tags are split again on it.
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The rule as it stands at this revision (a migration keeps its own copy).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

checks = sa.table('checks', sa.column('id', sa.Integer), sa.column('name', sa.String),
                  sa.column('tags', sa.String))
channels = sa.table('channels', sa.column('id', sa.Integer), sa.column('name', sa.String),
                    sa.column('value', sa.Text), sa.column('headers', sa.JSON))


def one_line(text):
    return re.sub(r"(?:[\x00-\x1f\x7f-\x9f]| )+", " ", text).strip()


def clean_tags(tags):
    seen = []
    for tag in re.split(r"[\s,\x00-\x1f\x7f-\x9f]+", tags):
        if tag and tag not in seen:
            seen.append(tag)
    return " ".join(seen)


def upgrade():
    conn = op.get_bind()
    for row in conn.execute(sa.select(checks.c.id, checks.c.name, checks.c.tags)).all():
        if CONTROL.search(row.name or "") or CONTROL.search(row.tags or ""):
            conn.execute(checks.update().where(checks.c.id == row.id).values(
                name=one_line(row.name or ""), tags=clean_tags(row.tags or "")))
    for row in conn.execute(sa.select(channels.c.id, channels.c.name, channels.c.value,
                                      channels.c.headers)).all():
        headers = row.headers or {}
        dirty_headers = any(CONTROL.search(v.replace("\t", " ")) for v in headers.values())
        if CONTROL.search(row.name or "") or CONTROL.search(row.value or "") or dirty_headers:
            conn.execute(channels.update().where(channels.c.id == row.id).values(
                name=one_line(row.name or ""), value=one_line(row.value or ""),
                headers={k: one_line(v.replace("\t", " ")) for k, v in headers.items()}))


def downgrade():
    pass  # the characters removed are not worth putting back
