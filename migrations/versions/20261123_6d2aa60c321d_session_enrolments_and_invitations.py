"""session enrolments and invitations; sessions keep a change sequence

Revision ID: 6d2aa60c321d
Revises: 963c99793bbf
Create Date: 2026-11-23 00:56:46.679423

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d2aa60c321d'
down_revision = '963c99793bbf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_enrolments_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_sessions.id'], name=op.f('fk_enrolments_session_id_programme_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_enrolments_registration_id'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_queue', ['session_id', 'status', 'status_changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_registration_id'), ['registration_id'], unique=False)

    op.create_table('session_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_session_invitations_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_sessions.id'], name=op.f('fk_session_invitations_session_id_programme_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_invitations')),
    sa.UniqueConstraint('session_id', 'registration_id', name=op.f('uq_session_invitations_session_id'))
    )
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        # existing sessions stay open to all, unlocked
        batch_op.add_column(sa.Column('by_invitation', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))


def downgrade():
    with op.batch_alter_table('programme_sessions', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('sequence')
        batch_op.drop_column('lock_version')
        batch_op.drop_column('by_invitation')

    op.drop_table('session_invitations')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_registration_id'))
        batch_op.drop_index('ix_enrolments_queue')

    op.drop_table('enrolments')
