"""check_dependencies; checks.alerted, checks.release_at: holding alerts back

- check_dependencies (child_id, parent_id): a check's parents; while one is
  down the child's downs are held (core.dependencies). None exist yet.
- checks.alerted: what people were last sent of the check's state. Filled
  from the history: "down" for a check that is down and whose down was sent
  (not muted), so its recovery is still sent; NULL otherwise.
- checks.release_at: when the sweep looks again at a held alert. NULL: none.

The downgrade drops them (an alert still held is then never sent).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'check_dependencies',
        sa.Column('child_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['child_id'], ['checks.id'], ondelete='CASCADE',
                                name=op.f('fk_check_dependencies_child_id_checks')),
        sa.ForeignKeyConstraint(['parent_id'], ['checks.id'], ondelete='CASCADE',
                                name=op.f('fk_check_dependencies_parent_id_checks')),
        sa.PrimaryKeyConstraint('child_id', 'parent_id', name=op.f('pk_check_dependencies')),
    )
    with op.batch_alter_table('check_dependencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_dependencies_parent_id'), ['parent_id'],
                              unique=False)
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alerted', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('release_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_checks_release_at'), ['release_at'], unique=False)
    op.execute("""
        UPDATE checks SET alerted = 'down'
        WHERE status = 'down' AND COALESCE((
            SELECT reason FROM flips
            WHERE flips.check_id = checks.id AND flips.new_status = 'down'
            ORDER BY flips.id DESC LIMIT 1), '') NOT LIKE '%(muted: not sent)'
    """)


def downgrade():
    with op.batch_alter_table('checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checks_release_at'))
        batch_op.drop_column('release_at')
        batch_op.drop_column('alerted')
    with op.batch_alter_table('check_dependencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_dependencies_parent_id'))
    op.drop_table('check_dependencies')
