"""A seeded, deterministic world of job postings for the demo job boards.

Job ``i`` of a world depends only on ``(seed, i)``, so any job is produced in O(1) without
materializing the rest (a million-job world costs nothing until asked), and the same seed
always yields the same jobs, boards and text. Simulated time (``world.day``) decides which
jobs are open.
"""
from __future__ import annotations

import bisect
import html
import random
import re
import threading
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Iterator

from jobsight.demo import catalog
from jobsight.demo.catalog import COMPANIES, ROLES, Company, Role, spellings

EPOCH = datetime(2025, 6, 2, tzinfo=timezone.utc)  # simulated day 0
NEVER = 10**9  # close_day of a job that stays open

KINDS = ("greenhouse", "lever", "ashby", "remoteok", "remotive", "arbeitnow", "hn", "rss",
         "jsonld", "rabota")
ATS_KINDS = ("greenhouse", "lever", "ashby")
# Kinds with one board each (the board is named after the kind).
SINGLE_BOARD_KINDS = ("remoteok", "remotive", "arbeitnow", "hn", "rss", "rabota")
REMOTEOK_LIMIT = 100  # RemoteOK's API only returns its most recent postings

_CACHE_JOBS_UP_TO = 50_000  # below this, generated jobs are kept: boards re-read them often


@dataclass(frozen=True)
class Pay:
    """What a job pays, and how the employer writes it."""

    min: int | None
    max: int | None
    currency: str  # ISO 4217
    period: str  # hour | month | year
    text: str


@dataclass(frozen=True)
class Content:
    """A job description in parts, so boards that split it (Lever's lists) can."""

    headings: tuple[str, str, str, str]  # about, responsibilities, requirements, benefits
    intro: tuple[str, ...]
    responsibilities: tuple[str, ...]
    requirements: tuple[str, ...]
    benefits: tuple[str, ...]
    closing: tuple[str, ...]  # salary sentence, EEO statement, "similar jobs" boilerplate

    def html(self) -> str:
        parts = [f"<h3>{self.headings[0]}</h3>"]
        parts += [f"<p>{p}</p>" for p in self.intro]
        for heading, items in zip(self.headings[1:], (self.responsibilities, self.requirements,
                                                       self.benefits)):
            parts.append(f"<h3>{heading}</h3><ul>{''.join(f'<li>{i}</li>' for i in items)}</ul>")
        parts += [f"<p>{p}</p>" for p in self.closing]
        return "".join(parts)

    def plain(self) -> str:
        blocks = [self.headings[0], *self.intro]
        for heading, items in zip(self.headings[1:], (self.responsibilities, self.requirements,
                                                       self.benefits)):
            blocks.append(heading + "\n" + "\n".join(f"- {i}" for i in items))
        blocks += self.closing
        return html.unescape("\n\n".join(blocks))


@dataclass(frozen=True)
class Job:
    """One canonical job: the ground truth every board renders in its own shape."""

    index: int
    seed: int
    uid: str  # a UUID, used where boards key postings by UUID (Lever, Ashby)
    company: Company
    role: Role
    title: str
    seniority: str  # intern | junior | mid | senior | lead
    skills: tuple[str, ...]  # canonical names
    mentions: tuple[str, ...]  # how the text spells each skill (aliases included)
    experience_years: int
    experience_text: str  # the sentence in the description that states it
    lang: str  # en | de | ro
    city: str
    region: str | None
    country: str  # ISO 3166-1 alpha-2
    workplace: str  # remote | hybrid | onsite
    remote_scope: str | None  # key of catalog.REMOTE_SCOPES for remote jobs
    employment_type: str  # full_time | part_time | contract | internship
    pay: Pay | None
    pay_in_text: bool  # the description states the pay too
    posted_at: datetime
    open_day: int
    close_day: int
    boards: tuple[tuple[str, str], ...]  # (kind, board); the first is where it was posted first
    requisition_id: str | None
    team: str
    text_of: int = -1  # the job whose ad this one copies (another office's opening), -1: its own

    @property
    def remote(self) -> bool:
        return self.workplace == "remote"

    @property
    def location(self) -> str:
        if self.remote:
            return catalog.REMOTE_SCOPES[self.remote_scope or "WORLD"][1]
        return f"{self.city}, {catalog.COUNTRY_NAMES[self.country]}"

    @property
    def country_name(self) -> str:
        return catalog.COUNTRY_NAMES[self.country]

    @property
    def slug(self) -> str:
        return catalog.slugify(self.title)

    def is_open(self, day: int) -> bool:
        return self.open_day <= day < self.close_day

    def rng(self, purpose: str) -> random.Random:
        """A generator for one rendering choice, stable per (seed, job, purpose)."""
        return random.Random(f"{self.seed}:{self.index}:{purpose}")

    @cached_property
    def content(self) -> Content:
        # Text is built on first use only: iterating a million jobs should not pay for it.
        return _describe(self, random.Random(f"{self.seed}:{self.text_of if self.text_of >= 0 else self.index}:text"))

    @property
    def description_html(self) -> str:
        return self.content.html()


