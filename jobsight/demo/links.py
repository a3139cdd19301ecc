"""Ids and URLs a job carries on each demo board, kept in one place so every renderer (and the
server's routes) agree on them."""
from __future__ import annotations

from jobsight.demo.catalog import slugify
from jobsight.demo.generate import Job


def greenhouse_id(job: Job) -> int:
    return 4_000_000_000 + job.index


def remoteok_id(job: Job) -> int:
    return 1_000_000 + job.index


def remotive_id(job: Job) -> int:
    return 1_900_000 + job.index


def rabota_id(job: Job) -> int:
    return 80_000 + job.index


def careers_id(job: Job) -> int:
    return 100_000 + job.index


def careers_url(base: str, job: Job) -> str:
    return f"{base}/careers/{job.company.slug}/jobs/{careers_id(job)}"


def posting_url(base: str, job: Job, kind: str) -> str:
    """Where a board says the posting lives (no tracking parameters)."""
    slug = job.company.slug
    if kind == "greenhouse":
        if ("jsonld", slug) in job.boards:
            # Greenhouse customers embed the board on their own site: the "absolute" URL is
            # the career page, told apart only by gh_jid.
            return f"{careers_url(base, job)}?gh_jid={greenhouse_id(job)}"
        return f"{base}/greenhouse/{slug}/jobs/{greenhouse_id(job)}"
    if kind == "lever":
        return f"{base}/lever/{slug}/{job.uid}"
    if kind == "ashby":
        return f"{base}/ashby/{slug}/{job.uid}"
    if kind == "jsonld":
        return careers_url(base, job)
    if kind == "remoteok":
        return f"{base}/remoteok/remote-jobs/{remoteok_slug(job)}"
    if kind == "remotive":
        return (f"{base}/remotive/remote-jobs/{slugify(job.role.category)}/"
                f"{job.slug}-{remotive_id(job)}")
    if kind == "arbeitnow":
        return f"{base}/arbeitnow/jobs/companies/{slug}/{arbeitnow_slug(job)}"
    if kind == "rss":
        return f"{base}/wwr/remote-jobs/{slug}-{job.slug}-{job.index}"
    if kind == "rabota":
        return f"{base}/rabota/ro/locuri-de-munca/{job.slug}/{rabota_id(job)}"
    raise KeyError(kind)


def remoteok_slug(job: Job) -> str:
    return f"remote-{job.slug}-{job.company.slug}-{remoteok_id(job)}"


def arbeitnow_slug(job: Job) -> str:
    return f"{job.company.slug}-{job.slug}-{job.index}"


def home_url(base: str, job: Job) -> str | None:
    """The employer's own posting (its ATS or career page), which aggregators link to."""
    kind = job.boards[0][0]
    if kind in ("greenhouse", "lever", "ashby", "jsonld"):
        return posting_url(base, job, kind)
    return None


def tracked(url: str, source: str, job: Job) -> str:
    """The URL as an aggregator links it: same page, different query string."""
    sep = "&" if "?" in url else "?"
    style = job.index % 3
    if style == 0:
        return f"{url}{sep}utm_source={source}&utm_medium=jobboard&utm_campaign=syndication"
    if style == 1:
        return f"{url}{sep}ref={source}"
    return url
