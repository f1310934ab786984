"""status_pages, status_page_checks: a project's public status pages

A page has a slug unique across the installation (/status/<slug>), a title,
a description, the zone its days are in, and lists chosen checks (each
under a public name; empty: the check's own) and chosen tags (every check
carrying one). None exist yet. The downgrade drops both tables, and with
them every page: their public URLs answer 404.

New tables only: checks and maintenance_windows are not altered (a SQLite
batch migration of either would drop 0017's triggers).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'status_pages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=60), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('tags', sa.String(length=500), nullable=False),
        sa.Column('tz', sa.String(length=64), nullable=False),
        sa.Column('created', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ondelete='CASCADE',
                                name=op.f('fk_status_pages_project_id_projects')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_pages')),
        sa.UniqueConstraint('slug', name=op.f('uq_status_pages_slug')),
    )
    op.create_index(op.f('ix_status_pages_project_id'), 'status_pages', ['project_id'],
                    unique=False)
    op.create_table(
        'status_page_checks',
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('check_id', sa.Integer(), nullable=False),
        sa.Column('public_name', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['status_pages.id'], ondelete='CASCADE',
                                name=op.f('fk_status_page_checks_page_id_status_pages')),
        sa.ForeignKeyConstraint(['check_id'], ['checks.id'], ondelete='CASCADE',
                                name=op.f('fk_status_page_checks_check_id_checks')),
        sa.PrimaryKeyConstraint('page_id', 'check_id', name=op.f('pk_status_page_checks')),
    )
    op.create_index(op.f('ix_status_page_checks_check_id'), 'status_page_checks', ['check_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_status_page_checks_check_id'), table_name='status_page_checks')
    op.drop_table('status_page_checks')
    op.drop_index(op.f('ix_status_pages_project_id'), table_name='status_pages')
    op.drop_table('status_pages')
