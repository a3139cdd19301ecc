"""The keyword matcher as each database runs it (jobsight.textmatch_sql) agrees with its Python
definition (jobsight.textmatch), and search, insights and saved-search alerts select the same
titles for the same keywords, meeting the relevance aim on the demo world."""
import random
import string

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jobsight import dedup, search, textmatch
from jobsight.db.jobs import JobTitle
from jobsight.demo import DemoWorld
from jobsight.events import JobPayload
from jobsight.insights import queries as insight_queries
from jobsight.notifications import SavedSearches, Subscribers, SearchSpec
from jobsight.validate import normalize_keywords
from jobsight.warehouse import load, records
from tests.integration.etl_support import reset_warehouse
from tests.quality.relevance import PAGE, load_queries, score

pytestmark = pytest.mark.integration

AIM = 0.95
TRICKY = ["Sr. Node.js/React Developer", "C#/.NET-Entwickler (w/m/d)", "Programatori Java", "Ingineri Software",
          "Entwicklerin Frontend", "Softwareentwicklerinnen", "Full-Stack-Entwickler:in", "Head of Data & AI",
          "UX/UI Designer — Berlin", "ȘEF DE ECHIPĂ Straße Ærø", "Technologies Analyst", "...NET dev", "+++", "",
          "Machine Learning / ML Ops", "Dev-Ops Engineer", "Site Reliability Engineering Manager", "SRE",
          "e-Commerce Manager", "İstanbul Sales", "Systemadministratorin Linux", "Datenanalystin", "Boxes",
          "IT-Sicherheitsberater", "Vertriebsleiter DACH", "Contabili", "C++/Qt Developer", "#1 Developer!",
          "Berlin: Python, Go", "Analiști de Date Științifice, Köln", "k8s admin", "ML engineer, search"]


@pytest.fixture(scope="module")
def world_jobs():
    world = DemoWorld(seed=42, count=3000, day=0)
    return {job.index + 1: job for job in world if job.is_open(world.day)}


def corpus(world_jobs) -> list[str]:
    rng = random.Random(3)
    noise = ["".join(rng.choice(string.ascii_letters + "äöüșțăéß.-+# /:,()") for _ in range(rng.randint(1, 30)))
             for _ in range(200)]
    return sorted({job.title for job in world_jobs.values()}) + TRICKY + noise


@pytest.mark.parametrize("database", ["jobs", "warehouse", "users"])
def test_every_database_computes_a_titles_words_and_terms_as_python_does(engines, world_jobs, database):
    titles = corpus(world_jobs)
    with engines[database].connect() as conn:
        rows = conn.execute(text(
            "SELECT t, public.textmatch_words(t), public.textmatch_terms(t), public.textmatch_words(lower(t)), "
            "public.textmatch_terms(lower(t)) FROM unnest(CAST(:titles AS text[])) AS t"), {"titles": titles}).all()
    for title, words, terms, lowered_words, lowered_terms in rows:
        assert words == lowered_words == textmatch.words(title), title
        assert set(terms) == set(lowered_terms) == textmatch.title_terms(title), title


@pytest.mark.parametrize("database", ["jobs", "warehouse", "users"])
def test_every_database_counts_typos_as_python_does(engines, database):
    rng = random.Random(9)
    pairs = []
    for _ in range(3000):
        word = "".join(rng.choice("abcdeo") for _ in range(rng.randint(1, 10)))
        other = list(word)
        for _ in range(rng.randint(0, 3)):
            i = rng.randrange(len(other) + 1)
            # insert, delete, swap two neighbours, replace
            other[i:i + 2] = rng.choice(([rng.choice("abcdeo")] + other[i:i + 2], other[i + 1:i + 2],
                                         other[i:i + 2][::-1], [rng.choice("abcdeo")] + other[i + 1:i + 2]))
        pairs.append((word, "".join(other), textmatch.max_typos(word)))
    with engines[database].connect() as conn:
        close = conn.execute(text(
            "SELECT public.textmatch_close(a, b, k) FROM unnest(CAST(:a AS text[]), CAST(:b AS text[]), "
            "CAST(:k AS int[])) WITH ORDINALITY AS t(a, b, k, n) ORDER BY n"),
            {"a": [a for a, _, _ in pairs], "b": [b for _, b, _ in pairs], "k": [k for _, _, k in pairs]}).scalars().all()
    expected = [textmatch.typos(a, b, k) is not None for a, b, k in pairs]
    assert close == expected
    assert 300 < sum(expected) < 2700  # both outcomes well represented


