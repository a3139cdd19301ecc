"""saved searches matched by the keyword matcher: their terms and the terms' deletion keys

Replaces the trigram index of saved-search keywords (trigram word similarity let "python
developer" alerts fire for PHP developers) with the rule search and insights use
(``jobsight.textmatch``): ``saved_search_terms`` holds each search's keyword terms,
``saved_search_keys`` the deletion keys a new title meets them by, and ``textmatch_close``
(``jobsight.textmatch_sql``) confirms a misspelling. Existing searches are indexed with the
code of the day.

Revision ID: users_0005
Revises: users_0004
"""
import sqlalchemy as sa
from alembic import op

from jobsight import textmatch_sql
from jobsight.notifications import index_rows

revision = "users_0005"
down_revision = "users_0004"
branch_labels = None
depends_on = None

# The matcher these functions implement (textmatch_sql.FINGERPRINT when this was written).
FINGERPRINT = "2657def2957b2040"


def upgrade() -> None:
    textmatch_sql.create_functions(op)
    op.execute("""
        CREATE TABLE saved_search_terms (
            search_id bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
            position smallint NOT NULL,                -- which keyword word
            term text NOT NULL,                        -- the word, or a synonym its misspelling is close to
            typos smallint NOT NULL,                   -- edits a title word may be away from it
            PRIMARY KEY (search_id, position, term)
        )""")
    op.execute("""
        CREATE TABLE saved_search_keys (
            key text NOT NULL,                         -- a term or a string of its deletion set
            search_id bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
            position smallint NOT NULL,
            PRIMARY KEY (key, search_id, position)
        )""")
    op.execute("CREATE INDEX ix_saved_search_keys_search ON saved_search_keys (search_id)")
    op.execute("ALTER TABLE saved_searches ADD COLUMN term_count integer")
    conn = op.get_bind()
    for search_id, keywords in conn.execute(sa.text("SELECT id, keywords FROM saved_searches")).all():
        terms, keys = index_rows(keywords)
        if terms:
            conn.execute(sa.text("INSERT INTO saved_search_terms (search_id, position, term, typos) "
                                 "VALUES (:search_id, :position, :term, :typos)"),
                         [{"search_id": search_id, **row} for row in terms])
            conn.execute(sa.text("INSERT INTO saved_search_keys (key, search_id, position) "
                                 "VALUES (:key, :search_id, :position)"),
                         [{"search_id": search_id, **row} for row in keys])
        conn.execute(sa.text("UPDATE saved_searches SET term_count = :n WHERE id = :id"),
                     {"n": len({row["position"] for row in terms}), "id": search_id})
    op.execute("ALTER TABLE saved_searches ALTER COLUMN term_count SET NOT NULL")
    op.execute("DROP TABLE saved_search_trigrams")
    op.execute("ALTER TABLE saved_searches DROP COLUMN trigram_count")


def downgrade() -> None:
    op.execute("ALTER TABLE saved_searches ADD COLUMN trigram_count integer")
    op.execute("UPDATE saved_searches SET trigram_count = coalesce(array_length(show_trgm(keywords), 1), 0)")
    op.execute("ALTER TABLE saved_searches ALTER COLUMN trigram_count SET NOT NULL")
    op.execute("""
        CREATE TABLE saved_search_trigrams (
            trigram text NOT NULL,
            search_id bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
            PRIMARY KEY (trigram, search_id)
        )""")
    op.execute("CREATE INDEX ix_saved_search_trigrams_search ON saved_search_trigrams (search_id)")
    op.execute("INSERT INTO saved_search_trigrams (trigram, search_id) "
               "SELECT DISTINCT unnest(show_trgm(keywords)), id FROM saved_searches")
    op.execute("ALTER TABLE saved_searches DROP COLUMN term_count")
    op.execute("DROP TABLE saved_search_keys")
    op.execute("DROP TABLE saved_search_terms")
