"""users.timezone_chosen: whether the display timezone is the person's choice

A login adopts the browser's timezone for an account that never chose one.
Accounts made before this revision count as having chosen theirs when their
zone is not the default or they have logged in: times have been shown to
them in it, and a login should not change it under them. The downgrade drops
the column.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 01:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone_chosen', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute("UPDATE users SET timezone_chosen = (timezone <> 'UTC' OR EXISTS "
               "(SELECT 1 FROM login_sessions WHERE login_sessions.user_id = users.id))")
    with op.batch_alter_table('users', schema=None) as batch_op:
        # The model sets it in Python; the default above only filled old rows.
        batch_op.alter_column('timezone_chosen', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('timezone_chosen')
