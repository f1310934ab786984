"""checks.flap_threshold, checks.flap_window, checks.flapping_since

A check that changes state more than flap_threshold times within flap_window
seconds sends one "flapping" message and holds its alerts until it has been
stable for the window. Existing checks get the defaults (6 within an hour),
as new ones do, and none is flapping. The downgrade drops the three.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 21:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flap_threshold', sa.Integer(), nullable=False,
                                      server_default='6'))
        batch_op.add_column(sa.Column('flap_window', sa.Integer(), nullable=False,
                                      server_default='3600'))
        batch_op.add_column(sa.Column('flapping_since', sa.DateTime(), nullable=True))
    with op.batch_alter_table('checks', schema=None) as batch_op:
        # The model sets these in Python; the defaults above only filled old rows.
        batch_op.alter_column('flap_threshold', server_default=None)
        batch_op.alter_column('flap_window', server_default=None)


def downgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_column('flapping_since')
        batch_op.drop_column('flap_window')
        batch_op.drop_column('flap_threshold')
