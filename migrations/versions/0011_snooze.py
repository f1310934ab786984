"""checks.muted_until, checks.mute_until_up: snoozing a check's alerts

Nothing is sent for a muted check until `muted_until` (or, with
`mute_until_up`, until it is next up); existing checks are not muted. The
downgrade drops both.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('muted_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('mute_until_up', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('checks', schema=None) as batch_op:
        # The model sets it in Python; the default above only filled old rows.
        batch_op.alter_column('mute_until_up', server_default=None)


def downgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_column('mute_until_up')
        batch_op.drop_column('muted_until')
