"""Remotive API adapter: the remote-jobs document → RawPostings (salary stays free text)."""
from __future__ import annotations

from jobsight.posting import ParseResult, RawPosting
from jobsight.sources.native import (
    NotThisLayout, load_json, map_items, opt_str, require, str_list, total_parse, utc_from_iso,
)

KIND = "remotive"
DEFAULT_BASE_URL = "https://remotive.com"


def start_urls(source: dict) -> list[str]:
    return [f"{str(source.get('base_url') or DEFAULT_BASE_URL).rstrip('/')}/api/remote-jobs"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = load_json(document)
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), list):
        raise NotThisLayout("no 'jobs' list")
    return map_items(data["jobs"], url, lambda job: _posting(job, url))


def _posting(job: dict, page_url: str) -> RawPosting:
    return RawPosting(
        source=KIND,
        source_id=require(job.get("id"), "id"),
        url=opt_str(job.get("url")) or page_url,
        title=require(job.get("title"), "title"),
        company=opt_str(job.get("company_name")) or "",
        description=job.get("description") if isinstance(job.get("description"), str) else "",
        location=opt_str(job.get("candidate_required_location")),
        workplace="remote",
        employment_type=opt_str(job.get("job_type")),
        date_posted=utc_from_iso(job.get("publication_date")),
        salary_text=opt_str(job.get("salary")),
        tags=str_list(job.get("tags")),
        extra={"category": opt_str(job.get("category"))},
    )
