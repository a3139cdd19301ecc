"""GET /jobs through the gateway on real PostgreSQL: relevance on a labelled set of queries
(typos included), filters, facets over every match, pagination, and bad input."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc)

# title, company, skills, city, country, workplace, annual min, annual max, days ago, source, description
JOBS = [
    ("Senior Python Developer", "Acme", ["Python", "Django", "PostgreSQL"], "Berlin", "DE", "hybrid",
     70000, 90000, 2, "demo-greenhouse-acme", "Build our booking backend."),
    ("Python Developer", "Globex", ["Python", "Flask"], "Munich", "DE", "onsite", 50000, 60000, 5,
     "demo-lever-globex", "APIs for logistics."),
    ("Data Engineer", "Initech", ["Python", "Apache Spark", "SQL"], "Amsterdam", "NL", "remote", 80000, 100000, 1,
     "demo-ashby-initech", "Pipelines and warehouses."),
    ("Java Developer", "Umbrella", ["Java", "Spring"], "Berlin", "DE", "onsite", 60000, 70000, 3,
     "demo-greenhouse-umbrella", "Payments platform."),
    ("Frontend Engineer (React)", "Hooli", ["React", "TypeScript", "JavaScript"], "New York", "US", "remote",
     110000, 140000, 4, "demo-lever-hooli", "Design system work."),
    ("DevOps Engineer", "Stark", ["Kubernetes", "Terraform", "AWS"], "London", "GB", "hybrid", 75000, None, 6,
     "demo-remoteok", "Run our clusters."),
    ("Machine Learning Engineer", "Wayne", ["Python", "PyTorch"], "Paris", "FR", "remote", 90000, 120000, 8,
     "demo-remotive", "Ranking models."),
    ("Product Manager", "Acme", [], "Berlin", "DE", "onsite", None, None, 10, "demo-greenhouse-acme",
     "Own the roadmap of our booking product."),
    ("Backend Engineer (Go)", "Globex", ["Go", "PostgreSQL", "Kubernetes"], "Chișinău", "MD", "onsite",
     30000, 40000, 12, "demo-rabota", "Services in Golang."),
    ("Site Reliability Engineer", "Initech", ["Kubernetes", "Go", "Prometheus"], "Amsterdam", "NL", "hybrid",
     85000, 95000, 15, "demo-ashby-initech", "On-call and observability."),
    ("QA Automation Engineer", "Umbrella", ["Selenium", "Python"], "Berlin", "DE", "onsite", 45000, 55000, 20,
     "demo-hn", "Test automation."),
    ("iOS Developer", "Hooli", ["Swift"], "New York", "US", "onsite", 100000, 130000, 25, "demo-rss",
     "Our mobile app."),
    ("Rust Engineer", "Stark", ["Rust"], None, None, None, None, None, 30, "demo-remoteok", "Storage engine."),
    ("Financial Analyst", "Wayne", ["Excel"], "Paris", "FR", "onsite", 55000, 65000, 40, "demo-jsonld-wayne",
     "Monthly reporting; you will automate reports with Python scripts."),
]
CLOSED = ("Python Developer (old)", "Hooli", ["Python"], "Berlin", "DE", "onsite", 40000, 50000, 3,
          "demo-lever-hooli", "Closed already.")


@pytest.fixture(scope="module")
def seeded(engines):
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources CASCADE"))
        for job_id, job in enumerate(JOBS + [CLOSED], start=1):
            title, company, skills, city, country, workplace, lo, hi, days, source, description = job
            conn.execute(text(
                "INSERT INTO jobs (id, title, company, company_key, location, city, country, workplace, remote, "
                "description, date_posted, skills, annual_min, annual_max, annual_currency, status, version) "
                "VALUES (:id, :title, :company, lower(:company), :location, :city, :country, :workplace, :remote, "
                ":description, :posted, :skills, :lo, :hi, 'EUR', :status, 1)"),
                {"id": job_id, "title": title, "company": company, "location": ", ".join(filter(None, (city, country))),
                 "city": city, "country": country, "workplace": workplace,
                 "remote": None if workplace is None else workplace == "remote", "description": description,
                 "posted": NOW - timedelta(days=days), "skills": skills, "lo": lo, "hi": hi,
                 "status": "closed" if job is CLOSED else "open"})
            kind = source.split("-")[1]
            for n, name in enumerate((source, "demo-hn") if job_id == 1 else (source,)):
                conn.execute(text(
                    "INSERT INTO job_sources (job_id, source_name, source_kind, source_id, url, url_key) "
                    "VALUES (:job, :name, :kind, :sid, :url, :url)"),
                    {"job": job_id, "name": name, "kind": name.split("-")[1] if n else kind,
                     "sid": f"{job_id}-{n}", "url": f"https://example.test/{job_id}/{n}"})
    yield
    with engines["jobs"].begin() as conn:
        conn.execute(text("TRUNCATE jobs, job_sources CASCADE"))


def search(http, gateway, **params):
    response = http.get(f"{gateway}/jobs", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def titles(answer) -> list[str]:
    return [job["title"] for job in answer["results"]]


# The labelled set: keywords → the titles that must come first (in any order among themselves).
RELEVANCE = [
    ("python developer", {"Python Developer", "Senior Python Developer"}),
    ("pyhton developer", {"Python Developer", "Senior Python Developer"}),
    ("python develper", {"Python Developer", "Senior Python Developer"}),
    ("data engineer", {"Data Engineer"}),
    ("data enginer", {"Data Engineer"}),
    ("devops", {"DevOps Engineer"}),
    ("machine lerning engineer", {"Machine Learning Engineer"}),
    ("frontend enginer", {"Frontend Engineer (React)"}),
    ("react", {"Frontend Engineer (React)"}),
    ("kubernetes", {"DevOps Engineer", "Backend Engineer (Go)", "Site Reliability Engineer"}),
    ("site reliability", {"Site Reliability Engineer"}),
    ("ios developer", {"iOS Developer"}),
    ("product manager", {"Product Manager"}),
    ("rust", {"Rust Engineer"}),
    ("java developer", {"Java Developer"}),
]


@pytest.mark.parametrize("keywords, expected", RELEVANCE)
def test_labelled_queries_put_the_right_jobs_first(http, gateway, seeded, keywords, expected):
    answer = search(http, gateway, q=keywords)
    assert set(titles(answer)[:len(expected)]) == expected, titles(answer)


def test_title_beats_skills_beats_description(http, gateway, seeded):
    ranked = titles(search(http, gateway, q="python"))
    assert set(ranked[:2]) == {"Python Developer", "Senior Python Developer"}  # title (A)
    assert set(ranked[2:5]) == {"Data Engineer", "Machine Learning Engineer", "QA Automation Engineer"}  # skill (B)
    assert ranked[5:] == ["Financial Analyst"]  # description only (C)
    assert "Python Developer (old)" not in ranked  # closed


def test_unrelated_titles_do_not_match_typos(http, gateway, seeded):
    assert "Java Developer" not in titles(search(http, gateway, q="pyhton developer"))
    assert search(http, gateway, q="zyxwv quux")["total"] == 0


def test_find_jobs_keeps_its_shape_and_agrees_with_search(http, gateway, seeded):
    response = http.get(f"{gateway}/find-jobs", params={"title": "pyhton developer"})
    assert response.status_code == 200
    jobs = response.json()
    assert {job["title"] for job in jobs} == {"Python Developer", "Senior Python Developer"}
    assert set(jobs[0]) >= {"job_id", "title", "company", "location", "description", "date_posted"}
    searched = {job["job_id"] for job in search(http, gateway, q="pyhton developer")["results"]}
    assert {job["job_id"] for job in jobs} <= searched


@pytest.mark.parametrize("params, expected", [
    ({"location": "DE"}, {"Senior Python Developer", "Python Developer", "Java Developer", "Product Manager",
                          "QA Automation Engineer"}),
    ({"location": "Berlin"}, {"Senior Python Developer", "Java Developer", "Product Manager", "QA Automation Engineer"}),
    ({"location": "Netherlands"}, {"Data Engineer", "Site Reliability Engineer"}),
    ({"remote": "true"}, {"Data Engineer", "Frontend Engineer (React)", "Machine Learning Engineer"}),
    # "engineer" and "developer" name one job in a title (jobsight.textmatch): the hybrid developer counts.
    ({"remote": "hybrid", "q": "engineer"}, {"DevOps Engineer", "Site Reliability Engineer", "Senior Python Developer"}),
    ({"salary_min": "100000"}, {"Data Engineer", "Frontend Engineer (React)", "Machine Learning Engineer",
                                "iOS Developer"}),
    ({"skills": "python,postgres"}, {"Senior Python Developer"}),
    ({"skills": "k8s", "q": "go"}, {"Backend Engineer (Go)", "Site Reliability Engineer"}),
    ({"since": (NOW - timedelta(days=3, hours=12)).date().isoformat(), "location": "DE"},
     {"Senior Python Developer", "Java Developer"}),
    ({"company": "ACME"}, {"Senior Python Developer", "Product Manager"}),
    ({"source": "demo-hn"}, {"Senior Python Developer", "QA Automation Engineer"}),
    ({"source": "remoteok"}, {"DevOps Engineer", "Rust Engineer"}),
    ({"q": "python", "location": "DE", "remote": "false"},
     {"Senior Python Developer", "Python Developer", "QA Automation Engineer"}),
])
def test_filters_select_exactly_the_matching_open_jobs(http, gateway, seeded, params, expected):
    answer = search(http, gateway, per_page="100", **params)
    assert set(titles(answer)) == expected
    assert answer["total"] == len(expected)


def test_results_carry_what_a_list_shows(http, gateway, seeded):
    job = search(http, gateway, q="senior python developer")["results"][0]
    assert job["title"] == "Senior Python Developer"
    assert job["company"] == "Acme" and job["workplace"] == "hybrid" and job["remote"] is False
    assert (job["annual_min"], job["annual_max"]) == (70000, 90000)
    assert job["skills"] == ["Python", "Django", "PostgreSQL"] and job["n_sources"] == 2
    assert job["score"] > 0 and job["date_posted"]


def test_date_sort_is_newest_first(http, gateway, seeded):
    answer = search(http, gateway, q="engineer", sort="date", per_page="100")
    dates = [job["date_posted"] for job in answer["results"]]
    assert dates == sorted(dates, reverse=True) and answer["sort"] == "date"
    assert titles(search(http, gateway))[0] == "Data Engineer"  # no keywords: newest first


def test_pages_cover_every_match_once_with_the_total(http, gateway, seeded):
    everything = search(http, gateway, per_page="100")
    assert everything["total"] == len(JOBS)
    seen = []
    for page in range(1, 5):
        answer = search(http, gateway, per_page="4", page=str(page))
        assert answer["total"] == len(JOBS) and answer["page"] == page and answer["per_page"] == 4
        seen += [job["job_id"] for job in answer["results"]]
    assert seen == [job["job_id"] for job in everything["results"]]
    assert search(http, gateway, page="50")["results"] == []


def test_facets_count_the_whole_result_not_the_page(http, gateway, seeded):
    answer = search(http, gateway, q="engineer", per_page="1")
    everything = search(http, gateway, q="engineer", per_page="100")["results"]
    assert len(answer["results"]) == 1 and answer["total"] == len(everything)
    skills = Counter(skill for job in everything for skill in job["skills"])
    assert {name: n for name, n in answer["facets"]["skills"]} == dict(skills)
    assert answer["facets"]["skills"][0] == ["Python", 5]  # "engineer" takes in the developers (textmatch)
    workplaces = Counter(job["workplace"] or "unknown" for job in everything)
    assert answer["facets"]["remote"] == {k: workplaces.get(k, 0) for k in ("remote", "hybrid", "onsite", "unknown")}
    places = Counter(job["country"] for job in everything if job["country"])
    assert {place: n for place, n in answer["facets"]["location"]} == dict(places)


@pytest.mark.parametrize("query", [
    "page=0", "page=1001", "page=abc", "per_page=101", "salary_min=-5", "salary_min=1e9", "since=2026-02-30",
    "since=someday", "remote=perhaps", "sort=popular", "q=" + "x" * 201, "q=%21%21%21",
    "skills=" + ",".join(["Python"] * 11), "location=%3F%3F%3F", "colour=blue", "company=%2A%2A",
    "location=" + "%20" * 101,
])
def test_bad_input_is_a_400_with_a_message(http, gateway, seeded, query):
    response = http.get(f"{gateway}/jobs?{query}")
    assert response.status_code == 400, (query, response.status_code, response.text)
    assert response.json()["msg"] and response.json()["code"] == "invalid_request"


@pytest.mark.parametrize("query, code", [("skills=NoSuchSkill", "unknown_skill"), ("location=worldwide", "unknown_place")])
def test_a_skill_or_place_nobody_knows_is_a_404_naming_it(http, gateway, seeded, query, code):
    response = http.get(f"{gateway}/jobs?{query}")
    assert response.status_code == 404 and response.json()["code"] == code
    assert query.split("=")[1] in response.json()["msg"]


def test_a_since_in_the_future_selects_nothing(http, gateway, seeded):
    assert search(http, gateway, since="2999-01-01")["total"] == 0
    assert search(http, gateway, since="1900-01-01")["total"] == len(JOBS)


@pytest.mark.parametrize("query", ["q=%27%3B+DROP+TABLE+jobs%3B--", "q=a+%26+%21b+%7C+c%3A%2A", "q=%22unclosed",
                                   "q=-python", "q=or", "location=Atlantis", "company=nobody"])
def test_odd_but_valid_input_is_an_answer_never_a_500(http, gateway, seeded, query):
    response = http.get(f"{gateway}/jobs?{query}")
    assert response.status_code == 200, (query, response.status_code, response.text)
    assert response.json()["total"] >= 0