class DemoWorld:
    """``count`` jobs generated from ``seed``, observed at simulated ``day``."""

    def __init__(self, seed: int = 42, count: int = 3000, day: int = 0):
        if count < 0:
            raise ValueError("count must be >= 0")
        self.seed = seed
        self.count = count
        self.day = day
        self._visible: dict[tuple, list[Job]] = {}
        self._start_day = day
        self._lock = threading.Lock()
        self._jobs: dict[int, Job] = {}
        self._spans: list[tuple[int, int, tuple[tuple[str, str], ...], float]] | None = None
        self._index: dict[int, dict[tuple[str, str], list[int]]] = {}
        weights = [c.weight for c in COMPANIES]
        self._company_cum = _cumulative(weights)
        self._role_cum = _cumulative([r.weight for r in ROLES])
        countries = list(catalog.JOB_COUNTRY_WEIGHTS)
        self._countries = countries
        self._country_cum = _cumulative([catalog.JOB_COUNTRY_WEIGHTS[c] for c in countries])

    # -- jobs ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return self.count

    def job(self, i: int) -> Job:
        if not 0 <= i < self.count:
            raise IndexError(f"job {i} is outside this world of {self.count}")
        cached = self._jobs.get(i)
        if cached is not None:
            return cached
        job = _generate(self, i)
        if self.count <= _CACHE_JOBS_UP_TO:
            self._jobs[i] = job
        return job

    def __iter__(self) -> Iterator[Job]:
        return self.jobs()

    def jobs(self, start: int = 0, stop: int | None = None) -> Iterator[Job]:
        stop = self.count if stop is None else min(stop, self.count)
        for i in range(start, stop):
            yield self.job(i)

    # -- time -----------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        # Late on the simulated day, after every posting made that day.
        return EPOCH + timedelta(days=self.day, hours=22)

    def advance(self, days: int = 1) -> None:
        with self._lock:
            self.day += days

    def reset(self) -> None:
        """Back to the day the world was created at."""
        with self._lock:
            self.day = self._start_day

    # -- boards ---------------------------------------------------------------------------

    def boards(self, kind: str) -> list[str]:
        """Every board of a kind, open jobs or not (ATS boards exist while empty)."""
        if kind in SINGLE_BOARD_KINDS:
            return [kind]
        if kind in ATS_KINDS:
            return sorted(c.slug for c in COMPANIES if c.ats == kind)
        if kind == "jsonld":
            return sorted(c.slug for c in COMPANIES if c.careers)
        raise KeyError(kind)

    def visible(self, kind: str, board: str | None = None) -> list[Job]:
        """Jobs open today on a board (or on every board of the kind), newest first."""
        key = (self.day, kind, board)
        cached = self._visible.get(key)
        if cached is None:
            # Kept per day: item pages (HN comments) ask for the same list thousands of times.
            cached = self._visible[key] = self._compute_visible(kind, board)
            if len(self._visible) > 256:
                self._visible.pop(next(iter(self._visible)))
        return cached

    def _compute_visible(self, kind: str, board: str | None) -> list[Job]:
        index = self._day_index(self.day)
        if board is not None:
            indices = index.get((kind, board), [])
        else:
            indices = sorted((i for (k, _), ids in index.items() if k == kind for i in ids),
                             key=lambda i: (-self._spans[i][3], i))
        if kind == "remoteok":
            indices = indices[:REMOTEOK_LIMIT]
        return [self.job(i) for i in indices]

    def _day_index(self, day: int) -> dict[tuple[str, str], list[int]]:
        index = self._index.get(day)
        if index is not None:
            return index
        with self._lock:
            if self._spans is None:
                self._spans = [(j.open_day, j.close_day, j.boards, j.posted_at.timestamp())
                               for j in self.jobs()]
            built: dict[tuple[str, str], list[int]] = {}
            for i, (open_day, close_day, boards, _) in enumerate(self._spans):
                if open_day <= day < close_day:
                    for key in boards:
                        built.setdefault(key, []).append(i)
            spans = self._spans
            for ids in built.values():
                ids.sort(key=lambda i: (-spans[i][3], i))
            if len(self._index) > 8:
                self._index.clear()
            self._index[day] = built
            return built


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


