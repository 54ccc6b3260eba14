"""accounts for imported officials: officials can leave (active, left_on), accounts can wait for activation

An account the import creates has no usable password until it is activated; password_set_at stays null until
then. Accounts that already had a password keep it, dated from their creation; empty hashes get the marker.

Revision ID: core_accounts_0001
Revises: core_records_0002
Create Date: 2026-12-08 00:10:00
"""
from alembic import op
import sqlalchemy as sa
import lms.core.db


revision = 'core_accounts_0001'
down_revision = 'core_sessions_0001'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch: SQLite would copy and drop core_officials, which rows of other tables
    # reference (the drop fails with foreign keys on).
    op.add_column('core_officials', sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('core_officials', sa.Column('left_on', sa.Date(), nullable=True))
    op.add_column('core_users', sa.Column('password_set_at', lms.core.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE core_users SET password_set_at = created_at WHERE password_hash <> ''")
    op.execute("UPDATE core_users SET password_hash = '!unusable' WHERE password_hash = ''")


def downgrade():
    op.execute("UPDATE core_users SET password_hash = '' WHERE password_hash LIKE '!%'")
    with op.batch_alter_table('core_users', schema=None) as batch_op:
        batch_op.drop_column('password_set_at')
    with op.batch_alter_table('core_officials', schema=None) as batch_op:
        batch_op.drop_column('left_on')
        batch_op.drop_column('active')
