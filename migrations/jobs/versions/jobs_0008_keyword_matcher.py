"""the keyword matcher: each distinct title's words and terms, and the table of every term

Replaces trigram word similarity (which let "python developer" select PHP developers) with the
rule of ``jobsight.textmatch``: every keyword word must match a title word, as written, through
a synonym or within its typos. ``job_titles`` gets the words and terms PostgreSQL computes
(``jobsight.textmatch_sql``), the terms GIN-indexed; ``job_title_terms`` holds every term once,
kept by a trigger, for misspelt keywords to find their words in.

Revision ID: jobs_0008
Revises: jobs_0007
"""
from alembic import op

from jobsight import textmatch_sql

revision = "jobs_0008"
down_revision = "jobs_0007"
branch_labels = None
depends_on = None

# The matcher these functions implement (textmatch_sql.FINGERPRINT when this was written).
FINGERPRINT = "2657def2957b2040"

ADD_TERMS = """
CREATE OR REPLACE FUNCTION job_title_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO job_title_terms (term) SELECT DISTINCT unnest(NEW.terms) ORDER BY 1 ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    textmatch_sql.create_functions(op)
    op.execute("DROP INDEX IF EXISTS ix_job_titles_trgm")
    op.execute("ALTER TABLE job_titles " + ", ".join(textmatch_sql.TITLE_COLUMNS))
    op.execute("CREATE INDEX ix_job_titles_terms ON job_titles USING gin (terms)")
    op.execute("CREATE TABLE job_title_terms (term text PRIMARY KEY)")
    op.execute("CREATE INDEX ix_job_title_terms_length ON job_title_terms (length(term))")
    op.execute("INSERT INTO job_title_terms (term) SELECT DISTINCT unnest(terms) FROM job_titles ORDER BY 1")
    op.execute(ADD_TERMS)
    op.execute("CREATE TRIGGER job_title_terms AFTER INSERT ON job_titles "
               "FOR EACH ROW EXECUTE FUNCTION job_title_terms_add()")


def downgrade() -> None:
    op.execute("DROP TRIGGER job_title_terms ON job_titles")
    op.execute("DROP FUNCTION job_title_terms_add()")
    op.execute("DROP TABLE job_title_terms")
    op.execute("ALTER TABLE job_titles DROP COLUMN role_terms, DROP COLUMN terms, DROP COLUMN words")
    op.execute("CREATE INDEX ix_job_titles_trgm ON job_titles USING gin (name gin_trgm_ops)")
