"""encrypt channel settings and notification targets at rest

Channel values (webhook and Apprise URLs, which carry tokens; addresses),
webhook headers, and the copy of the value each notification keeps, were
stored in plain text. They become Fernet tokens under a key derived from
SECRET_KEY (webapp.db.secrets). The headers column stays JSON, holding its
token as a JSON string: a change of type would make SQLite copy the table and
drop the old one, which deletes by cascade the rows that refer to channels.

The downgrade decrypts them again, and stops, changing nothing, if a value
does not open under SECRET_KEY or OLD_SECRET_KEYS.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00

"""
import base64
import json

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The key derivation as it stands at this revision (a migration keeps its own
# copy); webapp.db.secrets must keep deriving the same key.
PURPOSE = b"heartbeats channel settings at rest, v1"

channels = sa.table('channels', sa.column('id', sa.Integer), sa.column('value', sa.Text),
                    sa.column('headers', sa.JSON))
notifications = sa.table('notifications', sa.column('id', sa.Integer),
                         sa.column('target', sa.Text))


def derive_key(secret_key):
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def fernet():
    config = current_app.config
    old = config.get("OLD_SECRET_KEYS", "")
    old = old.split(",") if isinstance(old, str) else old
    keys = [config["SECRET_KEY"], *(k.strip() for k in old if k.strip())]
    return MultiFernet([Fernet(derive_key(k)) for k in keys])


def encrypt(f, text):
    return f.encrypt(text.encode()).decode("ascii")


def decrypt(f, token, what):
    try:
        return f.decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError(f"cannot decrypt {what}: SECRET_KEY changed since it was saved "
                           "(set the old key in OLD_SECRET_KEYS to downgrade)") from None


def rewrite(conn, table, column, rows):
    """Write (id, new value) pairs into one column, in one executemany."""
    if rows:
        conn.execute(table.update().where(table.c.id == sa.bindparam('row_id'))
                     .values({column: sa.bindparam('new')}),
                     [{"row_id": row_id, "new": new} for row_id, new in rows])


def upgrade():
    conn = op.get_bind()
    f = fernet()
    values, headers = [], []
    for row in conn.execute(sa.select(channels.c.id, channels.c.value, channels.c.headers)):
        values.append((row.id, encrypt(f, row.value)))
        headers.append((row.id, encrypt(f, json.dumps(row.headers or {}))))
    rewrite(conn, channels, 'value', values)
    rewrite(conn, channels, 'headers', headers)
    targets = [(row.id, encrypt(f, row.target))
               for row in conn.execute(sa.select(notifications.c.id, notifications.c.target))]
    rewrite(conn, notifications, 'target', targets)


def downgrade():
    conn = op.get_bind()
    f = fernet()
    # Every value is decrypted before any is written: one that does not open
    # stops the downgrade with nothing changed.
    values, headers = [], []
    for row in conn.execute(sa.select(channels.c.id, channels.c.value, channels.c.headers)):
        values.append((row.id, decrypt(f, row.value, f"channel {row.id}'s value")))
        headers.append((row.id, json.loads(decrypt(f, row.headers,
                                                   f"channel {row.id}'s headers"))))
    targets = [(row.id, decrypt(f, row.target, f"notification {row.id}'s target"))
               for row in conn.execute(sa.select(notifications.c.id, notifications.c.target))]
    rewrite(conn, channels, 'value', values)
    rewrite(conn, channels, 'headers', headers)
    rewrite(conn, notifications, 'target', targets)
