"""the keyword matcher: each distinct title's words and terms, and the table of every term

The warehouse matches keywords by the rule search uses (``jobsight.textmatch``, in SQL by
``jobsight.textmatch_sql``) instead of trigram word similarity: ``dim_title`` gets the words and
terms PostgreSQL computes, the terms GIN-indexed; ``dim_title_terms`` holds every term once for
misspelt keywords to find their words in. Loads add the terms of the titles they insert
(``jobsight.warehouse.load.load_dimensions``); a rebuild's clone keeps the generated columns.

Revision ID: warehouse_0004
Revises: warehouse_0003
"""
from typing import Sequence, Union

from alembic import op

from jobsight import textmatch_sql

revision: str = "warehouse_0004"
down_revision: Union[str, Sequence[str], None] = "warehouse_0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The matcher these functions implement (textmatch_sql.FINGERPRINT when this was written).
FINGERPRINT = "2657def2957b2040"


def upgrade() -> None:
    textmatch_sql.create_functions(op)
    op.execute("DROP INDEX IF EXISTS warehouse.ix_dim_title_trgm")
    op.execute("ALTER TABLE warehouse.dim_title " + ", ".join(textmatch_sql.TITLE_COLUMNS))
    op.execute("CREATE INDEX ix_dim_title_terms ON warehouse.dim_title USING gin (terms)")
    op.execute("CREATE TABLE warehouse.dim_title_terms (term text PRIMARY KEY)")
    op.execute("CREATE INDEX ix_dim_title_terms_length ON warehouse.dim_title_terms (length(term))")
    op.execute("INSERT INTO warehouse.dim_title_terms (term) SELECT DISTINCT unnest(terms) FROM warehouse.dim_title "
               "ORDER BY 1")


def downgrade() -> None:
    op.execute("DROP TABLE warehouse.dim_title_terms")
    op.execute("ALTER TABLE warehouse.dim_title DROP COLUMN role_terms, DROP COLUMN terms, DROP COLUMN words")
    op.execute("CREATE INDEX ix_dim_title_trgm ON warehouse.dim_title USING gin (name gin_trgm_ops)")
