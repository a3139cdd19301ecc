"""Demo job boards that answer with JSON or XML, each in its source's native shape (see
shared/SOURCES.md), traps included: Greenhouse, Lever, Ashby, RemoteOK, Remotive, Arbeitnow,
Hacker News (Algolia search and Firebase items) and a We Work Remotely style RSS feed.

Each ``render_*`` function takes the world, the server's base URL and the request's route
arguments and query, and returns a JSON-able object (or XML text); the server serializes.
"""
from __future__ import annotations

import html
import random
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from jobsight.demo import catalog, links
from jobsight.demo.generate import Job, DemoWorld


class NotFound(Exception):
    """The route exists but the thing asked for does not (unknown board, item or page)."""

    def __init__(self, body: object = None):
        super().__init__("not found")
        self.body = body


_EASTERN = timezone(timedelta(hours=-4))  # Greenhouse reports times in the account's zone
_EMPLOYMENT_WORDS = {"full_time": "Full-time", "part_time": "Part-time", "contract": "Contract",
                     "internship": "Intern"}


def _iso(dt: datetime, tz: timezone = timezone.utc) -> str:
    return dt.astimezone(tz).isoformat(timespec="seconds")


def _board_jobs(world: DemoWorld, kind: str, board: str) -> list[Job]:
    if board not in world.boards(kind):
        raise NotFound()
    return world.visible(kind, board)


# -- Greenhouse -----------------------------------------------------------------------------

def render_greenhouse_board(world: DemoWorld, base: str, board: str, query: dict) -> dict:
    if board not in world.boards("greenhouse"):
        raise NotFound({"status": 404, "error": "Board not found"})
    company = catalog.COMPANY_BY_SLUG[board]
    return {"name": company.name, "content": f"<p>Join {html.escape(company.name)}!</p>"}


def render_greenhouse(world: DemoWorld, base: str, board: str, query: dict) -> dict:
    if board not in world.boards("greenhouse"):
        raise NotFound({"status": 404, "error": "Job not found"})
    content = query.get("content") == "true"
    pay = query.get("pay_transparency") == "true"
    style = random.Random(f"{world.seed}:greenhouse:{board}")
    metadata_style = style.randrange(3)  # employers configure custom fields differently
    with_company_name = style.random() < 0.6
    jobs = []
    for job in world.visible("greenhouse", board):
        r = job.rng("greenhouse")
        url = links.posting_url(base, job, "greenhouse")
        if r.random() < 0.25:
            url += ("&" if "?" in url else "?") + f"gh_src={r.getrandbits(32):08x}"
        req: object = job.requisition_id
        if req is not None and req.isdigit() and r.random() < 0.5:
            req = int(req)
        updated = max(job.posted_at, world.now - timedelta(hours=r.randint(1, 24 * 20)))
        item: dict = {
            "absolute_url": url,
            "data_compliance": [{"type": "gdpr", "requires_consent": False,
                                 "requires_processing_consent": False,
                                 "requires_retention_consent": False, "retention_period": None}],
            "internal_job_id": 2_000_000 + job.index,
            "location": {"name": job.location},
            "metadata": _greenhouse_metadata(job, metadata_style),
            "id": links.greenhouse_id(job),
            "updated_at": _iso(updated, _EASTERN),
            "requisition_id": req,
            "title": job.title,
            "first_published": _iso(job.posted_at, _EASTERN),
        }
        if with_company_name:
            item["company_name"] = job.company.name
        if pay and job.pay is not None:
            item["pay_input_ranges"] = [{
                "min_cents": job.pay.min * 100,
                "max_cents": (job.pay.max or job.pay.min) * 100,
                "currency_type": job.pay.currency,
                "title": {"year": "Annual Salary", "month": "Monthly Salary",
                          "hour": "Hourly Rate"}[job.pay.period],
                "blurb": None,
            }]
        elif pay:
            item["pay_input_ranges"] = []
        if content:
            item["content"] = html.escape(job.description_html)
            item["departments"] = [{"id": 40_000 + catalog.ROLES.index(job.role),
                                    "name": job.role.department, "child_ids": [],
                                    "parent_id": None}]
            item["offices"] = [{"id": 50_000 + hash_small(job.city), "name": job.city,
                                "location": job.location, "child_ids": [], "parent_id": None}]
        jobs.append(item)
    return {"jobs": jobs, "meta": {"total": len(jobs)}}


