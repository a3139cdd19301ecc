"""The /insights/... routes against a small known warehouse: every figure is checked against
the same answer computed here in plain Python over the rows we load (through the real loader)."""
import math
from collections import Counter
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from jobsight.insights import queries
from jobsight.warehouse import load, records
from tests.integration.etl_support import announce_load, reset_warehouse

pytestmark = pytest.mark.integration

TODAY = datetime.now(timezone.utc).date()
# id: title, company, (city, country), skills, (annual_min, annual_max, currency) or None,
#     experience, workplace, remote, status, first seen (days ago)
JOBS = {
    1: ("Senior Python Developer", "Acme", ("Berlin", "DE"), ["Python", "Django", "PostgreSQL"],
        (60000, 80000, "EUR"), 5, "hybrid", False, "open", 1),
    2: ("Python Developer", "Globex", ("Berlin", "DE"), ["Python", "Flask"], (40000, None, "EUR"), 2,
        "remote", True, "open", 3),
    3: ("Python Developer", "Acme", ("Munich", "DE"), ["Python", "Django", "Docker"], (90000, 110000, "USD"), 3,
        "onsite", False, "open", 9),
    4: ("Lead Python Developer", "Initech", ("Paris", "FR"), ["Python", "Kubernetes", "AWS"],
        (None, 100000, "EUR"), 8, "remote", True, "open", 15),
    5: ("Python Developer - Backend", "Acme", ("Berlin", "DE"), ["Python", "PostgreSQL"], None, None, None, None,
        "open", 20),
    6: ("Junior Python Developer", "Hooli", ("Berlin", "DE"), ["Python"], (30000, 36000, "EUR"), 0.5, None, True,
        "open", 40),
    7: ("Python Developer", "Globex", ("Paris", "FR"), ["Python", "Django"], (10000, 10000, "EUR"), 10, "onsite",
        False, "closed", 30),
    8: ("Java Developer", "Umbrella", ("Berlin", "DE"), ["Java", "Spring", "PostgreSQL"], (50000, 70000, "EUR"),
        None, "onsite", False, "open", 2),
    9: ("Data Engineer", "Initech", ("Munich", "DE"), ["Python", "AWS", "Docker"], (70000, 90000, "EUR"), 4,
        "hybrid", False, "open", 8),
    10: ("Frontend Engineer", "Umbrella", ("Paris", "FR"), ["React", "TypeScript"], (45000, 55000, "EUR"), 1,
         "remote", True, "open", 100),
    11: ("DevOps Engineer", "Acme", ("Berlin", "DE"), ["Kubernetes", "Docker", "AWS"], (80000, 120000, "USD"), 7,
         "hybrid", False, "open", 50),
    12: ("Go Engineer", "Hooli", (None, None), ["Go", "Kubernetes", "PostgreSQL"], (65000, 75000, "EUR"), 3.5,
         "remote", True, "open", 0),
}
# Titles the shared matcher selects for "python developer" (typos and word order tolerated,
# "Java Developer" / "... Engineer" not): written down by hand, not computed by the matcher.
PYTHON_DEVELOPER = {1, 2, 3, 4, 5, 6, 7}


def first_seen(job_id: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=JOBS[job_id][9]), time(0, 0), tzinfo=timezone.utc)


def stage(job_id: int) -> dict:
    title, company, (city, country), skills, salary, exp, workplace, remote, status, _ = JOBS[job_id]
    lo, hi, cur = salary or (None, None, None)
    seen = first_seen(job_id)
    return records.stage_row({
        "job_id": job_id, "version": 1, "status": status, "title": title, "company": company,
        "location": f"{city}, {country}" if city else None, "city": city, "country": country,
        "workplace": workplace, "remote": remote, "skills": skills, "experience_years": exp,
        "salary": None if salary is None else {"annual_min": lo, "annual_max": hi, "annual_currency": cur},
        "first_seen": seen.isoformat(), "date_posted": seen.isoformat(), "last_seen": seen.isoformat(),
        "closed_at": (seen + timedelta(hours=1)).isoformat() if status == "closed" else None})


