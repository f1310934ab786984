"""heartbeats, and notifications' next attempt

heartbeats: when the sweep, the job loop and the web last ran. Each pending
notification's next attempt is now kept on its row (it was only in Redis, for
RQ's scheduler): the column that said when its job was queued becomes the time
its next attempt is due, which it was for every row that had not failed yet.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('heartbeats',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_heartbeats'))
    )
    with op.batch_alter_table('notifications') as batch:
        batch.alter_column('enqueued', new_column_name='next_attempt')


def downgrade():
    with op.batch_alter_table('notifications') as batch:
        batch.alter_column('next_attempt', new_column_name='enqueued')
    op.drop_table('heartbeats')
