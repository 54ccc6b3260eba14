"""core: activation codes (printed letters and e-mailed links) for accounts without a password yet

Revision ID: core_activation_0001
Revises: core_sso_0001
Create Date: 2026-12-08 01:20:00
"""
from alembic import op
import sqlalchemy as sa
import lms.core.db


revision = 'core_activation_0001'
down_revision = 'core_sso_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_activation_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('letter', 'mail', name='activationkind', native_enum=False, length=10), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', lms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', lms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['core_users.id'], name=op.f('fk_core_activation_codes_issued_by_id_core_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_activation_codes_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_activation_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_core_activation_codes_code_hash'))
    )
    op.create_index(op.f('ix_core_activation_codes_user_id'), 'core_activation_codes', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_core_activation_codes_user_id'), table_name='core_activation_codes')
    op.drop_table('core_activation_codes')
