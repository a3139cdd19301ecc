"""Arbeitnow job-board API adapter: one page of jobs → RawPostings, following ``links.next``."""
from __future__ import annotations

from urllib.parse import urljoin

from jobsight.posting import ParseResult, RawPosting
from jobsight.sources.native import (
    NotThisLayout, load_json, map_items, max_pages, opt_dict, opt_str, query_int, require,
    str_list, total_parse, utc_from_epoch,
)

KIND = "arbeitnow"
DEFAULT_BASE_URL = "https://www.arbeitnow.com"


def start_urls(source: dict) -> list[str]:
    return [f"{str(source.get('base_url') or DEFAULT_BASE_URL).rstrip('/')}/api/job-board-api?page=1"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = load_json(document)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise NotThisLayout("no 'data' list")
    result = map_items(data["data"], url, lambda job: _posting(job, url))
    next_url = opt_str(opt_dict(data.get("links")).get("next"))
    if next_url and data["data"] and query_int(url, "page", 1) < max_pages(source):
        result.follow.append(urljoin(url, next_url))
    return result


def _posting(job: dict, page_url: str) -> RawPosting:
    slug = require(job.get("slug"), "slug")
    job_types = str_list(job.get("job_types"))
    return RawPosting(
        source=KIND,
        source_id=slug,
        url=opt_str(job.get("url")) or page_url,
        title=require(job.get("title"), "title"),
        company=opt_str(job.get("company_name")) or "",
        description=job.get("description") if isinstance(job.get("description"), str) else "",
        location=opt_str(job.get("location")),
        # remote=false does not tell onsite from hybrid, so it stays unknown.
        workplace="remote" if job.get("remote") is True else None,
        employment_type=", ".join(job_types) or None,
        date_posted=utc_from_epoch(job.get("created_at")),
        tags=str_list(job.get("tags")),
    )