# -- generation ------------------------------------------------------------------------------

# Employers copy an ad to their other offices: the same title and text, another city. These
# are different jobs (each office hires), which dedup must keep apart.
COPY_SHARE = 0.2
COPY_WITHIN = 200  # a copy follows its original within this many jobs


def _generate(world: DemoWorld, i: int) -> Job:
    if i > 0:
        c = random.Random(f"{world.seed}:{i}:copy")
        if c.random() < COPY_SHARE:
            copied = _copy(world, i, _original(world, i - c.randint(1, min(i, COPY_WITHIN))), c)
            if copied is not None:
                return copied
    return _original(world, i)


def _original(world: DemoWorld, i: int) -> Job:
    """Job ``i`` drawn afresh (what it is unless it copies an earlier job's ad)."""
    r = random.Random(f"{world.seed}:{i}")
    company = COMPANIES[_pick(r, world._company_cum)]
    role = ROLES[_pick(r, world._role_cum)]

    u = r.random()
    acc = 0.0
    for level, prefix, share, (ymin, ymax) in catalog.SENIORITY:
        acc += share
        if u < acc:
            break
    if role.key in ("em", "pm") and level in ("intern", "junior"):
        level, prefix, ymin, ymax = "mid", "", 3, 5
    years = r.randint(ymin, ymax)

    if company.country == "MD":
        country = "MD" if r.random() < 0.92 else "RO"
    elif r.random() < 0.7:
        country = company.country
    else:
        country = world._countries[_pick(r, world._country_cum)]
    city, region = r.choice(company.offices if country == company.country else catalog.CITIES[country])

    w = r.random()
    remote_share = 0.15 if country == "MD" else 0.37
    if w < remote_share:
        workplace = "remote"
    elif w < remote_share + 0.25:
        workplace = "hybrid"
    else:
        workplace = "onsite"
    remote_scope = None
    if workplace == "remote":
        if country in ("US",):
            remote_scope = r.choice(("US", "US", "AMERICAS", "WORLD"))
        elif country == "CA":
            remote_scope = r.choice(("CA", "AMERICAS", "WORLD"))
        elif country in catalog.EUROPE:
            remote_scope = r.choice(("EU", "EU", "WORLD"))
        else:
            remote_scope = "WORLD"

    e = r.random()
    if level == "intern":
        employment_type = "internship"
    elif e < 0.82:
        employment_type = "full_time"
    elif e < 0.94:
        employment_type = "contract"
    else:
        employment_type = "part_time"

    if country == "MD":
        lang = "ro" if r.random() < 0.7 else "en"
    elif country == "DE":
        lang = "de" if r.random() < 0.4 else "en"
    else:
        lang = "en"

    n_skills = r.randint(3, 8)
    extra = [s for s in role.pool]
    r.shuffle(extra)
    skills = tuple((list(role.core) + extra)[:max(n_skills, len(role.core))])
    mentions = tuple(r.choice(spellings(s)) if r.random() < 0.45 else s for s in skills)

    title = _title(r, role, prefix, lang, country)
    pay = _pay(r, country, employment_type, remote_scope, level, lang)
    pay_in_text = pay is not None and r.random() < 0.5

    if r.random() < 0.12:
        open_day = r.randint(1, 90)  # not posted yet: appears as simulated time passes
    else:
        open_day = -r.randint(0, 45)
    c = r.random()
    if c < 0.15:
        close_day = max(r.randint(1, 30), open_day + r.randint(5, 20))
    elif c < 0.65:
        close_day = max(r.randint(31, 365), open_day + 30)
    else:
        close_day = NEVER
    posted_at = EPOCH + timedelta(days=open_day, seconds=r.randint(6 * 3600, 20 * 3600))

    boards = _place(r, company, country, workplace, remote_scope)
    req = r.random()
    if req < 0.15:
        requisition_id = None
    elif req < 0.55:
        requisition_id = str(r.randint(1000, 99999))
    else:
        requisition_id = f"{r.choice(('R', 'REQ', 'JR'))}-{r.randint(1000, 99999)}"

    return Job(
        index=i, seed=world.seed, uid=str(uuid.UUID(int=r.getrandbits(128), version=4)),
        company=company, role=role, title=title, seniority=level, skills=skills,
        mentions=mentions, experience_years=years,
        experience_text=_experience_sentence(r, years, lang, mentions[0]), lang=lang,
        city=city, region=region, country=country, workplace=workplace,
        remote_scope=remote_scope, employment_type=employment_type, pay=pay,
        pay_in_text=pay_in_text, posted_at=posted_at, open_day=open_day, close_day=close_day,
        boards=boards, requisition_id=requisition_id, team=r.choice(role.teams),
    )


