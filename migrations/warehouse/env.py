"""Alembic environment of warehouse_db."""
from alembic import context

from jobsight.db.warehouse import WarehouseBase
from jobsight.migrate import run_environment

run_environment(context, WarehouseBase.metadata)
