"""initial schema

Revision ID: warehouse_0001
Revises: 
Create Date: 2026-11-28 13:10:00.536430

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = 'warehouse_0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('bridge_job_skill',
    sa.Column('job_id', sa.BigInteger(), nullable=False),
    sa.Column('skill', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('job_id', 'skill')
    )
    op.create_index(op.f('ix_bridge_job_skill_skill'), 'bridge_job_skill', ['skill'], unique=False)
    op.create_table('fact_job',
    sa.Column('job_id', sa.BigInteger(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('company', sa.Text(), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('workplace', sa.String(length=10), nullable=True),
    sa.Column('remote', sa.Boolean(), nullable=True),
    sa.Column('seniority', sa.String(length=10), nullable=True),
    sa.Column('employment_type', sa.String(length=20), nullable=True),
    sa.Column('annual_min', sa.Float(), nullable=True),
    sa.Column('annual_max', sa.Float(), nullable=True),
    sa.Column('annual_currency', sa.String(length=3), nullable=True),
    sa.Column('experience_years', sa.Float(), nullable=True),
    sa.Column('date_posted', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.Column('source_version', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('job_id')
    )
    # Insight keywords match titles the same way search does (trigram similarity).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_fact_job_title_trgm ON fact_job USING gin (lower(title) gin_trgm_ops)")


def downgrade() -> None:
    """Downgrade schema."""
    op.execute("DROP INDEX IF EXISTS ix_fact_job_title_trgm")
    op.drop_table('fact_job')
    op.drop_index(op.f('ix_bridge_job_skill_skill'), table_name='bridge_job_skill')
    op.drop_table('bridge_job_skill')