def _copy(world: DemoWorld, i: int, original: Job, r: random.Random) -> Job | None:
    """Job ``i`` as the original's ad copied to another office of the employer (None when it
    has no other: a remote job, or a single office; or when that job is a copy itself)."""
    if world.job(original.index).text_of >= 0:
        return None  # that job is itself a copy: its own ad is another's
    offices = [office for office in original.company.offices if office[0] != original.city]
    if original.remote or original.country != original.company.country or not offices:
        return None
    city, region = r.choice(offices)
    open_day = original.open_day + r.randint(0, 10)
    close_day = original.close_day if original.close_day == NEVER else original.close_day + r.randint(0, 30)
    # Each office's opening has its own requisition, in the employer's format.
    requisition = None if original.requisition_id is None else re.sub(
        r"\d+$", lambda _: str(r.randint(1000, 99999)), original.requisition_id)
    return replace(
        original, index=i, uid=str(uuid.UUID(int=r.getrandbits(128), version=4)), city=city, region=region,
        open_day=open_day, close_day=close_day,
        posted_at=original.posted_at + timedelta(days=open_day - original.open_day, minutes=r.randint(1, 600)),
        boards=_place(r, original.company, original.country, original.workplace, original.remote_scope),
        requisition_id=requisition, text_of=original.index)


def _title(r: random.Random, role: Role, prefix: str, lang: str, country: str) -> str:
    if country == "MD" and role.ro_title and r.random() < 0.5:
        base = role.ro_title
        return f"{base} {prefix}".strip() if prefix in ("Senior", "Junior") else base
    if lang == "de" and role.de_titles and r.random() < 0.5:
        # German ads keep the seniority words in English but name the role in German.
        prefix = "Werkstudent" if prefix == "Intern" else prefix
        title = f"{prefix} {r.choice(role.de_titles)}".strip()
        return f"{title} (m/w/d)" if r.random() < 0.7 else title
    base = r.choice(role.titles)
    if base.startswith("Senior ") and prefix:
        base = base[len("Senior "):]
    title = f"{prefix} {base}".strip()
    t = r.random() if "," not in base else 1.0
    if t < 0.05:
        title += f": {r.choice(role.teams)}"  # colon inside the title (WWR splits on the first)
    elif t < 0.12:
        title += f", {r.choice(role.teams)}"
    if lang == "de" and r.random() < 0.7:
        title += " (m/w/d)"
    return title