def hash_small(text: str) -> int:
    # Python's hash() is salted per process; ids must be stable across runs.
    return sum((k + 1) * ord(c) for k, c in enumerate(text)) % 10_000


def _greenhouse_metadata(job: Job, style: int) -> list[dict] | None:
    if style == 0:
        return None
    fields = [{"id": 7001, "name": "Employment Type",
               "value": _EMPLOYMENT_WORDS[job.employment_type], "value_type": "single_select"}]
    if style == 2:
        fields.append({"id": 7002, "name": "Remote", "value": job.remote, "value_type": "yes_no"})
    return fields


# -- Lever ------------------------------------------------------------------------------------

_LEVER_INTERVALS = {"year": "per-year-salary", "month": "per-month-salary",
                    "hour": "per-hour-wage"}
_LEVER_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "onsite": "on-site"}


def render_lever(world: DemoWorld, base: str, site: str, query: dict) -> list[dict]:
    if site not in world.boards("lever"):
        raise NotFound({"ok": False, "error": "Document not found"})
    jobs = world.visible("lever", site)
    skip = _int(query.get("skip"), 0)
    limit = _int(query.get("limit"), None)
    jobs = jobs[skip:] if limit is None else jobs[skip:skip + limit]
    out = []
    for job in jobs:
        r = job.rng("lever")
        c = job.content
        location = job.location if job.remote else job.city
        all_locations = [location]
        if job.workplace == "hybrid" and r.random() < 0.3:
            all_locations.append(catalog.REMOTE_SCOPES["EU" if job.country in catalog.EUROPE
                                                       else "US"][1])
        lists = [{"text": c.headings[1], "content": "".join(f"<li>{i}</li>" for i in c.responsibilities)},
                 {"text": c.headings[2], "content": "".join(f"<li>{i}</li>" for i in c.requirements)}]
        additional = (f"<div><b>{c.headings[3]}</b></div><ul>"
                      + "".join(f"<li>{i}</li>" for i in c.benefits) + "</ul>"
                      + "".join(f"<div>{p}</div>" for p in c.closing))
        url = links.posting_url(base, job, "lever")
        item = {
            "additionalPlain": html.unescape(_strip(additional)),
            "additional": additional,
            "categories": {"commitment": _EMPLOYMENT_WORDS[job.employment_type],
                           "department": job.role.department, "location": location,
                           "team": job.team, "allLocations": all_locations},
            "createdAt": int(job.posted_at.timestamp() * 1000),
            "descriptionPlain": html.unescape("\n\n".join(c.intro)),
            "description": "".join(f"<div>{p}</div>" for p in c.intro),
            "id": job.uid,
            "lists": lists,
            "text": job.title,
            "country": job.country,
            "workplaceType": "unspecified" if r.random() < 0.1 else _LEVER_WORKPLACE[job.workplace],
            "opening": "", "openingPlain": "",
            "descriptionBody": "".join(f"<div>{p}</div>" for p in c.intro),
            "descriptionBodyPlain": html.unescape("\n\n".join(c.intro)),
            "hostedUrl": url,
            "applyUrl": f"{url}/apply",
        }
        if job.pay is not None and r.random() < 0.85:
            item["salaryRange"] = {"currency": job.pay.currency,
                                   "interval": _LEVER_INTERVALS[job.pay.period],
                                   "min": job.pay.min, "max": job.pay.max or job.pay.min}
            if r.random() < 0.5:
                item["salaryDescription"] = f"<div>{html.escape(job.pay.text)}</div>"
                item["salaryDescriptionPlain"] = job.pay.text
        out.append(item)
    return out


