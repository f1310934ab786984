"""maintenance_windows, maintenance_checks: times a project's checks alert nobody

A window is one-off (start, end) or recurring (a cron schedule, a duration
and a zone), and covers chosen checks, checks with chosen tags, or the whole
project. None exist yet. The downgrade drops both tables (an alert still
held by a window is then never sent).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 20:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'maintenance_windows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('start', sa.DateTime(), nullable=True),
        sa.Column('end', sa.DateTime(), nullable=True),
        sa.Column('schedule', sa.String(length=100), nullable=False),
        sa.Column('duration', sa.Integer(), nullable=False),
        sa.Column('tz', sa.String(length=64), nullable=False),
        sa.Column('tags', sa.String(length=500), nullable=False),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE',
                                name=op.f('fk_maintenance_windows_project_id_projects')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_maintenance_windows')),
        sa.UniqueConstraint('code', name=op.f('uq_maintenance_windows_code')),
    )
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_windows_project_id'), ['project_id'],
                              unique=False)
    op.create_table(
        'maintenance_checks',
        sa.Column('window_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['window_id'], ['maintenance_windows.id'], ondelete='CASCADE',
                                name=op.f('fk_maintenance_checks_window_id_maintenance_windows')),
        sa.ForeignKeyConstraint(['check_id'], ['checks.id'], ondelete='CASCADE',
                                name=op.f('fk_maintenance_checks_check_id_checks')),
        sa.PrimaryKeyConstraint('window_id', 'check_id', name=op.f('pk_maintenance_checks')),
    )
    with op.batch_alter_table('maintenance_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_maintenance_checks_check_id'), ['check_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('maintenance_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_checks_check_id'))
    op.drop_table('maintenance_checks')
    with op.batch_alter_table('maintenance_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_maintenance_windows_project_id'))
    op.drop_table('maintenance_windows')
