"""jobs.search: weighted full-text vector (title A, skills B, description C) and filter indexes

The vector is a STORED generated column, so every writer (ingestion, hand-made rows, COPY)
keeps it current without a trigger. It uses the 'simple' configuration: postings come in
English, German and Romanian, and one language's stemmer would mangle the others; 'english'
would also drop "IT" as a stop word. Inflections and typos in titles are caught by the trigram
matcher (jobsight/textmatch.py) that search combines with this vector.

Revision ID: jobs_0003
Revises: jobs_0002
"""
from alembic import op

revision = "jobs_0003"
down_revision = "jobs_0002"
branch_labels = None
depends_on = None

# array_to_string is only STABLE in the catalogue (it calls element output functions), so a
# generated column cannot call it directly; on text[] it is immutable in fact, hence the wrapper.
SEARCH_VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION jobs_search_vector(title text, skills text[], description text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(array_to_string(skills, ' '), '')), 'B')
        || setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'C')
$$
"""
HEAD_VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION jobs_search_head(title text, skills text[])
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(array_to_string(skills, ' '), '')), 'B')
$$
"""


def upgrade() -> None:
    # Descriptions and the full vector go out of line (TOAST) even when short, so the heap
    # rows a search scans hold only the small columns; set before the column is added, whose
    # table rewrite then applies it to existing rows too.
    op.execute("ALTER TABLE jobs SET (toast_tuple_target = 256)")
    for column in ("title", "company", "company_key", "location", "city", "skills"):  # ...but never these
        op.execute(f"ALTER TABLE jobs ALTER COLUMN {column} SET STORAGE MAIN")
    op.execute(SEARCH_VECTOR_FUNCTION)
    op.execute(HEAD_VECTOR_FUNCTION)
    op.execute("ALTER TABLE jobs ADD COLUMN search tsvector "
               "GENERATED ALWAYS AS (jobs_search_vector(title, skills, description)) STORED")
    # Ranking reads this small vector only (title A, skills B): ranking every match on the
    # full vector would fetch each one's description-sized vector from TOAST.
    op.execute("ALTER TABLE jobs ADD COLUMN search_head tsvector "
               "GENERATED ALWAYS AS (jobs_search_head(title, skills)) STORED")
    op.execute("ALTER TABLE jobs ALTER COLUMN search_head SET STORAGE MAIN")
    op.execute("CREATE INDEX ix_jobs_search ON jobs USING gin (search) WHERE status = 'open'")
    op.execute("CREATE INDEX ix_jobs_skills ON jobs USING gin (skills)")
    # Search only ever reads open jobs: partial indexes stay small as closed jobs pile up.
    op.execute("CREATE INDEX ix_jobs_open_date_posted ON jobs (date_posted DESC NULLS LAST, id DESC) "
               "WHERE status = 'open'")
    op.execute("CREATE INDEX ix_jobs_open_annual ON jobs ((coalesce(annual_max, annual_min))) "
               "WHERE status = 'open'")
    op.execute("CREATE INDEX ix_jobs_open_country ON jobs (country) WHERE status = 'open'")
    op.execute("CREATE INDEX ix_jobs_open_city ON jobs (lower(city)) WHERE status = 'open'")
    op.execute("CREATE INDEX ix_jobs_open_workplace ON jobs (workplace) WHERE status = 'open'")
    op.execute("CREATE INDEX ix_job_sources_source_name ON job_sources (source_name, job_id)")
    op.execute("CREATE INDEX ix_job_sources_source_kind ON job_sources (source_kind, job_id)")


def downgrade() -> None:
    for index in ("ix_job_sources_source_kind", "ix_job_sources_source_name", "ix_jobs_open_workplace",
                  "ix_jobs_open_city", "ix_jobs_open_country", "ix_jobs_open_annual", "ix_jobs_open_date_posted",
                  "ix_jobs_skills", "ix_jobs_search"):
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("ALTER TABLE jobs DROP COLUMN IF EXISTS search_head")
    op.execute("ALTER TABLE jobs DROP COLUMN IF EXISTS search")
    op.execute("DROP FUNCTION IF EXISTS jobs_search_head(text, text[])")
    op.execute("DROP FUNCTION IF EXISTS jobs_search_vector(text, text[], text)")
    for column in ("title", "company", "company_key", "location", "city", "skills"):
        op.execute(f"ALTER TABLE jobs ALTER COLUMN {column} SET STORAGE EXTENDED")
    op.execute("ALTER TABLE jobs RESET (toast_tuple_target)")