def _strip(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text).replace("  ", " ").strip()


def _int(value: str | None, default: int | None) -> int | None:
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


# -- Ashby ------------------------------------------------------------------------------------

_ASHBY_TYPES = {"full_time": "FullTime", "part_time": "PartTime", "contract": "Contract",
                "internship": "Intern"}
_ASHBY_WORKPLACE = {"remote": "Remote", "hybrid": "Hybrid", "onsite": "OnSite"}
_ASHBY_INTERVALS = {"year": "1 YEAR", "month": "1 MONTH", "hour": "1 HOUR"}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "INR": "₹"}


def render_ashby(world: DemoWorld, base: str, board: str, query: dict) -> dict:
    if board not in world.boards("ashby"):
        raise NotFound({"success": False, "error": "Job board not found"})
    compensation = query.get("includeCompensation") == "true"
    jobs = []
    for job in world.visible("ashby", board):
        r = job.rng("ashby")
        url = links.posting_url(base, job, "ashby")
        item = {
            "id": job.uid,
            "title": job.title,
            "department": job.role.department,
            "team": job.team,
            "employmentType": _ASHBY_TYPES[job.employment_type],
            "location": "Remote" if job.remote else job.city,
            "secondaryLocations": [],
            "publishedAt": job.posted_at.isoformat(timespec="milliseconds"),
            "isListed": True,
            "isRemote": job.remote,
            "workplaceType": _ASHBY_WORKPLACE[job.workplace],
            "address": {"postalAddress": {"addressLocality": job.city,
                                          "addressRegion": job.region or "",
                                          "addressCountry": job.country_name}},
            "jobUrl": url,
            "applyUrl": f"{url}/application",
            "descriptionHtml": job.description_html,
            "descriptionPlain": job.content.plain(),
            "shouldDisplayCompensationOnJobPostings": job.pay is not None,
        }
        if job.workplace == "hybrid" and r.random() < 0.3:
            item["secondaryLocations"].append({"location": "Remote", "address": {
                "postalAddress": {"addressCountry": job.country_name}}})
        if compensation:
            item["compensation"] = _ashby_compensation(job, r)
        jobs.append(item)
    return {"apiVersion": "1", "jobs": jobs}


def _ashby_compensation(job: Job, r: random.Random) -> dict:
    pay = job.pay
    if pay is None:
        return {"compensationTierSummary": None, "scrapeableCompensationSalarySummary": None,
                "compensationTiers": [], "summaryComponents": []}
    symbol = _SYMBOLS.get(pay.currency, pay.currency + " ")

    def short(v: int) -> str:
        return f"{symbol}{v // 1000}K" if pay.period == "year" else f"{symbol}{v:,}"

    salary = short(pay.min) + (f" – {short(pay.max)}" if pay.max else "+")
    components = [{"compensationType": "Salary", "interval": _ASHBY_INTERVALS[pay.period],
                   "currencyCode": pay.currency, "minValue": pay.min, "maxValue": pay.max}]
    summary = salary
    if pay.period == "year" and r.random() < 0.4:
        components.append({"compensationType": "EquityPercentage", "interval": "NONE",
                           "currencyCode": None, "minValue": 0.01, "maxValue": 0.1})
        summary += " • 0.01% – 0.1%"
    return {"compensationTierSummary": summary,
            "scrapeableCompensationSalarySummary": salary.replace(" – ", " - "),
            "compensationTiers": [{"id": job.uid[:8], "tierSummary": summary, "title": "Zone A",
                                   "components": components}],
            "summaryComponents": components}


# -- RemoteOK ---------------------------------------------------------------------------------

