"""projects: checks, channels and API keys belong to a project, not a user

Every user gets a project of their own, named "<email>'s project", dated
from their sign-up, that they own (a membership with the role "owner",
alerts on). Their checks, channels and API keys move into it, and their ping
key becomes the project's, so that every /ping/<ping_key>/<slug> URL keeps
working; each project also gets a badge key of its own. API keys gain a
read-only flag, off for every existing key. Projects also have members
(memberships) and pending invitations.

On SQLite the tables are rebuilt (Alembic's batch mode), which needs the
foreign keys off, or dropping the old `checks` and `users` would delete by
cascade the rows that refer to them: migrations/env.py turns them off, and
this migration refuses to run if they are on.

The downgrade gives checks, channels and API keys back to a user, and loses
what the older schema cannot hold:

- A project's checks, channels and keys go to its owner (the earliest owner
  membership); to its earliest member with the role "member" if it has no
  owner. A project with neither (only viewers, or nobody) loses its checks
  (with their pings, flips and notifications), channels and keys: a viewer
  may not see a channel's secrets, nor change anything.
- Each user's ping key comes back from the oldest project they own; a user
  who owns none gets a new one. The slug URLs (/ping/<ping_key>/<slug>) of
  every other project stop working (uuid URLs keep working); a user who owns
  several projects ends up with all their checks.
- Read-only API keys are deleted, not turned into keys that can write.
- Every membership (who else could see or change a project, and whether
  they got its alerts), every invitation, and the projects' names, codes and
  badge keys (so every badge URL) are lost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00

"""
import secrets
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# The tables whose rows belonged to a user and now belong to a project.
OWNED = ('checks', 'channels', 'api_keys')

users = sa.table('users', sa.column('id', sa.Integer), sa.column('email', sa.String),
                 sa.column('ping_key', sa.String), sa.column('created', sa.DateTime))
projects = sa.table('projects', sa.column('id', sa.Integer), sa.column('code', sa.String),
                    sa.column('name', sa.String), sa.column('ping_key', sa.String),
                    sa.column('badge_key', sa.String), sa.column('created', sa.DateTime))
memberships = sa.table('memberships', sa.column('project_id', sa.Integer),
                       sa.column('user_id', sa.Integer), sa.column('role', sa.String),
                       sa.column('alerts', sa.Boolean), sa.column('created', sa.DateTime))
api_keys = sa.table('api_keys', sa.column('read_only', sa.Boolean))


def new_key():
    return secrets.token_urlsafe(16)


def refuse_foreign_keys_on():
    """Stop before SQLite's table rebuilds could delete rows by cascade."""
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite' and conn.exec_driver_sql('PRAGMA foreign_keys').scalar():
        raise RuntimeError("SQLite's foreign keys are on: rebuilding a table would delete "
                           "by cascade the rows that refer to it (migrations/env.py turns "
                           "them off; run this migration through it)")


def create_tables():
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('ping_key', sa.String(length=32), nullable=False),
    sa.Column('badge_key', sa.String(length=36), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('badge_key', name=op.f('uq_projects_badge_key')),
    sa.UniqueConstraint('code', name=op.f('uq_projects_code')),
    sa.UniqueConstraint('ping_key', name=op.f('uq_projects_ping_key'))
    )
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('alerts', sa.Boolean(), nullable=False),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                            name=op.f('fk_memberships_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('project_id', 'user_id', name=op.f('uq_memberships_project_id'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_project_id'), ['project_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_memberships_user_id'), ['user_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'],
                            name=op.f('fk_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                            name=op.f('fk_invitations_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_project_id'), ['project_id'],
                              unique=False)