def _experience_sentence(r: random.Random, years: int, lang: str, skill: str) -> str:
    if lang == "de":
        if years == 0:
            return "Berufseinsteiger sind herzlich willkommen – erste Praxiserfahrung reicht"
        return r.choice((f"Mindestens {years} Jahre Berufserfahrung in der Softwareentwicklung",
                         f"{years}+ Jahre Erfahrung mit {skill}"))
    if lang == "ro":
        if years == 0:
            return "Nu este necesară experiență anterioară – te învățăm tot"
        unit = "an" if years == 1 else "ani"
        return r.choice((f"Experiență de minim {years} {unit} în {skill}",
                         f"Cel puțin {years} {unit} de experiență în dezvoltare software"))
    if years == 0:
        return r.choice(("No prior professional experience required",
                         "Entry-level: internships or personal projects count"))
    word = catalog.NUMBER_WORDS[years]
    return r.choice((
        f"{years}+ years of experience with {skill}",
        f"At least {word} years of professional software development experience",
        f"{years}-{years + 2} years of experience building production systems",
        f"Minimum of {years} years working with {skill}",
        f"{word.capitalize()} or more years of hands-on experience with {skill}",
    ))


_SCALE = {"intern": 0.35, "junior": 0.65, "mid": 0.85, "senior": 1.0, "lead": 1.25}
_ANNUAL = {  # currency, senior-level annual min range
    "US": ("USD", 120_000, 190_000), "GB": ("GBP", 60_000, 95_000),
    "DE": ("EUR", 60_000, 90_000), "NL": ("EUR", 58_000, 85_000), "FR": ("EUR", 50_000, 75_000),
    "IE": ("EUR", 65_000, 95_000), "SE": ("EUR", 50_000, 75_000), "ES": ("EUR", 38_000, 60_000),
    "PT": ("EUR", 32_000, 55_000), "RO": ("EUR", 30_000, 55_000), "CA": ("CAD", 100_000, 160_000),
    "AU": ("AUD", 120_000, 180_000), "IN": ("INR", 1_800_000, 4_000_000),
}


def _round(x: float, step: int) -> int:
    return int(round(x / step) * step)


def _pay(r: random.Random, country: str, employment_type: str, scope: str | None,
         level: str, lang: str) -> Pay | None:
    if r.random() < 0.30:
        return None
    scale = _SCALE[level]
    if employment_type == "contract" and country != "MD":
        currency = {"GB": "GBP", "CA": "CAD", "AU": "AUD"}.get(
            country, "EUR" if country in catalog.EUROPE else "USD")
        lo = _round(r.uniform(45, 95) * scale, 5)
        hi = _round(lo * r.uniform(1.15, 1.4), 5)
        period = "hour"
    elif country == "MD":
        period = "month"
        c = r.random()
        if c < 0.6:
            currency, lo = "MDL", _round(r.uniform(25_000, 50_000) * scale, 1000)
            hi = _round(lo * r.uniform(1.3, 1.7), 1000)
        else:
            currency = "EUR" if c < 0.85 else "USD"
            lo = _round(r.uniform(1500, 3000) * scale, 100)
            hi = _round(lo * r.uniform(1.3, 1.6), 100)
    elif country == "PL":
        period, currency = "month", "PLN"
        lo = _round(r.uniform(15_000, 24_000) * scale, 500)
        hi = _round(lo * r.uniform(1.2, 1.5), 500)
    else:
        period = "year"
        if scope in ("US", "WORLD", "AMERICAS"):
            currency, a, b = _ANNUAL["US"]
        else:
            currency, a, b = _ANNUAL[country]
        step = 50_000 if currency == "INR" else 1000
        lo = _round(r.uniform(a, b) * scale, step)
        hi = _round(lo * r.uniform(1.12, 1.4), step)
    if r.random() < 0.07:
        hi = None  # "from X" / "$120,000+"
    return Pay(lo, hi, currency, period, _pay_text(r, lo, hi, currency, period, lang))