@pytest.fixture(scope="module")
def seeded(engines, config, rpc):
    # jobs_db holds the same jobs at the same version, so etl's catch-up changes nothing.
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
        for job_id, (title, company, (city, country), skills, *_rest, status, _) in JOBS.items():
            conn.execute(text(
                "INSERT INTO jobs (id, title, company, company_key, location, description, date_posted, skills, "
                "status, version) VALUES (:id, :t, :c, lower(:c), :l, :d, :p, :s, :st, 1)"),
                {"id": job_id, "t": title, "c": company, "l": f"{city}, {country}" if city else None,
                 "d": title, "s": skills, "st": status, "p": first_seen(job_id)})
    reset_warehouse(engines["warehouse"])
    with engines["warehouse"].begin() as conn:
        load.load_jobs(conn, [stage(job_id) for job_id in JOBS])
    version = announce_load(engines["warehouse"], config, rpc)  # fresh cache keys for what we loaded
    yield version
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
    reset_warehouse(engines["warehouse"])


# -- the independent computation ------------------------------------------------------------

def open_jobs(keywords=None, skill=None, city=None, country=None) -> list[int]:
    found = []
    for job_id, (title, company, (job_city, job_country), skills, *_rest, status, _) in JOBS.items():
        if status != "open" or (keywords and job_id not in PYTHON_DEVELOPER) or (skill and skill not in skills):
            continue
        if (city and job_city != city) or (country and job_country != country):
            continue
        found.append(job_id)
    return found


