"""badges and documents

Revision ID: 810b4381eed6
Revises: b8b3c29eb766
Create Date: 2026-11-23 17:34:19.372187

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '810b4381eed6'
down_revision = 'b8b3c29eb766'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('private_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('public_key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_signing_keys_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_signing_keys')),
    sa.UniqueConstraint('event_id', name=op.f('uq_event_signing_keys_event_id')),
    sa.UniqueConstraint('key_id', name=op.f('uq_event_signing_keys_key_id'))
    )
    op.create_table('registration_photos',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('jpeg', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_registration_photos_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', name=op.f('pk_registration_photos'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_layout', sa.String(length=16), nullable=False, server_default='a6'))
        batch_op.add_column(sa.Column('badge_colours', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('badge_shows_photo', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('visa_letter_text', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('visa_letter_signatory', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('visa_letter_signatory_title', sa.String(length=200), nullable=False, server_default=''))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_token', sa.String(length=160), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('badge_qr', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('badge_printed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('visa_letter_reference', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('visa_letter_approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_registrations_visa_letter_reference'), ['visa_letter_reference'])



def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_registrations_visa_letter_reference'), type_='unique')
        batch_op.drop_column('visa_letter_approved_at')
        batch_op.drop_column('visa_letter_reference')
        batch_op.drop_column('badge_printed_at')
        batch_op.drop_column('badge_qr')
        batch_op.drop_column('badge_token')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('visa_letter_signatory_title')
        batch_op.drop_column('visa_letter_signatory')
        batch_op.drop_column('visa_letter_text')
        batch_op.drop_column('badge_shows_photo')
        batch_op.drop_column('badge_colours')
        batch_op.drop_column('badge_layout')

    op.drop_table('registration_photos')
    op.drop_table('event_signing_keys')