def _pay_text(r: random.Random, lo: int, hi: int | None, currency: str, period: str,
              lang: str) -> str:
    def space(n: int) -> str:
        return f"{n:,}".replace(",", " ")

    def dot(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    if lang == "ro" or currency in ("MDL", "PLN"):
        if hi is None:
            return f"de la {space(lo)} {currency}"
        return f"{space(lo)} - {space(hi)} {currency}" + (" brutto/mies." if currency == "PLN" else "")
    if lang == "de":
        unit = {"year": "brutto/Jahr", "month": "brutto/Monat", "hour": "pro Stunde"}[period]
        if hi is None:
            return f"ab {dot(lo)} € {unit}"
        return r.choice((f"{dot(lo)} € - {dot(hi)} € {unit}", f"{dot(lo)},00 € – {dot(hi)},00 €"))
    symbol = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "AUD": "A$", "INR": "₹"}[currency]
    per = {"year": r.choice(("per year", "per annum", "annually")), "month": "per month",
           "hour": r.choice(("per hour", "/hr", "an hour"))}[period]
    if hi is None:
        return f"{symbol}{lo:,}+ {per}"
    if currency == "INR" and period == "year":
        return r.choice((f"₹{lo // 100_000}-{hi // 100_000} LPA", f"INR {lo:,} - {hi:,} per annum"))
    if currency == "AUD" and r.random() < 0.5:
        # Australian ads write plain "$": a classic trap for parsers that assume USD.
        return f"${lo // 1000}k - ${hi // 1000}k + super"
    if currency == "CAD" and r.random() < 0.5:
        return f"${lo:,} - ${hi:,} CAD"
    if period == "year" and r.random() < 0.35:
        return f"{symbol}{lo // 1000}k–{symbol}{hi // 1000}k"
    return f"{symbol}{lo:,} - {symbol}{hi:,} {per}"


def _place(r: random.Random, company: Company, country: str, workplace: str,
           scope: str | None) -> tuple[tuple[str, str], ...]:
    """Which boards carry a job: the employer's own channel first, then aggregators."""
    boards: list[tuple[str, str]] = []
    if company.ats:
        boards.append((company.ats, company.slug))
    if company.careers and (not company.ats or r.random() < 0.3):
        boards.append(("jsonld", company.slug))
    remote = workplace == "remote"
    eligible: list[tuple[str, float]] = []
    if country == "MD":
        eligible.append(("rabota", 12.0))
    if remote:
        eligible += [("remotive", 3.0), ("rss", 2.5)]
    if country in ("DE", "NL") or (remote and scope == "EU"):
        eligible.append(("arbeitnow", 4.0))
    elif country in catalog.EUROPE and country != "MD":
        eligible.append(("arbeitnow", 1.0))
    if country != "MD":
        eligible.append(("hn", 1.5))
    if not boards:
        boards.append((_weighted(r, eligible), ""))
    extra = 0.0 if len(boards) > 1 else (0.6 if company.ats and country == "MD" else 0.25)
    if r.random() < extra:
        if remote:
            eligible.append(("remoteok", 3.0))  # only ever a second home: it shows ~100 jobs
        choices = [(k, w) for k, w in eligible if all(k != b[0] for b in boards)]
        for _ in range(1 if r.random() < 0.75 else 2):
            if not choices:
                break
            kind = _weighted(r, choices)
            boards.append((kind, ""))
            choices = [(k, w) for k, w in choices if k != kind]
    return tuple((kind, board or kind) for kind, board in boards)


def _weighted(r: random.Random, options: list[tuple[str, float]]) -> str:
    x = r.random() * sum(w for _, w in options)
    for kind, w in options:
        x -= w
        if x < 0:
            return kind
    return options[-1][0]


# -- description text ------------------------------------------------------------------------

_HEADINGS = {
    "en": ("About the role", "What you'll do", "What we're looking for", "What we offer"),
    "de": ("Über die Rolle", "Deine Aufgaben", "Dein Profil", "Wir bieten"),
    "ro": ("Despre noi", "Responsabilități", "Cerințe", "Oferim"),
}


