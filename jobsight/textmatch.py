"""The one title matcher, shared by search (jobs_db) and insights (warehouse_db) so that
"python developer" selects the same jobs in both (the keywords normalized first by
``jobsight.validate.normalize_keywords``).

PostgreSQL trigram word similarity (``<%``, served by a GIN index on the distinct titles):
typos still match ("pyhton developer"), unrelated titles do not ("java developer").
"""
from __future__ import annotations

from sqlalchemy import func, literal

# PostgreSQL's default pg_trgm.word_similarity_threshold, which ``<%`` applies.
WORD_SIMILARITY_THRESHOLD = 0.6


# Titles are matched in the tables of distinct lowercased titles (jobs_db's ``job_titles.name``,
# the warehouse's ``dim_title.name``, trigram-indexed): once per distinct title, not per job.

def title_matches(lowered_title, keywords: str):
    """SQL condition: the (normalized) keywords match a ``lower(title)`` column."""
    return literal(keywords).op("<%")(lowered_title)


def title_score(lowered_title, keywords: str):
    return func.word_similarity(literal(keywords), lowered_title)
