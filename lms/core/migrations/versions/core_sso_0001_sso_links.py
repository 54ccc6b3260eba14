"""core: single sign-on links (an OpenID Connect issuer + subject to an account)

Revision ID: core_sso_0001
Revises: core_accounts_0001
Create Date: 2026-12-08 01:30:00
"""
from alembic import op
import sqlalchemy as sa
import lms.core.db


revision = 'core_sso_0001'
down_revision = 'core_accounts_0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_sso_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', lms.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_sso_links_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_core_sso_links')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_core_sso_links_issuer_subject'))
    )
    with op.batch_alter_table('core_sso_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_sso_links_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('core_sso_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_sso_links_user_id'))
    op.drop_table('core_sso_links')
