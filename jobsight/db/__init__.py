"""SQLAlchemy models, one module and one declarative base per database.

Each database has exactly one owning service; the models are the adapters' view of its
tables. The schema itself is changed only through the Alembic migrations in ``migrations/``.
"""