def _describe(job: Job, r: random.Random) -> Content:
    e = html.escape
    name, team, mentions = e(job.company.name), e(job.team), [e(m) for m in job.mentions]
    blurb = catalog.INDUSTRY_BLURBS[COMPANIES.index(job.company) % len(catalog.INDUSTRY_BLURBS)]
    lang = job.lang
    if lang == "de":
        intro = (f"{name} {e(blurb)} – und wir wachsen. Für unser {team}-Team suchen wir "
                 f"ab sofort Verstärkung in {e(job.city)}.",
                 f"Du arbeitest täglich mit {mentions[0]} und {mentions[1]} und gestaltest "
                 f"unsere Produkte aktiv mit.")
        duties = (f"Du entwickelst neue Features mit {mentions[0]}",
                  "Du übernimmst Verantwortung für Qualität, Tests und Code-Reviews",
                  f"Du arbeitest eng mit Product und Design im Team {team} zusammen",
                  "Du verbesserst kontinuierlich unsere Architektur")
        reqs = [e(job.experience_text)] + [
            r.choice(("Sehr gute Kenntnisse in {}", "Praktische Erfahrung mit {}",
                      "Idealerweise Erfahrung mit {}")).format(m) for m in mentions]
        reqs.append("Sehr gute Deutsch- und gute Englischkenntnisse")
        benefits = tuple(r.sample(catalog.BENEFITS_DE, 4))
        closing = [f"Gehalt: {e(job.pay.text)}"] if job.pay_in_text else []
        if r.random() < 0.4:
            closing.append(catalog.EEO_DE)
    elif lang == "ro":
        intro = (f"{name} este o companie de IT în creștere din {e(job.city)}. Căutăm un coleg "
                 f"pentru echipa {team}.",
                 f"Vei lucra cu {mentions[0]} și {mentions[1]} la proiecte pentru clienți din "
                 f"Europa și SUA.")
        duties = (f"Dezvoltarea și mentenanța aplicațiilor folosind {mentions[0]}",
                  "Participarea la code review și la planificarea sprinturilor",
                  "Colaborarea cu echipa de QA și cu clienții",
                  "Documentarea soluțiilor tehnice")
        reqs = [e(job.experience_text)] + [
            r.choice(("Cunoștințe solide de {}", "Experiență practică cu {}",
                      "Constituie avantaj: {}")).format(m) for m in mentions]
        reqs.append("Cunoașterea limbii engleze la nivel intermediar")
        benefits = tuple(r.sample(catalog.BENEFITS_RO, 4))
        closing = [f"Salariu: {e(job.pay.text)}"] if job.pay_in_text else []
    else:
        intro = (f"{name} {e(blurb)}. "
                 f"We're looking for a {e(job.title)} to join our {team} team.",
                 f"You'll work with {mentions[0]} and {mentions[1]} every day, and you'll have "
                 f"a real say in how we build things.")
        duties = (f"Design, build and ship features using {mentions[0]}",
                  "Own your work from idea to production, including monitoring",
                  "Review code and mentor teammates",
                  f"Collaborate with product and design in the {team} team")
        reqs = [e(job.experience_text)] + [
            r.choice(("Solid knowledge of {}", "Hands-on experience with {}",
                      "Strong {} skills", "Familiarity with {} is a plus")).format(m)
            for m in mentions]
        reqs.append("Good written communication in English")
        benefits = tuple(r.sample(catalog.BENEFITS_EN, 4))
        closing = []
        if job.pay_in_text:
            closing.append(r.choice(("The salary range for this role is {}.",
                                     "Salary: {}", "Compensation: {} plus equity."))
                           .format(e(job.pay.text)))
        if r.random() < 0.35:
            closing.append(catalog.EEO_EN.format(company=name))
    if r.random() < 0.1:
        # Boilerplate naming other jobs' skills: text that is not about this job.
        other = ROLES[(ROLES.index(job.role) + 3) % len(ROLES)]
        label = {"en": "Similar jobs", "de": "Ähnliche Jobs", "ro": "Locuri de muncă similare"}[lang]
        closing.append(f"{label}: {e(other.titles[0])} at {name}, {e(other.titles[-1])}")
    return Content(_HEADINGS[lang], intro, duties, tuple(reqs), benefits, tuple(closing))
