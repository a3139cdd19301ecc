"""Alembic environment of users_db."""
from alembic import context

from jobsight.db.users import UsersBase
from jobsight.migrate import run_environment

run_environment(context, UsersBase.metadata)
