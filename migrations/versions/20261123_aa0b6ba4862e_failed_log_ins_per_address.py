"""failed log-ins per address

Revision ID: aa0b6ba4862e
Revises: 03a38393a128
Create Date: 2026-11-23 18:55:19.690192

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa0b6ba4862e'
down_revision = '03a38393a128'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failures',
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('email_key', name=op.f('pk_login_failures'))
    )


def downgrade():
    op.drop_table('login_failures')
