"""core: server-side sessions (log-out ends them) and "must change password at next log-in"

Replaces core_users.session_version: a session is now a row of core_user_sessions, so everyone who
was logged in before this revision logs in again once.

Revision ID: core_sessions_0001
Revises: core_records_0002
Create Date: 2026-12-08 00:30:00
"""
from alembic import op
import sqlalchemy as sa
import lms.core.db


revision = 'core_sessions_0001'
down_revision = 'core_records_0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('core_user_sessions',
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', lms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', lms.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['core_users.id'], name=op.f('fk_core_user_sessions_user_id_core_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_core_user_sessions'))
    )
    with op.batch_alter_table('core_user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_core_user_sessions_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_core_user_sessions_user_id'), ['user_id'], unique=False)

    # The existing rows get False; the model gives the default from then on.
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.alter_column('must_change_password', server_default=None)
        batch_op.drop_column('session_version')


def downgrade():
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.alter_column('session_version', server_default=None)

    with op.batch_alter_table('core_user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_core_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_core_user_sessions_expires_at'))

    op.drop_table('core_user_sessions')
