"""saved searches (with a trigram index for matching), notifications, processed events

Revision ID: users_0002
Revises: users_0001
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "users_0002"
down_revision = "users_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("keywords", sa.Text(), nullable=False),
        sa.Column("trigram_count", sa.Integer(), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("remote", sa.String(10), nullable=True),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("skills", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index("ix_saved_searches_user_id", "saved_searches", ["user_id"])
    # Inverted index: which saved searches contain a trigram. A job title finds its candidate
    # searches through its own trigrams, so matching costs grow with matches, not users.
    op.create_table(
        "saved_search_trigrams",
        sa.Column("trigram", sa.Text(), nullable=False),
        sa.Column("search_id", sa.BigInteger(), sa.ForeignKey("saved_searches.id", ondelete="CASCADE"),
                  nullable=False),
        sa.PrimaryKeyConstraint("trigram", "search_id"),
    )
    op.create_index("ix_saved_search_trigrams_search", "saved_search_trigrams", ["search_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=False),
        sa.Column("job", postgresql.JSONB(), nullable=False),
        sa.Column("reasons", postgresql.JSONB(), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("user_id", "job_id", name="uq_notifications_user_job"),
    )
    op.create_index("ix_notifications_user_created", "notifications", ["user_id", sa.text("id DESC")])
    op.create_index("ix_notifications_unread", "notifications", ["user_id"],
                    postgresql_where=sa.text("read_at IS NULL"))
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("processed_events")
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_notifications_user_created", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_saved_search_trigrams_search", table_name="saved_search_trigrams")
    op.drop_table("saved_search_trigrams")
    op.drop_index("ix_saved_searches_user_id", table_name="saved_searches")
    op.drop_table("saved_searches")
