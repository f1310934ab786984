"""checks.min_runtime; api_keys.created_by_id

- checks.min_runtime: the shortest a started run may take; a success sooner
  counts as a failure (Healthchecks #236, runs that finish too fast). NULL,
  the value of every existing check, means any length.
- api_keys.created_by_id: who made a key, so that a member's keys go with
  them when they leave or are removed. Existing keys: NULL (unknown).
- channels.events and channels.delay: which events a channel is sent and
  after how long a down (routing per channel); existing channels get every
  event at once, as before.

The downgrade drops them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_runtime', sa.Integer(), nullable=True))
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_api_keys_created_by_id'), ['created_by_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_api_keys_created_by_id_users'), 'users',
                                    ['created_by_id'], ['id'], ondelete='SET NULL')


    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('events', sa.String(length=50), nullable=False,
                                      server_default='down up reminder'))
        batch_op.add_column(sa.Column('delay', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('channels', schema=None) as batch_op:
        # The models set these in Python; the defaults above only filled old rows.
        batch_op.alter_column('events', server_default=None)
        batch_op.alter_column('delay', server_default=None)


def downgrade():
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('delay')
        batch_op.drop_column('events')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_keys_created_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_api_keys_created_by_id'))
        batch_op.drop_column('created_by_id')
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_column('min_runtime')
