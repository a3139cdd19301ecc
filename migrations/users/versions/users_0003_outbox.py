"""the transactional outbox: events written in the transaction of the change they announce

Revision ID: users_0003
Revises: users_0002
"""
from alembic import op

revision = "users_0003"
down_revision = "users_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("""
        CREATE TABLE outbox (
            id bigserial PRIMARY KEY,
            event_type text NOT NULL,
            payload jsonb NOT NULL,
            request_id text,
            created_at timestamptz NOT NULL DEFAULT now(),
            published_at timestamptz,
            attempts integer NOT NULL DEFAULT 0
        )""")
    # The relay reads only what waits; published rows are deleted after a day.
    op.execute("CREATE INDEX ix_outbox_pending ON outbox (id) WHERE published_at IS NULL")
    op.execute("CREATE INDEX ix_outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP TABLE outbox")
