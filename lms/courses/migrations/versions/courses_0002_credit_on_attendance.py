"""courses: a class's flag that attendance alone earns the credit is named for what it does

The column said what the class is without (another plugin's document) rather than what attendance earns.

Revision ID: courses_0002
Revises: courses_0001
Create Date: 2026-11-23 09:00:00
"""
from alembic import op


revision = 'courses_0002'
down_revision = 'courses_0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('courses_classes', schema=None) as batch_op:
        batch_op.alter_column('credit_without_certificate', new_column_name='credit_on_attendance')


def downgrade():
    with op.batch_alter_table('courses_classes', schema=None) as batch_op:
        batch_op.alter_column('credit_on_attendance', new_column_name='credit_without_certificate')
