"""skills users asked for: tracked because a subscriber wanted them, not from the bundled file

Revision ID: jobs_0007
Revises: jobs_0006
"""
from alembic import op

revision = "jobs_0007"
down_revision = "jobs_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE skills ADD COLUMN requested_by_users boolean NOT NULL DEFAULT false")


def downgrade() -> None:
    op.execute("ALTER TABLE skills DROP COLUMN requested_by_users")
