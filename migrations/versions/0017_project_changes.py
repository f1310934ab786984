"""project_changes: a per-project change counter, bumped by the database itself

The checks list asks every second or two whether anything it shows changed.
Answering that by reading every check costs time in proportion to the number
of checks; this counter answers it from at most 8 rows. Triggers on checks
and maintenance_windows bump it in the same transaction as every insert,
update and delete, whichever code path writes (the ping's prepared
statements, the sweep's Core updates, the ORM), so no path can forget.

The counter is split in 8 shards by row id: two pings of different checks of
one project then rarely wait for the same row lock. The list reads their sum,
which grows with every committed change. On PostgreSQL the triggers are
deferred to commit time, so the shard's row lock is held only while the
transaction commits, not while it runs.

There is no foreign key to projects: a project's checks are deleted by its
own cascade, whose triggers would write a shard of a project already gone.

SQLite drops a table's triggers when a batch migration copies the table:
a later migration that batch-alters checks or maintenance_windows must create
them again (`tests/db/test_project_changes.py` would fail otherwise).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 01:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TABLES = ("checks", "maintenance_windows")
SHARDS = 8


def _sqlite_bump(row: str) -> str:
    return (f"INSERT INTO project_changes (project_id, shard, n) "
            f"VALUES ({row}.project_id, {row}.id % {SHARDS}, 1) "
            f"ON CONFLICT (project_id, shard) DO UPDATE SET n = n + 1;")


def upgrade():
    op.create_table(
        'project_changes',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('shard', sa.Integer(), nullable=False),
        sa.Column('n', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('project_id', 'shard'),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""
            CREATE FUNCTION bump_project_changes() RETURNS trigger AS $$
            BEGIN
              IF TG_OP <> 'INSERT' THEN
                INSERT INTO project_changes AS c (project_id, shard, n)
                VALUES (OLD.project_id, OLD.id % {SHARDS}, 1)
                ON CONFLICT (project_id, shard) DO UPDATE SET n = c.n + 1;
              END IF;
              IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.project_id <> OLD.project_id) THEN
                INSERT INTO project_changes AS c (project_id, shard, n)
                VALUES (NEW.project_id, NEW.id % {SHARDS}, 1)
                ON CONFLICT (project_id, shard) DO UPDATE SET n = c.n + 1;
              END IF;
              RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        for table in TABLES:
            op.execute(f"""
                CREATE CONSTRAINT TRIGGER {table}_changed
                AFTER INSERT OR UPDATE OR DELETE ON {table}
                DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION bump_project_changes()""")
    else:
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_inserted AFTER INSERT ON {table} "
                       f"BEGIN {_sqlite_bump('NEW')} END")
            op.execute(f"CREATE TRIGGER {table}_deleted AFTER DELETE ON {table} "
                       f"BEGIN {_sqlite_bump('OLD')} END")
            op.execute(f"CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} "
                       f"BEGIN {_sqlite_bump('OLD')} END")
            op.execute(f"CREATE TRIGGER {table}_moved AFTER UPDATE OF project_id ON {table} "
                       f"WHEN NEW.project_id <> OLD.project_id BEGIN {_sqlite_bump('NEW')} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_changed ON {table}")
        op.execute("DROP FUNCTION bump_project_changes()")
    else:
        for table in TABLES:
            for event in ("inserted", "deleted", "updated", "moved"):
                op.execute(f"DROP TRIGGER {table}_{event}")
    op.drop_table('project_changes')
