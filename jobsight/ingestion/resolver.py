"""The resolve stage: which canonical job each posting of a batch is a sighting of.

A posting already observed on its source keeps its job. Any other is linked, in this order,
by requisition id within the company, by normalized URL, then by ``jobsight.dedup.same_job``
over the company's open jobs that share its title or a SimHash band (index lookups, so the
cost does not grow with how many other jobs a company has open). Postings of the same batch
can be one job too: the first becomes a new job and the later ones join it. Reads only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import false, select, tuple_
from sqlalchemy.orm import Session

from jobsight import dedup
from jobsight.db.jobs import Job, JobSource
from jobsight.dedup import PostingKeys
from jobsight.posting import Posting


@dataclass(eq=False)
class NewJob:
    """A job this batch creates (it has no id until the store stage flushes it)."""

    company_key: str
    title_key: str
    simhash: int | None
    country: str | None
    city: str | None = None
    skills: tuple[str, ...] = ()
    annual: float | None = None
    experience_years: float | None = None
    id: None = None

    @classmethod
    def of(cls, posting: Posting, keys: PostingKeys) -> "NewJob":
        return cls(keys.company, keys.title, keys.simhash, posting.country, posting.city, tuple(posting.skills),
                   _annual(posting.salary), posting.experience_years)


def _annual(salary) -> float | None:
    """The top of a pay in the base currency (what ``dedup.same_job`` compares)."""
    if salary is None or salary.annual_currency is None:
        return None
    return salary.annual_max if salary.annual_max is not None else salary.annual_min


@dataclass
class Resolution:
    """One posting and where it goes: its existing observation, an existing job, or a new job
    (``new`` is shared by every posting of the batch that is the same new job)."""

    posting: Posting
    keys: PostingKeys
    observation: JobSource | None = None
    job: Job | None = None
    new: NewJob | None = None
    first_of_new: bool = False


def with_keys(postings: list[Posting]) -> list[tuple[Posting, PostingKeys]]:
    """A batch's postings (the last of a repeated source id wins) with their dedup keys."""
    return [(p, PostingKeys.of(p)) for p in {p.source_id: p for p in postings}.values()]


def resolve(session: Session, source_name: str, keyed: list[tuple[Posting, PostingKeys]]) -> list[Resolution]:
    """One resolution per posting of ``with_keys``, in batch order."""
    postings = [p for p, _ in keyed]
    observed = {
        obs.source_id: obs for obs in session.scalars(
            select(JobSource).where(JobSource.source_name == source_name,
                                    JobSource.source_id.in_([p.source_id for p in postings])))
    } if postings else {}
    jobs = {job.id: job for job in session.scalars(
        select(Job).where(Job.id.in_({obs.job_id for obs in observed.values()})))} if observed else {}
    index = _Index(session, [(p, k) for p, k in keyed if p.source_id not in observed])
    resolutions = []
    for posting, keys in keyed:
        obs = observed.get(posting.source_id)
        if obs is not None:
            resolutions.append(Resolution(posting, keys, observation=obs, job=jobs[obs.job_id]))
            index.merged(jobs[obs.job_id], posting)
            continue
        found = index.find(posting, keys, source_name)
        if found is None:
            found = NewJob.of(posting, keys)
            index.add(found)
            resolution = Resolution(posting, keys, new=found, first_of_new=True)
        elif isinstance(found, NewJob):
            index.merged(found, posting)
            resolution = Resolution(posting, keys, new=found)
        else:
            index.merged(found, posting)
            resolution = Resolution(posting, keys, job=found)
        index.observed(found, source_name, posting.requisition_id, keys.url)
        resolutions.append(resolution)
    return resolutions


