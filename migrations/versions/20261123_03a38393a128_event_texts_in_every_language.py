"""event texts in every language

Revision ID: 03a38393a128
Revises: 105031468be1
Create Date: 2026-11-23 18:12:38.571990

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '03a38393a128'
down_revision = '105031468be1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_help', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('confirmation_note', sa.JSON(), nullable=False, server_default='{}'))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('confirmation_note')
        batch_op.drop_column('registration_help')

