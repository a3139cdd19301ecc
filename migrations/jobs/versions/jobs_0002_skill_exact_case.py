"""skills.exact_case: spellings that only count with exactly this capitalisation (JS, TS)

Revision ID: jobs_0002
Revises: jobs_0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "jobs_0002"
down_revision = "jobs_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("skills", sa.Column("exact_case", postgresql.ARRAY(sa.Text()), nullable=False,
                                      server_default="{}"))


def downgrade() -> None:
    op.drop_column("skills", "exact_case")