def render_remoteok(world: DemoWorld, base: str, query: dict) -> list[dict]:
    out: list[dict] = [{
        "last_updated": int(world.now.timestamp()),
        "legal": ("API Terms of Service: Please link back to the URL on Remote OK and mention "
                  "Remote OK as a source, so we get traffic back from your site. If you do not "
                  "we'll have to suspend API access."),
    }]
    for job in world.visible("remoteok"):
        r = job.rng("remoteok")
        lo = hi = 0
        if job.pay is not None and job.pay.currency == "USD" and job.pay.period == "year":
            lo, hi = job.pay.min, job.pay.max or 0
            if r.random() < 0.05:
                lo, hi = hi, lo  # seen in the wild: min and max swapped
        home = links.home_url(base, job)
        out.append({
            "slug": links.remoteok_slug(job),
            "id": str(links.remoteok_id(job)),
            "epoch": int(job.posted_at.timestamp()),
            "date": job.posted_at.isoformat(timespec="seconds"),
            "company": job.company.name,
            "company_logo": "",
            "position": job.title,
            "tags": [s.lower() for s in job.skills[:4]] + ["dev"],
            "logo": "",
            "description": job.description_html,
            "location": catalog.REMOTE_SCOPES[job.remote_scope or "WORLD"][2],
            "salary_min": lo,
            "salary_max": hi,
            "apply_url": links.tracked(home, "remoteok", job) if home else
            f"{base}/remoteok/l/{links.remoteok_id(job)}",
            "url": links.posting_url(base, job, "remoteok"),
        })
    return out


# -- Remotive ---------------------------------------------------------------------------------

def render_remotive(world: DemoWorld, base: str, query: dict) -> dict:
    jobs = world.visible("remotive")
    category = query.get("category")
    if category:
        jobs = [j for j in jobs if catalog.slugify(j.role.category) == category]
    search = (query.get("search") or "").lower()
    if search:
        jobs = [j for j in jobs if search in j.title.lower() or search in j.company.name.lower()]
    limit = _int(query.get("limit"), None)
    if limit is not None:
        jobs = jobs[:limit]
    out = []
    for job in jobs:
        r = job.rng("remotive")
        salary = job.pay.text if job.pay is not None else r.choice(("", "", "Competitive"))
        out.append({
            "id": links.remotive_id(job),
            "url": links.posting_url(base, job, "remotive"),
            "title": job.title,
            "company_name": job.company.name,
            "company_logo": f"{base}/remotive/company_logo/{job.company.slug}.png",
            "category": job.role.category,
            "tags": [s.lower() for s in job.skills],
            "job_type": job.employment_type,
            "publication_date": job.posted_at.strftime("%Y-%m-%dT%H:%M:%S"),
            "candidate_required_location": catalog.REMOTE_SCOPES[job.remote_scope or "WORLD"][2],
            "salary": salary,
            "description": job.description_html,
        })
    return {
        "0-legal-notice": ("Remotive API Legal Notice: please link back to Remotive and mention "
                           "Remotive as a source. Do not query more than a few times a day."),
        "job-count": len(out),
        "total-job-count": len(world.visible("remotive")),
        "jobs": out,
    }


# -- Arbeitnow --------------------------------------------------------------------------------

ARBEITNOW_PAGE_SIZE = 100


