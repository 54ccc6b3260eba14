"""Join the core's records and notifications branches (built in parallel).

Revision ID: core_0002
Revises: core_notify_0001, core_records_0001
"""

revision = "core_0002"
down_revision = ("core_notify_0001", "core_records_0001")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
