"""notifications.grouped: rows of an alert storm, sent as one message per channel

Existing rows are not grouped. The downgrade drops the column (a group still
waiting is then sent row by row).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 21:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grouped', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        # The model sets it in Python; the default above only filled old rows.
        batch_op.alter_column('grouped', server_default=None)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('grouped')