def render_arbeitnow(world: DemoWorld, base: str, query: dict) -> dict:
    page = _int(query.get("page"), 1) or 1
    jobs = world.visible("arbeitnow")
    start = (page - 1) * ARBEITNOW_PAGE_SIZE
    chunk = jobs[start:start + ARBEITNOW_PAGE_SIZE]
    path = f"{base}/arbeitnow/api/job-board-api"
    data = []
    for job in chunk:
        german = job.lang == "de"
        types = {"full_time": "Vollzeit" if german else "full time",
                 "part_time": "Teilzeit" if german else "part time",
                 "contract": "Freelance" if german else "contract",
                 "internship": "Praktikum" if german else "internship"}[job.employment_type]
        level = {"junior": "Berufseinsteiger", "senior": "Berufserfahren",
                 "lead": "Berufserfahren"}.get(job.seniority, "Berufserfahren") if german else None
        data.append({
            "slug": links.arbeitnow_slug(job),
            "company_name": job.company.name,
            "title": job.title,
            "description": job.description_html,
            "remote": job.remote,
            "url": links.posting_url(base, job, "arbeitnow"),
            "tags": [job.role.category, job.role.department],
            "job_types": [t for t in (level, types) if t],
            "location": job.city,
            "created_at": int(job.posted_at.timestamp()),
        })
    more = start + ARBEITNOW_PAGE_SIZE < len(jobs)
    return {
        "data": data,
        "links": {"first": f"{path}?page=1", "last": None,
                  "prev": f"{path}?page={page - 1}" if page > 1 else None,
                  "next": f"{path}?page={page + 1}" if more else None},
        "meta": {"current_page": page, "from": start + 1 if data else None, "path": path,
                 "per_page": ARBEITNOW_PAGE_SIZE, "to": start + len(data) if data else None,
                 "terms": "This is a free public API for jobs, please do not abuse.",
                 "info": "Jobs are ordered by created_at. Use the page parameter to paginate."},
    }


# -- Hacker News ------------------------------------------------------------------------------

_HN_STORIES = (  # offset from the month's base id, title
    (0, "Ask HN: Who is hiring? ({month})"),
    (1, "Ask HN: Who wants to be hired? ({month})"),
    (2, "Ask HN: Freelancer? Seeking freelancer? ({month})"),
)
_HN_JOB_OFFSET = 10_000  # comment id = month base + offset + job index
_HN_REPLY_OFFSET = 1_500_000
_HN_CHATTER = (
    "Is it just me or are there far fewer remote roles this month?",
    "Reminder: please include salary ranges, it saves everyone time.",
    "Not hiring, but thanks to everyone who posts here every month &ndash; this thread got me my last two jobs.",
    "Does anyone know if these threads are archived somewhere searchable?",
)


def _month_key(dt: datetime) -> int:
    return dt.year * 12 + dt.month - 1


def _month_base(key: int) -> int:
    return 40_000_000 + (key - 2024 * 12) * 2_000_000


