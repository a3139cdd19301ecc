"""jobs.title_key and jobs.simhash_bands: what dedup looks candidates up by

Dedup finds candidate jobs of a company by normalized title, or by a shared 8-bit band of the
description's SimHash keyed by company (two fingerprints within 7 bits of each other always
share one of the 8 bands), instead of loading every open job of the company: its cost stays
flat as a company's postings grow.

Revision ID: jobs_0004
Revises: jobs_0003
"""
import re
import zlib

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "jobs_0004"
down_revision = "jobs_0003"
branch_labels = None
depends_on = None

_WORD = re.compile(r"\w+", re.UNICODE)


def upgrade() -> None:
    op.add_column("jobs", sa.Column("title_key", sa.Text(), nullable=True))
    op.add_column("jobs", sa.Column("simhash_bands", postgresql.ARRAY(sa.Integer()), nullable=True))
    conn = op.get_bind()
    # Backfilled with the very function dedup uses (jobsight.dedup.title_key), in batches.
    last = 0
    while True:
        rows = conn.execute(sa.text("SELECT id, title, simhash, company_key FROM jobs WHERE id > :last "
                                    "ORDER BY id LIMIT 5000"),
                            {"last": last}).all()
        if not rows:
            break
        conn.execute(sa.text("UPDATE jobs SET title_key = :k, simhash_bands = :b WHERE id = :id"),
                     [{"id": row.id, "k": " ".join(_WORD.findall((row.title or "").lower())),
                       "b": _bands(row.simhash, row.company_key)} for row in rows])
        last = rows[-1].id
    op.create_index("ix_jobs_company_title", "jobs", ["company_key", "title_key"],
                    postgresql_where=sa.text("status = 'open'"))
    op.create_index("ix_jobs_simhash_bands", "jobs", ["simhash_bands"], postgresql_using="gin",
                    postgresql_where=sa.text("status = 'open'"))


def _bands(simhash, company):
    """Same as jobsight.dedup.simhash_bands (a migration must not import code that changes)."""
    if simhash is None:
        return None
    value = simhash & ((1 << 64) - 1)
    bands = []
    for band in range(8):
        key = zlib.crc32(f"{company}:{band}:{value >> (8 * band) & 0xFF}".encode())
        bands.append(key - (1 << 32) if key >= 1 << 31 else key)
    return bands


def downgrade() -> None:
    op.drop_index("ix_jobs_simhash_bands", table_name="jobs")
    op.drop_index("ix_jobs_company_title", table_name="jobs")
    op.drop_column("jobs", "simhash_bands")
    op.drop_column("jobs", "title_key")
