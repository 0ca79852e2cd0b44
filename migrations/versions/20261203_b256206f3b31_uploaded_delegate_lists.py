"""uploaded delegate lists

Revision ID: b256206f3b31
Revises: 664d6e401b89
Create Date: 2026-12-03 12:32:33.826915

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b256206f3b31'
down_revision = '664d6e401b89'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegate_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=22), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('encoding', sa.String(length=20), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('imported_rows', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_delegate_imports_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_delegate_imports_staff_user_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegate_imports')),
    sa.UniqueConstraint('public_id', name=op.f('uq_delegate_imports_public_id'))
    )
    with op.batch_alter_table('delegate_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegate_imports_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('delegate_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delegate_imports_event_id'))

    op.drop_table('delegate_imports')