@dataclass
class _Index:
    """The candidates of a batch's unseen postings, loaded with a few batched queries."""

    session: Session
    postings: list[tuple[Posting, PostingKeys]]
    by_requisition: dict = field(default_factory=dict)  # (company key, requisition) -> job
    by_url: dict = field(default_factory=dict)          # url key -> job
    seen_on: dict = field(default_factory=dict)         # job -> (source names, requisition ids)
    by_company: dict = field(default_factory=dict)      # company key -> [job, ...]
    country: dict = field(default_factory=dict)         # job -> the country a merge in this batch gives it
    city: dict = field(default_factory=dict)            # job -> the city a merge in this batch gives it

    def __post_init__(self):
        if not self.postings:
            return
        requisitions = {p.requisition_id for p, _ in self.postings if p.requisition_id}
        urls = {k.url for _, k in self.postings}
        companies = sorted({k.company for _, k in self.postings})
        pairs = sorted({(k.company, k.title) for _, k in self.postings})
        bands = sorted({b for _, k in self.postings for b in (k.bands or ())})
        rows = []
        if requisitions:
            rows += self.session.execute(select(JobSource.requisition_id, JobSource.url_key, Job).join(
                Job, Job.id == JobSource.job_id).where(JobSource.requisition_id.in_(requisitions),
                                                      Job.company_key.in_(companies))).all()
        rows += self.session.execute(select(JobSource.requisition_id, JobSource.url_key, Job).join(
            Job, Job.id == JobSource.job_id).where(JobSource.url_key.in_(urls))).all()
        for requisition, url_key, job in rows:
            if requisition:
                self.by_requisition.setdefault((job.company_key, requisition), job)
            self.by_url.setdefault(url_key, job)
        near = Job.simhash_bands.overlap(bands) if bands else false()
        open_jobs = self.session.scalars(select(Job).where(
            Job.status == "open", tuple_(Job.company_key, Job.title_key).in_(pairs) | near)).all()
        by_id = {job.id: job for job in open_jobs}
        for job in open_jobs:
            self.add(job)
        if open_jobs:
            for job_id, source_name, requisition in self.session.execute(
                    select(JobSource.job_id, JobSource.source_name, JobSource.requisition_id)
                    .where(JobSource.job_id.in_(list(by_id)))):
                self._note(by_id[job_id], source_name, requisition)

    def add(self, job) -> None:
        if job not in self.seen_on:
            self.seen_on[job] = (set(), set())
            self.by_company.setdefault(job.company_key, []).append(job)

    def _note(self, job, source_name: str, requisition: str | None) -> None:
        self.seen_on[job][0].add(source_name)
        if requisition:
            self.seen_on[job][1].add(requisition)

    def _candidate(self, number: int, job) -> dedup.Candidate:
        sources, requisitions = self.seen_on[job]
        if isinstance(job, NewJob):
            title, annual = job.title_key, job.annual
        else:
            title = dedup.title_key(job.title)
            annual = (job.annual_max if job.annual_max is not None else job.annual_min) if job.annual_currency else None
        return dedup.Candidate(number, job.company_key, title, job.simhash, self.country.get(job, job.country),
                               frozenset(sources), frozenset(requisitions), city=self.city.get(job, job.city),
                               skills=frozenset(job.skills or ()), annual=annual, experience=job.experience_years)

    def merged(self, job, posting: Posting) -> None:
        """The store stage fills a job's missing country and city from a posting merged into it;
        later postings of the batch must compare against the job as it will be."""
        if self.country.get(job, job.country) is None and posting.country is not None:
            self.country[job] = posting.country
        if self.city.get(job, job.city) is None and posting.city is not None:
            self.city[job] = posting.city

    def find(self, posting: Posting, keys: PostingKeys, source_name: str):
        if posting.requisition_id and (keys.company, posting.requisition_id) in self.by_requisition:
            return self.by_requisition[(keys.company, posting.requisition_id)]
        if keys.url in self.by_url:
            return self.by_url[keys.url]
        jobs = self.by_company.get(keys.company)
        if not jobs:
            return None
        found = dedup.same_job(posting.title, keys.simhash, keys.company, posting.country, source_name,
                               posting.requisition_id, [self._candidate(n, job) for n, job in enumerate(jobs)],
                               city=posting.city, skills=frozenset(posting.skills), annual=_annual(posting.salary),
                               experience=posting.experience_years)
        return None if found is None else jobs[found]

    def observed(self, job, source_name: str, requisition: str | None, url_key: str) -> None:
        """Remember that ``job`` is now seen on this source, so later postings of the batch see it."""
        self.add(job)
        self._note(job, source_name, requisition)
        if requisition:
            self.by_requisition.setdefault((job.company_key, requisition), job)
        self.by_url.setdefault(url_key, job)
