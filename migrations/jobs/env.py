"""Alembic environment of jobs_db."""
from alembic import context

from jobsight.db.jobs import JobsBase
from jobsight.migrate import run_environment

run_environment(context, JobsBase.metadata)
