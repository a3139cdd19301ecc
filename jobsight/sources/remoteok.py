"""RemoteOK API adapter: the recent-jobs array (legal notice first) → RawPostings."""
from __future__ import annotations

from jobsight.posting import ParseResult, RawPosting, StructuredSalary
from jobsight.sources.native import (
    NotThisLayout, load_json, map_items, opt_number, opt_str, require, str_list, total_parse,
    utc_from_epoch, utc_from_iso,
)

KIND = "remoteok"
DEFAULT_BASE_URL = "https://remoteok.com"


def start_urls(source: dict) -> list[str]:
    return [f"{str(source.get('base_url') or DEFAULT_BASE_URL).rstrip('/')}/api"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    data = load_json(document)
    if not isinstance(data, list):
        raise NotThisLayout("not a JSON array")
    # The first element is the legal notice ({last_updated, legal}), not a job.
    jobs = [item for item in data if not (isinstance(item, dict) and "legal" in item and "id" not in item)]
    return map_items(jobs, url, lambda job: _posting(job, url))


def _posting(job: dict, page_url: str) -> RawPosting:
    source_id = require(job.get("id"), "id")
    slug = opt_str(job.get("slug"))
    job_url = opt_str(job.get("url")) or (f"https://remoteok.com/remote-jobs/{slug}" if slug else page_url)
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=job_url,
        title=require(job.get("position"), "position"),
        company=opt_str(job.get("company")) or "",
        description=job.get("description") if isinstance(job.get("description"), str) else "",
        location=opt_str(job.get("location")),
        # RemoteOK has no per-job workplace field: "remote" is the board's premise, and a
        # posting may say otherwise ("(Hybrid, Lisbon)"), so normalize treats it as a default.
        workplace="remote",
        date_posted=utc_from_epoch(job.get("epoch")) or utc_from_iso(job.get("date")),
        salary=_salary(job),
        tags=str_list(job.get("tags")),
        extra={"apply_url": opt_str(job.get("apply_url")), "slug": slug, "workplace_is_default": True},
    )


def _salary(job: dict) -> StructuredSalary | None:
    # 0 is RemoteOK's "not stated".
    low = opt_number(job.get("salary_min")) or None
    high = opt_number(job.get("salary_max")) or None
    if low is None and high is None:
        return None
    return StructuredSalary(min=low, max=high, currency="USD", period="year")
