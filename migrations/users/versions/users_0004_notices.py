"""notices: inbox notifications about a subscription rather than a job (a skill that could not
be tracked)

Revision ID: users_0004
Revises: users_0003
"""
from alembic import op

revision = "users_0004"
down_revision = "users_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE notifications ADD COLUMN kind text NOT NULL DEFAULT 'job'")
    op.execute("ALTER TABLE notifications ALTER COLUMN job_id DROP NOT NULL")
    # One notice per user, kind and subject (a saga that compensates twice tells once).
    op.execute("ALTER TABLE notifications ADD COLUMN subject text")
    op.execute("CREATE UNIQUE INDEX uq_notifications_notice ON notifications (user_id, kind, subject) "
               "WHERE kind <> 'job'")


def downgrade() -> None:
    op.execute("DROP INDEX uq_notifications_notice")
    op.execute("DELETE FROM notifications WHERE kind <> 'job'")
    op.execute("ALTER TABLE notifications DROP COLUMN subject")
    op.execute("ALTER TABLE notifications ALTER COLUMN job_id SET NOT NULL")
    op.execute("ALTER TABLE notifications DROP COLUMN kind")
