"""skills.area and skills.context: the field of work a skill belongs to, and the words that
confirm a mention of an ambiguous skill ("Sage" near "accounting")

Revision ID: jobs_0009
Revises: jobs_0008
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "jobs_0009"
down_revision = "jobs_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("skills", sa.Column("area", sa.Text()))
    op.add_column("skills", sa.Column("context", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"))


def downgrade() -> None:
    op.drop_column("skills", "context")
    op.drop_column("skills", "area")
