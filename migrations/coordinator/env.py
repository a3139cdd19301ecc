"""Alembic environment of coordinator_db."""
from alembic import context

from jobsight.db.coordinator import CoordinatorBase
from jobsight.migrate import run_environment

run_environment(context, CoordinatorBase.metadata)
