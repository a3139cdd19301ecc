"""Greenhouse job-board API adapter: one board document (no paging) → RawPostings."""
from __future__ import annotations

import re

from jobsight.posting import ParseResult, RawPosting, StructuredSalary
from jobsight.sources.native import (
    board_jobs,
    opt_dict, opt_list, opt_number, opt_str, require,
    total_parse, unescape_once, utc_from_iso,
)

KIND = "greenhouse"
DEFAULT_BASE_URL = "https://boards-api.greenhouse.io"

_BOARD_IN_API_URL = re.compile(r"/boards/([^/?#]+)/jobs")
_BOARD_IN_JOB_URL = re.compile(r"greenhouse\.io/([^/?#]+)/jobs/")
_WORKPLACE_WORDS = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite",
                    "on site": "onsite", "in office": "onsite", "in-office": "onsite"}
_EMPLOYMENT_WORDS = ("full-time", "full time", "part-time", "part time", "contract", "contractor",
                     "intern", "internship", "temporary", "freelance")


def start_urls(source: dict) -> list[str]:
    base = str(source.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    # pay_transparency=true is what makes the real API include pay_input_ranges.
    return [f"{base}/v1/boards/{source['board']}/jobs?content=true&pay_transparency=true"]


@total_parse
def parse(document: str | bytes, url: str, source: dict | None = None) -> ParseResult:
    return board_jobs(document, url, source, _BOARD_IN_API_URL, _posting)


def _posting(job: dict, board: str | None, page_url: str) -> RawPosting:
    source_id = require(job.get("id"), "id")
    title = require(job.get("title"), "title")
    job_url = opt_str(job.get("absolute_url")) or page_url
    company = opt_str(job.get("company_name")) or board or _board_from_job_url(job_url) or ""
    content = job.get("content")
    workplace, employment_type = _hints_from_metadata(opt_list(job.get("metadata")))
    departments = [d.get("name") for d in opt_list(job.get("departments")) if isinstance(d, dict)]
    offices = [o.get("name") for o in opt_list(job.get("offices")) if isinstance(o, dict)]
    return RawPosting(
        source=KIND,
        source_id=source_id,
        url=job_url,
        title=title,
        company=company,
        # Greenhouse entity-escapes the HTML; unescaping once restores the markup.
        description=unescape_once(content) if isinstance(content, str) else "",
        location=opt_str(opt_dict(job.get("location")).get("name")),
        workplace=workplace,
        employment_type=employment_type,
        date_posted=utc_from_iso(job.get("first_published")) or utc_from_iso(job.get("updated_at")),
        requisition_id=opt_str(job.get("requisition_id")),
        salary=_salary(opt_list(job.get("pay_input_ranges")), title),
        tags=[name for name in (opt_str(d) for d in departments) if name],
        extra={
            "internal_job_id": opt_str(job.get("internal_job_id")),
            "updated_at": opt_str(job.get("updated_at")),
            "offices": [name for name in (opt_str(o) for o in offices) if name],
        },
    )


def _board_from_job_url(job_url: str) -> str | None:
    match = _BOARD_IN_JOB_URL.search(job_url)
    return match.group(1) if match else None


def _salary(ranges: list, job_title: str) -> StructuredSalary | None:
    for pay in ranges:
        if not isinstance(pay, dict):
            continue
        low, high = opt_number(pay.get("min_cents")), opt_number(pay.get("max_cents"))
        if low is None and high is None:
            continue
        label = opt_str(pay.get("title")) or ""
        hourly = "hour" in label.lower() or "hourly" in job_title.lower()
        return StructuredSalary(
            min=low / 100 if low is not None else None,
            max=high / 100 if high is not None else None,
            currency=opt_str(pay.get("currency_type")),
            period="hour" if hourly else "year",
            raw=label,
        )
    return None


def _hints_from_metadata(metadata: list) -> tuple[str | None, str | None]:
    """Employers put workplace and employment type in custom fields under names of their choosing."""
    workplace = employment_type = None
    for field in metadata:
        if not isinstance(field, dict):
            continue
        name = (opt_str(field.get("name")) or "").lower()
        value = field.get("value")
        values = value if isinstance(value, list) else [value]
        if value is True and "remote" in name:
            workplace = workplace or "remote"
            continue
        for text in (opt_str(v) for v in values):
            if not text:
                continue
            lowered = text.lower()
            if workplace is None and lowered in _WORKPLACE_WORDS:
                workplace = _WORKPLACE_WORDS[lowered]
            elif employment_type is None and ("employment" in name or "job type" in name
                                              or lowered in _EMPLOYMENT_WORDS):
                employment_type = text
    return workplace, employment_type
