"""fields the peers' checks carry: push tokens, badge keys, keyword filters

- checks.push_token: an imported Uptime Kuma or Tianji monitor's own push
  token (its /api/push/<token> URL keeps working); NULL for checks made here.
- checks.badge_key: names a check in its public badge URLs, as Healthchecks'
  badge_key does; every existing check gets a fresh one.
- checks.start_kw, success_kw, failure_kw, filter_subject, filter_body,
  filter_default_fail: Healthchecks' keyword filters (empty and off).

The downgrade drops them.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

checks = sa.table('checks', sa.column('id', sa.Integer), sa.column('badge_key', sa.String))


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('push_token', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('badge_key', sa.String(length=36), nullable=True))
        for name in ('start_kw', 'success_kw', 'failure_kw'):
            batch_op.add_column(sa.Column(name, sa.String(length=200), nullable=False,
                                          server_default=''))
        for name in ('filter_subject', 'filter_body', 'filter_default_fail'):
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                          server_default=sa.false()))
    conn = op.get_bind()
    for (check_id,) in conn.execute(sa.select(checks.c.id)).all():
        conn.execute(sa.update(checks).where(checks.c.id == check_id)
                     .values(badge_key=str(uuid.uuid4())))
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.alter_column('badge_key', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_checks_push_token'), ['push_token'])
        batch_op.create_unique_constraint(batch_op.f('uq_checks_badge_key'), ['badge_key'])
        # The models set these in Python; the defaults above only filled old rows.
        for name in ('start_kw', 'success_kw', 'failure_kw', 'filter_subject', 'filter_body',
                     'filter_default_fail'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_checks_badge_key'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_checks_push_token'), type_='unique')
        for name in ('filter_default_fail', 'filter_body', 'filter_subject', 'failure_kw',
                     'success_kw', 'start_kw', 'badge_key', 'push_token'):
            batch_op.drop_column(name)