def _thread_time(key: int) -> datetime:
    first = datetime(key // 12, key % 12 + 1, 1, 15, tzinfo=timezone.utc)
    while first.weekday() >= 5:
        first += timedelta(days=1)
    return first


def render_hn_search(world: DemoWorld, base: str, query: dict) -> dict:
    current = _month_key(world.now)
    hits = []
    for key in range(current, current - 3, -1):
        when = _thread_time(key)
        month = when.strftime("%B %Y")
        for offset, title in _HN_STORIES:
            story_id = _month_base(key) + offset
            # The "wants to be hired" story is posted a moment later, so it sorts first.
            created = int(when.timestamp()) + (1 if offset == 1 else 0)
            hits.append({
                "_tags": ["story", "author_whoishiring", f"story_{story_id}"],
                "author": "whoishiring", "children": [], "created_at":
                datetime.fromtimestamp(created, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "created_at_i": created, "num_comments": 0, "objectID": str(story_id),
                "points": 300 - 100 * offset, "story_id": story_id,
                "title": title.format(month=month), "updated_at": None, "url": None,
            })
    hits.sort(key=lambda h: -h["created_at_i"])
    return {"hits": hits, "nbHits": len(hits), "page": 0, "nbPages": 1, "hitsPerPage": 20,
            "exhaustiveNbHits": True, "query": "", "params": "tags=story,author_whoishiring"}


def _hn_escape(text: str) -> str:
    return html.escape(text, quote=True).replace("/", "&#x2F;")


def render_hn_item(world: DemoWorld, base: str, item_id: int, query: dict) -> dict | None:
    current = _month_key(world.now)
    for key in range(current, current - 3, -1):
        month_base = _month_base(key)
        if month_base <= item_id < month_base + 2_000_000:
            return _hn_item(world, base, key, item_id - month_base)
    return None  # Firebase answers unknown ids with a literal null


def _hn_item(world: DemoWorld, base: str, key: int, offset: int) -> dict | None:
    month_base = _month_base(key)
    when = _thread_time(key)
    jobs = world.visible("hn") if key == _month_key(world.now) else []
    story_id = month_base
    if offset < len(_HN_STORIES):
        title = _HN_STORIES[offset][1].format(month=when.strftime("%B %Y"))
        kids: list[int] = []
        if offset == 0:
            ranked = sorted(jobs, key=lambda j: j.rng("hn-rank").random())
            kids = [month_base + _HN_JOB_OFFSET + j.index for j in ranked]
            for k in range(len(_HN_CHATTER) + 2):  # chatter plus a deleted and a dead comment
                kids.insert((k * 11) % (len(kids) + 1), month_base + 100 + k)
        return {"by": "whoishiring", "descendants": len(kids), "id": month_base + offset,
                "kids": kids, "score": 300 - 100 * offset,
                "text": ("Please state the location and include REMOTE for remote work, REMOTE "
                         "(US) or similar if the country is restricted, and ONSITE when remote "
                         "work is &lt;i&gt;not&lt;&#x2F;i&gt; an option.<p>Please only post if "
                         "you personally are part of the hiring company."),
                "time": int(when.timestamp()) + (1 if offset == 1 else 0),
                "title": title, "type": "story"}
    t0 = int(when.timestamp()) + 600
    if 100 <= offset < 100 + len(_HN_CHATTER):
        k = offset - 100
        return {"by": f"user{k * 7919 % 10000}", "id": month_base + offset, "parent": story_id,
                "text": _HN_CHATTER[k], "time": t0 + k * 311, "type": "comment"}
    if offset == 100 + len(_HN_CHATTER):
        return {"deleted": True, "id": month_base + offset, "parent": story_id,
                "time": t0 + 999, "type": "comment"}
    if offset == 101 + len(_HN_CHATTER):
        return {"by": "spamacct", "dead": True, "id": month_base + offset, "parent": story_id,
                "text": "[flagged]", "time": t0 + 1200, "type": "comment"}
    by_index = {j.index: j for j in jobs}
    if offset >= _HN_REPLY_OFFSET:
        # Replies to postings ("Is this open to EU applicants?"); not postings themselves.
        parent_index = offset - _HN_REPLY_OFFSET
        if parent_index not in by_index:
            return None
        return {"by": "curious_dev", "id": month_base + offset,
                "parent": month_base + _HN_JOB_OFFSET + parent_index,
                "text": "Is this open to applicants outside the listed country?",
                "time": t0 + 5000, "type": "comment"}
    if offset >= _HN_JOB_OFFSET:
        job = by_index.get(offset - _HN_JOB_OFFSET)
        if job is None:
            return None
        return _hn_comment(base, job, month_base, story_id, when)
    return None


def _hn_comment(base: str, job: Job, month_base: int, story_id: int, when: datetime) -> dict:
    r = job.rng("hn")
    flag = {"remote": "REMOTE", "hybrid": r.choice(("Hybrid", "ONSITE or REMOTE")),
            "onsite": "ONSITE"}[job.workplace]
    location = (catalog.REMOTE_SCOPES[job.remote_scope or "WORLD"][1] if job.remote
                else f"{job.city}, {job.country if job.country in ('US', 'GB') else job.country_name}")
    salary = None
    if job.pay is not None:
        p = job.pay
        sym = _SYMBOLS.get(p.currency, "")
        if p.period == "year" and sym and p.max:
            salary = f"{sym}{p.min // 1000}k-{sym}{p.max // 1000}k"
        else:
            salary = p.text
    home = links.home_url(base, job)
    url = links.tracked(home, "hn", job) if home else None
    parts = {"company": job.company.name, "role": job.title, "location": location,
             "flag": flag, "salary": salary, "url": url}
    orders = (("company", "role", "location", "flag", "salary", "url"),
              ("company", "location", "role", "flag", "url", "salary"),
              ("company", "role", "flag", "location", "salary", "url"),
              ("company", "role", "location", "salary", "flag", "url"))
    order = r.choice(orders)
    if r.random() < 0.2:
        order = tuple(k for k in order if k != "flag")
    header = []
    for key in order:
        value = parts[key]
        if value is None:
            continue
        if key == "url":
            esc = _hn_escape(value)
            header.append(f'<a href="{esc}" rel="nofollow">{esc}</a>')
        else:
            header.append(_hn_escape(value))
    c = job.content
    paragraphs = [" ".join(html.unescape(p) for p in c.intro),
                  "Requirements: " + "; ".join(html.unescape(x) for x in c.requirements[:-1]),
                  "Benefits: " + ", ".join(html.unescape(b) for b in c.benefits)]
    if url is None:
        paragraphs.append(f"Email careers@{job.company.slug}.example with your CV.")
    text = " | ".join(header) + "".join(f"<p>{_hn_escape(p)}" for p in paragraphs)
    item = {"by": f"{job.company.slug.split('-')[0]}_hiring", "id": month_base + _HN_JOB_OFFSET + job.index,
            "parent": story_id, "text": text,
            "time": int(max(when, job.posted_at).timestamp()) + r.randint(60, 3600),
            "type": "comment"}
    if r.random() < 0.1:
        item["kids"] = [month_base + _HN_REPLY_OFFSET + job.index]
    return item


# -- RSS (We Work Remotely style) --------------------------------------------------------------

def _xml(text: str) -> str:
    return html.escape(text, quote=False)


def render_rss(world: DemoWorld, base: str, query: dict) -> str:
    items = []
    for job in world.visible("rss"):
        r = job.rng("rss")
        link = links.posting_url(base, job, "rss")
        home = links.home_url(base, job)
        head = (f"<p><strong>Headquarters:</strong> {html.escape(job.company.name)}, "
                f"{catalog.COUNTRY_NAMES[job.company.country]}<br /><strong>URL:</strong> "
                f"<a href=\"{html.escape(links.tracked(home, 'weworkremotely', job)) if home else link}\">"
                f"{html.escape(job.company.name)}</a></p>")
        description = head + job.description_html
        if r.random() < 0.5:
            description = f"<![CDATA[{description}]]>"
        else:
            description = _xml(description)
        items.append(
            "<item>"
            f"<title>{_xml(job.company.name)}: {_xml(job.title)}</title>"
            f"<region>{_xml(catalog.REMOTE_SCOPES[job.remote_scope or 'WORLD'][0])}</region>"
            f"<country>{_xml(job.country_name)}</country>"
            f"<skills>{_xml(', '.join(job.mentions[:4]))}</skills>"
            f"<category>{_xml(job.role.category)}</category>"
            f"<type>{_EMPLOYMENT_WORDS[job.employment_type].replace('-time', '-Time')}</type>"
            f"<description>{description}</description>"
            f"<pubDate>{format_datetime(job.posted_at)}</pubDate>"
            f"<guid>{_xml(link)}</guid>"
            f"<link>{_xml(link)}</link>"
            "</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
            "<title>We Work Remotely: Remote jobs</title>"
            f"<link>{_xml(base)}/wwr/remote-jobs</link>"
            "<description>Remote jobs in programming, design, devops and more</description>"
            "<language>en-US</language><ttl>60</ttl>"
            + "".join(items) + "</channel></rss>\n")