def percentile_cont(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def share(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def expected_salary(filters: dict, **match) -> dict:
    jobs = open_jobs(**match)
    midpoints = []
    for job_id in jobs:
        salary = JOBS[job_id][4]
        if salary and salary[2] == "EUR":
            lo, hi, _ = salary
            midpoints.append((lo + hi) / 2 if lo is not None and hi is not None else lo if lo is not None else hi)
    return {"filters": filters, "currency": "EUR", "open_jobs": len(jobs), "sample_size": len(midpoints),
            "disclosure_share": share(len(midpoints), len(jobs)),
            "percentiles": {name: round(percentile_cont(midpoints, q), 2) if midpoints else None
                            for name, q in (("p25", .25), ("p50", .5), ("p75", .75), ("p90", .9))}}


def expected_trend(skill: str, weeks: int) -> dict:
    this_monday = TODAY - timedelta(days=TODAY.weekday())
    mondays = [this_monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    counts = Counter()
    for job_id, job in JOBS.items():
        seen = first_seen(job_id).date()
        monday = seen - timedelta(days=seen.weekday())
        if skill in job[3] and monday in mondays:
            counts[monday] += 1
    series = [{"week": m.isoformat(), "new_jobs": counts[m]} for m in mondays]
    return {"skill": skill, "weeks": series, "sample_size": sum(counts.values())}


def expected_co_skills(keywords: str, limit: int) -> dict:
    jobs = open_jobs(keywords=True)
    counts = Counter(skill for job_id in jobs for skill in JOBS[job_id][3])
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return {"keywords": keywords, "sample_size": len(jobs),
            "skills": [{"skill": s, "jobs": n, "share": share(n, len(jobs))} for s, n in ranked]}


def bucket(years) -> str:
    if years is None:
        return "unstated"
    for label, low, high in (("0", -1e9, 1), ("1", 1, 2), ("2", 2, 3), ("3-4", 3, 5), ("5-7", 5, 8)):
        if low <= years < high:
            return label
    return "8+"


def expected_experience(keywords=None) -> dict:
    jobs = open_jobs(keywords=keywords)
    counts = Counter(bucket(JOBS[job_id][5]) for job_id in jobs)
    labels = ["0", "1", "2", "3-4", "5-7", "8+", "unstated"]
    return {"keywords": keywords, "sample_size": len(jobs), "stated": len(jobs) - counts["unstated"],
            "buckets": [{"years": label, "jobs": counts[label], "share": share(counts[label], len(jobs))}
                        for label in labels]}


def expected_remote(keywords=None) -> dict:
    jobs = open_jobs(keywords=keywords)

    def place(job_id):
        workplace, remote = JOBS[job_id][6], JOBS[job_id][7]
        return workplace or ("remote" if remote else "unknown")
    counts = Counter(place(job_id) for job_id in jobs)
    return {"keywords": keywords, "sample_size": len(jobs),
            "workplaces": {w: {"jobs": counts[w], "share": share(counts[w], len(jobs))}
                           for w in ("remote", "hybrid", "onsite", "unknown")}}


def expected_companies(limit: int, keywords=None, skill=None) -> dict:
    jobs = open_jobs(keywords=keywords, skill=skill)
    counts = Counter(JOBS[job_id][1] for job_id in jobs)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return {"keywords": keywords, "skill": skill, "sample_size": len(jobs),
            "companies": [{"company": c, "open_jobs": n, "share": share(n, len(jobs))} for c, n in ranked]}


def answer(http, url, params=None) -> dict:
    response = http.get(url, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def without_version(body: dict, seeded_version: int) -> dict:
    version = body.pop("warehouse_version")
    assert isinstance(version, int) and version >= seeded_version
    return body


# -- the routes -------------------------------------------------------------------------------

@pytest.mark.parametrize("params, filters, match", [
    ({"skill": "Python"}, {"skill": "Python"}, {"skill": "Python"}),
    ({"skill": "k8s"}, {"skill": "Kubernetes"}, {"skill": "Kubernetes"}),
    ({"title": "Python  Developer"}, {"title": "python developer"}, {"keywords": True}),
    ({"location": "Berlin"}, {"city": "Berlin", "country": "DE"}, {"city": "Berlin", "country": "DE"}),
    ({"location": "France"}, {"country": "FR"}, {"country": "FR"}),
    ({"skill": "Python", "location": "DE"}, {"skill": "Python", "country": "DE"}, {"skill": "Python", "country": "DE"}),
    ({"skill": "COBOL"}, {"skill": "COBOL"}, {"skill": "COBOL"}),  # known skill, no jobs: empty answer
])
def test_salary_percentiles(http, gateway, seeded, params, filters, match):
    body = without_version(answer(http, f"{gateway}/insights/salary", params), seeded)
    assert body == expected_salary(filters, **match)


def test_salary_for_python_in_numbers(http, gateway, seeded):
    # Written out once, so the independent computation is itself checked: EUR midpoints of open
    # Python jobs are 33000, 40000, 70000, 80000, 100000 (USD job 3 and salary-less job 5 left out).
    body = answer(http, f"{gateway}/insights/salary", {"skill": "python"})
    assert body["percentiles"] == {"p25": 40000.0, "p50": 70000.0, "p75": 80000.0, "p90": 92000.0}
    assert (body["sample_size"], body["open_jobs"], body["disclosure_share"]) == (5, 7, 0.7143)


@pytest.mark.parametrize("skill, weeks", [("Python", None), ("Python", 1), ("Kubernetes", 20), ("COBOL", 3)])
def test_skill_trend(http, gateway, seeded, skill, weeks):
    params = {"weeks": weeks} if weeks else None
    body = without_version(answer(http, f"{gateway}/insights/skills/{skill}/trend", params), seeded)
    assert body == expected_trend(skill, weeks or 12)


@pytest.mark.parametrize("limit", [None, 3])
def test_co_skills(http, gateway, seeded, limit):
    params = {"keywords": "pyhton developer", **({"limit": limit} if limit else {})}
    body = without_version(answer(http, f"{gateway}/insights/co-skills", params), seeded)
    assert body == expected_co_skills("pyhton developer", limit or 20)  # typos tolerated


@pytest.mark.parametrize("keywords", [None, "python developer"])
def test_experience_distribution(http, gateway, seeded, keywords):
    params = {"keywords": keywords} if keywords else None
    body = without_version(answer(http, f"{gateway}/insights/experience", params), seeded)
    assert body == expected_experience(keywords)


@pytest.mark.parametrize("keywords", [None, "python developer"])
def test_remote_share(http, gateway, seeded, keywords):
    params = {"keywords": keywords} if keywords else None
    body = without_version(answer(http, f"{gateway}/insights/remote-share", params), seeded)
    assert body == expected_remote(keywords)


@pytest.mark.parametrize("params, limit, keywords, skill", [
    ({}, 10, None, None),
    ({"limit": 2}, 2, None, None),
    ({"keywords": "python developer"}, 10, "python developer", None),
    ({"skill": "kubernetes"}, 10, None, "Kubernetes"),
    ({"keywords": "python developer", "skill": "Django"}, 10, "python developer", "Django"),
])
def test_top_companies(http, gateway, seeded, params, limit, keywords, skill):
    body = without_version(answer(http, f"{gateway}/insights/companies", params), seeded)
    assert body == expected_companies(limit, keywords, skill)


def test_keywords_matching_nothing_answer_an_empty_result(http, gateway, seeded):
    body = answer(http, f"{gateway}/insights/companies", {"keywords": "underwater basket weaving"})
    assert (body["companies"], body["sample_size"]) == ([], 0)
    body = answer(http, f"{gateway}/insights/co-skills", {"keywords": "underwater basket weaving"})
    assert (body["skills"], body["sample_size"]) == ([], 0)
    body = answer(http, f"{gateway}/insights/remote-share", {"keywords": "underwater basket weaving"})
    assert body["sample_size"] == 0 and body["workplaces"]["remote"] == {"jobs": 0, "share": None}


def test_cached_answers_equal_uncached_ones(http, gateway, seeded, engines):
    """Asked twice (the second from the cache when the ring runs) and computed straight from
    the warehouse, with no cache: the same numbers."""
    with Session(engines["warehouse"]) as session:
        direct = {
            "/insights/salary?skill=Python": queries.salary_percentiles(session, skill="Python"),
            "/insights/salary": queries.salary_percentiles(session),
            "/insights/skills/Python/trend": queries.skill_trend(session, "Python", 12, TODAY),
            "/insights/co-skills?keywords=python+developer": queries.co_skills(session, "python developer"),
            "/insights/experience": queries.experience_distribution(session),
            "/insights/remote-share?keywords=python+developer": queries.remote_share(session, "python developer"),
            "/insights/companies?skill=Python&limit=3": queries.top_companies(session, None, "Python", 3),
        }
    for path, computed in direct.items():
        first = without_version(answer(http, gateway + path), seeded)
        second = without_version(answer(http, gateway + path), seeded)
        assert first == second == without_version(computed, seeded), path


@pytest.mark.parametrize("path", [
    "/insights/salary?skill=" + "x" * 300,
    "/insights/salary?title=!!!",
    "/insights/salary?location=%20",
    "/insights/salary?location=Atlantis%20Deep%20Sea%20Base%20Number%20Nine%20" + "x" * 100,
    "/insights/salary?skill=Python&colour=blue",          # unknown parameter
    "/insights/skills/Python/trend?weeks=0",
    "/insights/skills/Python/trend?weeks=105",
    "/insights/skills/Python/trend?weeks=twelve",
    "/insights/co-skills",
    "/insights/co-skills?keywords=%20%20",
    "/insights/co-skills?keywords=python&limit=0",
    "/insights/co-skills?keywords=python&limit=101",
    "/insights/co-skills?keywords=" + "python%20" * 40,
    "/insights/experience?keywords=",
    "/insights/experience?keywords=***",
    "/insights/remote-share?keywords=%3F%3F%3F",
    "/insights/companies?limit=1000",
    "/insights/companies?limit=-1",
    "/insights/companies?page=2",
])
def test_bad_input_is_400_with_a_message(http, gateway, path):
    response = http.get(gateway + path)
    assert response.status_code == 400, (path, response.status_code, response.text)
    assert response.json()["msg"] and response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("path, code", [
    ("/insights/salary?skill=pyton", "unknown_skill"),
    ("/insights/skills/pyton/trend", "unknown_skill"),
    ("/insights/companies?skill=notaskill", "unknown_skill"),
    ("/insights/salary?location=worldwide", "unknown_place"),
])
def test_a_skill_or_place_nobody_knows_is_404_naming_it(http, gateway, path, code):
    response = http.get(gateway + path)
    assert response.status_code == 404, (path, response.status_code, response.text)
    assert response.json()["code"] == code
    assert ("pyton" in response.json()["msg"] or "notaskill" in response.json()["msg"]
            or "worldwide" in response.json()["msg"])


def test_salary_without_a_filter_covers_every_open_job(http, gateway, seeded):
    everything = answer(http, gateway + "/insights/salary")
    assert everything["filters"] == {}
    python = answer(http, gateway + "/insights/salary?skill=Python")
    assert everything["open_jobs"] > python["open_jobs"] > 0


def test_the_gateway_answers_repeats_from_the_cache_and_never_across_a_load(http, gateway, seeded, engines, rpc,
                                                                           config):
    """(Last in this module: it loads one more job.) The second asking is a hit the gateway
    answers itself; after a load, the same question is a new key, answered afresh."""
    path = f"{gateway}/insights/remote-share?keywords=python+developer"
    first = answer(http, path)
    hits = rpc.gateway.cache_stats()["hits"]
    assert answer(http, path) == first
    assert rpc.gateway.cache_stats()["hits"] == hits + 1
    extra = {**stage(2), "job_id": 99, "workplace": "remote", "remote": True}
    with engines["warehouse"].begin() as conn:
        load.load_jobs(conn, [extra])
    events = rpc.gateway.cache_stats()["warehouse_version"]["events"]
    announce_load(engines["warehouse"], config, rpc)
    assert rpc.gateway.cache_stats()["warehouse_version"]["events"] > events  # told by the event
    after = answer(http, path)
    assert after["warehouse_version"] > first["warehouse_version"]
    assert after["sample_size"] == first["sample_size"] + 1
    assert after["workplaces"]["remote"]["jobs"] == first["workplaces"]["remote"]["jobs"] + 1
