"""The keyword matcher against the labelled relevance set (tests/data/relevance.yml) on the demo
world: the quality aim as a threshold. The SQL the databases run is held to the same figures by
tests/integration/test_textmatch_sql.py; ``bench/relevance.py`` prints them per query."""
import pytest

from jobsight import textmatch
from jobsight.demo import DemoWorld
from jobsight.validate import normalize_keywords
from tests.quality.relevance import PAGE, base_title, load_queries, score, titles_of

AIM = 0.95


@pytest.fixture(scope="module")
def world_jobs():
    world = DemoWorld(seed=42, count=3000, day=0)
    return {job.index + 1: job for job in world if job.is_open(world.day)}


@pytest.fixture(scope="module")
def queries():
    return load_queries()


@pytest.fixture(scope="module")
def figures(world_jobs, queries):
    # Once per distinct title, as the databases match: the jobs follow their title.
    by_title: dict[str, list[int]] = {}
    for job_id, job in world_jobs.items():
        by_title.setdefault(job.title, []).append(job_id)
    ranked, selected = {}, {}
    for query in queries:
        keywords = textmatch.keywords(normalize_keywords(query.q))
        ranks = {title: textmatch.rank(keywords, title) for title in by_title}
        order = sorted((job_id for title, rank in ranks.items() if rank is not None for job_id in by_title[title]),
                       key=lambda job_id: (ranks[world_jobs[job_id].title], -world_jobs[job_id].posted_at.timestamp()))
        ranked[query.q], selected[query.q] = order, set(order)
    judged = {query.q: {job_id for job_id, job in world_jobs.items() if query.judge(job.title, job.role.teams)}
              for query in queries}
    return score(queries, lambda q: judged[q.q], lambda q: ranked[q.q], lambda q: selected[q.q]), ranked, selected


def test_the_set_is_large_and_covers_what_the_issue_asks(queries, world_jobs):
    assert len(queries) >= 40
    assert sum(1 for q in queries if not q.relevant) >= 5  # must match nothing
    assert sum(1 for q in queries if any(w in q.q for w in ("entwickler", "programator", "inginer", "date",
                                                            "produkt", "daten", "dezvoltator"))) >= 8
    demo_titles = {base_title(job.title, job.role.teams) for job in world_jobs.values()}
    assert len(titles_of(queries) & demo_titles) >= 60


def test_precision_at_20_and_recall_reach_the_aim(figures):
    result, _, _ = figures
    worst = "\n".join(map(str, result.worst()))
    assert result.precision_at_20 >= AIM, worst
    assert result.recall >= AIM, worst


def test_no_first_page_shows_what_it_must_never_show(figures, queries, world_jobs):
    _, ranked, selected = figures
    for query in queries:
        page = ranked[query.q][:PAGE]
        shown = {world_jobs[job_id].title.removesuffix(" (m/w/d)") for job_id in page}
        shown |= {base_title(world_jobs[job_id].title, world_jobs[job_id].role.teams) for job_id in page}
        assert not shown & set(query.never), (query.q, shown & set(query.never))
        if not query.relevant:
            assert not selected[query.q], (query.q, [world_jobs[job_id].title for job_id in page])
