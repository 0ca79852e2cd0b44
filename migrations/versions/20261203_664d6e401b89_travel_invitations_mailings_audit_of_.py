"""travel, invitations, mailings, audit of event changes, passport retention

Revision ID: 664d6e401b89
Revises: aa0b6ba4862e
Create Date: 2026-12-03 12:30:27.655874

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '664d6e401b89'
down_revision = 'aa0b6ba4862e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mailings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_mailings_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_mailings_staff_user_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailings')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_mailings_submission_key'))
    )
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailings_event_id'), ['event_id'], unique=False)

    op.create_table('invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=10), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_invitations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_invitations_registration_id_registrations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id'], name=op.f('fk_invitations_staff_user_id_staff_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('event_id', 'email_key', name='uq_invitations_event_email'),
    sa.UniqueConstraint('token', name=op.f('uq_invitations_token'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=200), nullable=False, server_default=''))
        batch_op.alter_column('registration_id',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passport_retention_until', sa.Date(), nullable=True))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailing_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_mailing_id'), ['mailing_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_messages_mailing_id_mailings'), 'mailings', ['mailing_id'], ['id'], ondelete='SET NULL')

    # existing registrations: no travel known yet
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrival_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('arrival_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('arrival_flight', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('departure_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('departure_time', sa.Time(), nullable=True))
        batch_op.add_column(sa.Column('departure_flight', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('hotel', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('wants_airport_transfer', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('accompanying_persons', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('accompanying_persons')
        batch_op.drop_column('wants_airport_transfer')
        batch_op.drop_column('hotel')
        batch_op.drop_column('departure_flight')
        batch_op.drop_column('departure_time')
        batch_op.drop_column('departure_on')
        batch_op.drop_column('arrival_flight')
        batch_op.drop_column('arrival_time')
        batch_op.drop_column('arrival_on')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_messages_mailing_id_mailings'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_mailing_id'))
        batch_op.drop_column('mailing_id')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('passport_retention_until')

    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.alter_column('registration_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('subject')

    op.drop_table('invitations')
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailings_event_id'))

    op.drop_table('mailings')