def upgrade():
    refuse_foreign_keys_on()
    create_tables()

    # A project for each user, under the user's ping key, owned by them.
    conn = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    people = conn.execute(sa.select(users.c.id, users.c.email, users.c.ping_key,
                                    users.c.created)).all()
    if people:
        conn.execute(projects.insert(), [
            {"code": str(uuid.uuid4()), "name": f"{p.email}'s project"[:100],
             "ping_key": p.ping_key, "badge_key": new_key(), "created": p.created}
            for p in people])
        project_of = dict(conn.execute(sa.select(projects.c.ping_key, projects.c.id)).all())
        conn.execute(memberships.insert(), [
            {"project_id": project_of[p.ping_key], "user_id": p.id, "role": "owner",
             "alerts": True, "created": now}
            for p in people])

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
            if table == 'api_keys':
                batch_op.add_column(sa.Column('read_only', sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
        # Each user has one membership now: the project just made.
        op.execute(f"UPDATE {table} SET project_id = (SELECT m.project_id FROM memberships m "
                   f"WHERE m.user_id = {table}.user_id)")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
            if table == 'api_keys':
                batch_op.alter_column('read_only', existing_type=sa.Boolean(),
                                      existing_nullable=False, server_default=None)
            batch_op.drop_index(batch_op.f(f'ix_{table}_user_id'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_user_id_users'),
                                     type_='foreignkey')
            batch_op.drop_column('user_id')
            batch_op.create_index(batch_op.f(f'ix_{table}_project_id'), ['project_id'],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_project_id_projects'),
                                        'projects', ['project_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_ping_key'), type_='unique')
        batch_op.drop_column('ping_key')


# The user a project's rows go back to: its owner, else its earliest writer.
HEIR = ("(SELECT m.user_id FROM memberships m WHERE m.project_id = {table}.project_id "
        "AND m.role IN ('owner', 'member') "
        "ORDER BY CASE WHEN m.role = 'owner' THEN 0 ELSE 1 END, m.id LIMIT 1)")


def restore_ping_keys(conn):
    """Each user's ping key: their oldest owned project's, else a new one."""
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ping_key', sa.String(length=32), nullable=True))
    owned = conn.execute(sa.text(
        "SELECT m.user_id, p.ping_key FROM memberships m JOIN projects p "
        "ON p.id = m.project_id WHERE m.role = 'owner' ORDER BY p.created, p.id")).all()
    key_of, taken = {}, set()
    for user_id, key in owned:
        if user_id not in key_of and key not in taken:  # one owner per project, but still
            key_of[user_id] = key
            taken.add(key)
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        if user_id not in key_of:
            key_of[user_id] = new_key()
    if key_of:
        conn.execute(users.update().where(users.c.id == sa.bindparam('user_id'))
                     .values(ping_key=sa.bindparam('key')),
                     [{"user_id": u, "key": k} for u, k in key_of.items()])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('ping_key', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_users_ping_key'), ['ping_key'])


def delete_unowned_rows():
    """Rows of projects nobody can take, and what refers to them: explicitly,
    as SQLite's foreign keys are off while migrating."""
    checks = "SELECT id FROM checks WHERE user_id IS NULL"
    channels = "SELECT id FROM channels WHERE user_id IS NULL"
    op.execute(f"DELETE FROM check_channels WHERE check_id IN ({checks}) "
               f"OR channel_id IN ({channels})")
    op.execute(f"DELETE FROM notifications WHERE check_id IN ({checks}) "
               f"OR channel_id IN ({channels})")
    op.execute(f"DELETE FROM flips WHERE check_id IN ({checks})")
    op.execute(f"DELETE FROM pings WHERE check_id IN ({checks})")
    for table in OWNED:
        op.execute(f"DELETE FROM {table} WHERE user_id IS NULL")


def downgrade():
    refuse_foreign_keys_on()
    conn = op.get_bind()
    # A read-only key must not come back as one that can write.
    conn.execute(api_keys.delete().where(api_keys.c.read_only.is_(sa.true())))

    restore_ping_keys(conn)

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET user_id = {HEIR.format(table=table)}")
    delete_unowned_rows()

    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
            batch_op.drop_index(batch_op.f(f'ix_{table}_project_id'))
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_project_id_projects'),
                                     type_='foreignkey')
            batch_op.drop_column('project_id')
            if table == 'api_keys':
                batch_op.drop_column('read_only')
            batch_op.create_index(batch_op.f(f'ix_{table}_user_id'), ['user_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_user_id_users'), 'users',
                                        ['user_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitations_project_id'))
    op.drop_table('invitations')
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_memberships_user_id'))
        batch_op.drop_index(batch_op.f('ix_memberships_project_id'))
    op.drop_table('memberships')
    op.drop_table('projects')
