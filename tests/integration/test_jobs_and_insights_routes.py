"""Job and insight routes answer from what the databases hold (here: rows we put there)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from jobsight.warehouse import load, records
from tests.integration.etl_support import announce_load, reset_warehouse

pytestmark = pytest.mark.integration

JOBS = [
    # title, company, skills, annual_min, annual_max, currency, experience, status
    ("Senior Python Developer", "Acme", ["Python", "Django", "PostgreSQL"], 60000, 80000, "EUR", 5, "open"),
    ("Python Developer", "Globex", ["Python", "Flask"], 40000, None, "EUR", 2, "open"),
    ("Python Engineer (Data)", "Initech", ["Python", "Apache Spark"], 90000, 110000, "USD", 3, "open"),
    ("Java Developer", "Umbrella", ["Java", "Spring", "PostgreSQL"], 50000, 70000, "EUR", None, "open"),
    ("Old Python Developer role", "Hooli", ["Python", "Perl"], 10000, 10000, "EUR", 10, "closed"),
]


@pytest.fixture(scope="module")
def seeded(engines, config, rpc):
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
        for i, (title, company, skills, lo, hi, cur, exp, status) in enumerate(JOBS, start=1):
            conn.execute(text(
                "INSERT INTO jobs (id, title, company, company_key, location, description, date_posted, skills, "
                "status, version) VALUES (:id, :t, :c, lower(:c), 'Berlin, DE', :d, :p, :s, :st, 1)"),
                {"id": i, "t": title, "c": company, "d": f"{title} at {company}", "s": skills, "st": status,
                 "p": datetime(2026, 11, i, tzinfo=timezone.utc)})
    reset_warehouse(engines["warehouse"])
    with engines["warehouse"].begin() as conn:
        load.load_jobs(conn, [records.stage_row({
            "job_id": i, "version": 1, "status": status, "title": title, "company": company,
            "location": "Berlin, DE", "country": "DE", "skills": skills, "experience_years": exp,
            "salary": {"annual_min": lo, "annual_max": hi, "annual_currency": cur},
            "first_seen": datetime(2026, 11, i, tzinfo=timezone.utc).isoformat(),
            "closed_at": datetime(2026, 11, 20, tzinfo=timezone.utc).isoformat() if status == "closed" else None,
        }) for i, (title, company, skills, lo, hi, cur, exp, status) in enumerate(JOBS, start=1)])
    announce_load(engines["warehouse"], config, rpc)
    yield
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs CASCADE"))
    reset_warehouse(engines["warehouse"])


def test_find_jobs_matches_titles_through_typos_and_skips_closed(http, gateway, seeded):
    response = http.get(f"{gateway}/find-jobs", params={"title": "pyhton developer"})
    assert response.status_code == 200
    titles = [job["title"] for job in response.json()]
    assert "Python Developer" in titles and "Senior Python Developer" in titles
    assert "Java Developer" not in titles and "Old Python Developer role" not in titles
    job = response.json()[0]
    assert set(job) >= {"job_id", "title", "company", "location", "description", "date_posted"}


def test_skills_by_demand_for_keywords(http, gateway, seeded):
    response = http.get(f"{gateway}/generate-insight-skills-by-demand/python developer")
    assert response.status_code == 200
    # Open jobs whose title matches "python developer": Senior Python Developer, Python Developer and
    # Python Engineer (Data) ("engineer" and "developer" name one job in a title: jobsight.textmatch).
    assert response.json() == [["Python", 3], ["Apache Spark", 1], ["Django", 1], ["Flask", 1], ["PostgreSQL", 1]]


def test_average_experience_for_keywords(http, gateway, seeded):
    response = http.get(f"{gateway}/generate-insight-average-experience/python developer")
    assert response.json() == {"average_experience": 3.3, "sample_size": 3}  # (5 + 2 + 3) / 3


def test_salary_insights_use_only_the_base_currency(http, gateway, seeded):
    # EUR midpoints of open jobs: 70000 (Acme), 40000 (Globex, min only), 60000 (Umbrella).
    assert http.get(f"{gateway}/average-job-salary").json() == {
        "average_salary": 56666.67, "currency": "EUR", "sample_size": 3}
    assert http.get(f"{gateway}/skills-by-salary").json() == {
        "Django": 70000.0, "PostgreSQL": 65000.0, "Java": 60000.0, "Spring": 60000.0,
        "Python": 55000.0, "Flask": 40000.0}


def test_all_skills_by_demand_counts_open_jobs(http, gateway, seeded):
    assert http.get(f"{gateway}/all-skills-by-demand").json() == {
        "Python": 3, "PostgreSQL": 2, "Apache Spark": 1, "Django": 1, "Flask": 1, "Java": 1, "Spring": 1}


@pytest.mark.parametrize("path", ["/generate-insight-skills-by-demand/%20%20", "/generate-insight-average-experience/!!!",
                                  "/generate-insight-skills-by-demand/" + "x" * 300])
def test_absurd_keywords_are_400(http, gateway, path):
    response = http.get(gateway + path)
    assert response.status_code == 400 and response.json()["msg"]
