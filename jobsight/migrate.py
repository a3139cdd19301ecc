"""Schema migrations: one Alembic environment per database, run once by setup (never by
each service replica), so N instances starting together cannot race on DDL."""
from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from jobsight.config import ROOT, db_uri

DATABASES = ("users", "jobs", "warehouse", "coordinator")
log = logging.getLogger(__name__)


def alembic_config(database: str, uri: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations" / database))
    cfg.set_main_option("sqlalchemy.url", uri.replace("%", "%%"))
    return cfg


def ensure_database(uri: str) -> bool:
    """Create the database named in ``uri`` if it does not exist. True when it was created."""
    url = make_url(uri)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar()
            if not exists:
                # On a replicated pair, once the standby has replayed it too: libpq tries the hosts of
                # a multi-host URI in turn, and stops at the first that says "no such database".
                conn.execute(text("SET synchronous_commit = remote_apply"))
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
                return True
            return False
    finally:
        admin.dispose()


def upgrade(database: str, uri: str, revision: str = "head") -> None:
    ensure_database(uri)
    command.upgrade(alembic_config(database, uri), revision)
    if database == "warehouse" and revision == "head":
        from jobsight.warehouse import aggregates

        engine = create_engine(uri)
        try:
            with engine.begin() as conn:
                aggregates.ensure_maintained(conn)
        finally:
            engine.dispose()


def upgrade_all(config: dict) -> int:
    """Every database at head, and the skills taxonomy seeded. Returns the skills written."""
    for database in DATABASES:
        upgrade(database, db_uri(config, database))
    return seed_taxonomy(db_uri(config, "jobs"))


def seed_taxonomy(jobs_uri: str) -> int:
    from sqlalchemy.orm import Session

    from jobsight import taxonomy

    engine = create_engine(jobs_uri)
    try:
        with Session(engine) as session:
            written = taxonomy.seed(session)
            session.commit()
            return written
    finally:
        engine.dispose()


def run_environment(context, target_metadata) -> None:
    """The body every migrations/<db>/env.py runs (online mode only: we always have a server)."""
    from sqlalchemy import engine_from_config, pool

    cfg = context.config
    connectable = engine_from_config(cfg.get_section(cfg.config_ini_section, {}), prefix="sqlalchemy.",
                                     poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            # One migrator at a time per database, even if two setups run at once.
            connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            context.run_migrations()
