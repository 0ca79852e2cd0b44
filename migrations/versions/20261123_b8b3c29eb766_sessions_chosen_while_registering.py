"""sessions chosen while registering

Revision ID: b8b3c29eb766
Revises: 6d2aa60c321d
Create Date: 2026-11-23 01:16:48.201481

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8b3c29eb766'
down_revision = '6d2aa60c321d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_wishes', sa.JSON(), nullable=False, server_default='[]'))



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('session_wishes')

