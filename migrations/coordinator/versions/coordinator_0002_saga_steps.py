"""sagas: attempts, last error and next try of the current step; indexes for the runner

Revision ID: coordinator_0002
Revises: coordinator_0001
"""
from alembic import op

revision = "coordinator_0002"
down_revision = "coordinator_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE sagas ADD COLUMN attempts integer NOT NULL DEFAULT 0")
    op.execute("ALTER TABLE sagas ADD COLUMN next_try_at timestamptz NOT NULL DEFAULT now()")
    op.execute("CREATE INDEX ix_sagas_due ON sagas (next_try_at) WHERE state IN ('running', 'compensating')")
    op.execute("CREATE INDEX ix_transactions_unfinished ON transactions (created_at) "
               "WHERE state IN ('preparing', 'committing', 'aborting')")


def downgrade() -> None:
    op.execute("DROP INDEX ix_transactions_unfinished")
    op.execute("DROP INDEX ix_sagas_due")
    op.execute("ALTER TABLE sagas DROP COLUMN next_try_at")
    op.execute("ALTER TABLE sagas DROP COLUMN attempts")
