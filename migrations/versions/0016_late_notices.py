"""checks.late_noticed, and an index on checks.next_ping: "late" notices

A channel may now ask for "late" (a ping overdue within its grace time); the
sweep finds such checks by next_ping and records the next_ping each notice
was sent for, so each lateness sends one. No channel asks for it yet, so
nothing is sent for existing checks. The downgrade drops both; a channel's
"late" choice is then taken off its events, which older code refuses.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 20:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_noticed', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_checks_next_ping'), ['next_ping'], unique=False)


def downgrade():
    op.execute("UPDATE channels SET events = TRIM(REPLACE(events, 'late', ''))")
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checks_next_ping'))
        batch_op.drop_column('late_noticed')