@pytest.fixture(scope="module")
def demo_jobs(engines, world_jobs):
    """The demo world's open jobs in jobs_db and, through the real loader, in the warehouse."""
    with engines["jobs"].begin() as conn:
        # job_titles too: distinct titles other modules' jobs left would count as matches here.
        conn.execute(text("TRUNCATE jobs, job_sources, job_titles CASCADE"))
        conn.execute(text(
            "INSERT INTO jobs (id, title, company, company_key, location, country, workplace, description, "
            "date_posted, skills, status, version) VALUES (:id, :title, :company, :key, :location, :country, "
            ":workplace, :description, :posted, :skills, 'open', 1)"),
            [{"id": job_id, "title": job.title, "company": job.company.name, "key": dedup.company_key(job.company.name),
              "location": job.location, "country": job.country, "workplace": job.workplace,
              "description": job.title, "posted": job.posted_at, "skills": list(job.skills)}
             for job_id, job in world_jobs.items()])
    reset_warehouse(engines["warehouse"])
    with engines["warehouse"].begin() as conn:
        load.load_jobs(conn, [records.stage_row({
            "job_id": job_id, "version": 1, "status": "open", "title": job.title, "company": job.company.name,
            "location": job.location, "city": job.city, "country": job.country, "workplace": job.workplace,
            "remote": job.remote, "skills": list(job.skills), "experience_years": job.experience_years,
            "salary": None, "first_seen": job.posted_at.isoformat(), "date_posted": job.posted_at.isoformat(),
            "last_seen": job.posted_at.isoformat(), "closed_at": None}) for job_id, job in world_jobs.items()])
    yield
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources CASCADE"))
    reset_warehouse(engines["warehouse"])


def test_search_meets_the_relevance_aim_in_sql(engines, demo_jobs, world_jobs):
    labelled = load_queries()
    judged = {q.q: {i for i, job in world_jobs.items() if q.judge(job.title, job.role.teams)} for q in labelled}
    with Session(engines["jobs"]) as session:
        found = {q.q: [job["job_id"] for job in search.find_jobs(session, q.q, limit=PAGE)] for q in labelled}
        chosen = {}
        for q in labelled:
            titles = search.matched_titles(normalize_keywords(q.q))
            names = set(session.scalars(select(JobTitle.name).join(titles, titles.c.id == JobTitle.id)))
            chosen[q.q] = {i for i, job in world_jobs.items() if job.title.lower() in names}
    figures = score(labelled, lambda q: judged[q.q], lambda q: found[q.q], lambda q: chosen[q.q])
    worst = "\n".join(map(str, figures.worst()))
    assert figures.precision_at_20 >= AIM and figures.recall >= AIM, worst


def test_search_and_insights_select_the_same_titles_as_the_python_rule(engines, demo_jobs, world_jobs):
    names = {job.title.lower() for job in world_jobs.values()}
    with Session(engines["jobs"]) as jobs, Session(engines["warehouse"]) as warehouse:
        from jobsight.db.warehouse import DimTitle

        for q in load_queries():
            keywords = normalize_keywords(q.q)
            titles = search.matched_titles(keywords)
            searched = set(jobs.scalars(select(JobTitle.name).join(titles, titles.c.id == JobTitle.id)))
            insighted = set(warehouse.scalars(select(DimTitle.name).where(
                DimTitle.title_key.in_(insight_queries.matched_titles(keywords)))))
            defined = {name for name in names if textmatch.matches(keywords, name)}
            assert searched == insighted == defined, q.q


def test_find_jobs_orders_titles_as_the_python_rank(engines, demo_jobs, world_jobs):
    with Session(engines["jobs"]) as session:
        for q in ("python developer", "sre", "pyhton developer", "product manager", "frontend enginer"):
            query = textmatch.keywords(normalize_keywords(q))
            ranks = [textmatch.rank(query, job["title"]) for job in search.find_jobs(session, q, limit=100)]
            assert ranks == sorted(ranks) and None not in ranks, q


def test_saved_searches_fire_for_exactly_the_titles_the_rule_matches(users_session, world_jobs):
    session = users_session
    searches = SavedSearches(session)
    wanted = {}
    labelled = load_queries()
    for n in range(0, len(labelled), 40):  # a user keeps at most 50
        user_id = session.scalar(text("INSERT INTO users (name, email, password_hash) VALUES ('Rel', :e, 'x') "
                                      "RETURNING id"), {"e": f"textmatch-rule-{n}@example.com"})
        for q in labelled[n:n + 40]:
            saved = searches.add(user_id, SearchSpec(normalize_keywords(q.q)))
            wanted[saved["id"]] = textmatch.keywords(saved["keywords"])
    titles = sorted({job.title for job in world_jobs.values()})[::3] + TRICKY
    subscribers = Subscribers(session)
    try:
        for title in titles:
            job = JobPayload(job_id=1, version=1, status="open", title=title, company="Acme")
            fired = {reason["search_id"] for reasons in subscribers.matching(job).values() for reason in reasons
                     if reason["type"] == "search" and reason["search_id"] in wanted}
            expected = {search_id for search_id, query in wanted.items() if textmatch.tier(query, title) is not None}
            assert fired == expected, title
    finally:
        session.rollback()
