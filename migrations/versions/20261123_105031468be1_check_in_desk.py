"""check-in desk: check-ins with one first check-in per place, API tokens, walk-ins

Revision ID: 105031468be1
Revises: 810b4381eed6
Create Date: 2026-11-23 17:51:55.868690

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '105031468be1'
down_revision = '810b4381eed6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['staff_users.id'], name=op.f('fk_api_tokens_user_id_staff_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('scope_key', sa.Integer(), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('desk', sa.String(length=64), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('result', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.String(length=24), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('first_checkin_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_checkins_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_checkin_id'], ['checkins.id'], name=op.f('fk_checkins_first_checkin_id_checkins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_checkins_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_sessions.id'], name=op.f('fk_checkins_session_id_programme_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_checkins_staff_user_id_staff_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['staff_users.id'], name=op.f('fk_checkins_undone_by_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('nonce', name=op.f('uq_checkins_nonce'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_event_scanned', ['event_id', 'scanned_at'], unique=False)
        batch_op.create_index('uq_checkins_first', ['registration_id', 'scope_key'], unique=True, sqlite_where=sa.text("result = 'ok' AND undone_at IS NULL"), postgresql_where=sa.text("result = 'ok' AND undone_at IS NULL"))

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desk_walk_ins', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('desk_walk_ins')

    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('uq_checkins_first', sqlite_where=sa.text("result = 'ok' AND undone_at IS NULL"), postgresql_where=sa.text("result = 'ok' AND undone_at IS NULL"))
        batch_op.drop_index('ix_checkins_event_scanned')

    op.drop_table('checkins')
    op.drop_table('api_tokens')
