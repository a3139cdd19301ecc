import json
from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import lever

POSTINGS = (Path(__file__).parents[1] / "data" / "sources" / "lever" / "postings.json").read_bytes()
URL = "https://api.lever.co/v0/postings/northwind?mode=json&skip=0&limit=100"


def test_start_url_matches_api_layout():
    assert lever.start_urls({"base_url": "http://demo/lever", "site": "northwind"}) == [
        "http://demo/lever/v0/postings/northwind?mode=json&skip=0&limit=100"]


def test_maps_title_lists_salary_and_workplace():
    result = lever.parse(POSTINGS, URL)
    first = result.postings[0]
    assert first.title == "Staff Software Engineer, Platform" and first.company == "northwind"
    assert "<h3>Requirements</h3>" in first.description and "<li>Kubernetes</li>" in first.description
    assert first.description.endswith("<div>We offer equity.</div>")
    assert (first.salary.min, first.salary.max, first.salary.currency, first.salary.period) == (
        180000.0, 220000.0, "CAD", "year")
    assert first.workplace == "hybrid" and first.country == "CA"
    assert first.employment_type == "Full-time"
    assert first.date_posted == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


def test_interval_mapping_and_one_time_is_not_salary():
    postings = lever.parse(POSTINGS, URL).postings
    assert postings[1].salary.period == "hour" and postings[1].workplace == "remote"
    assert postings[2].salary is None and postings[2].workplace == "onsite"


def test_semi_month_and_bi_week_intervals():
    doc = json.dumps([{"id": "a", "text": "T", "salaryRange": {"interval": "semi-month-salary", "min": 1, "max": 2}},
                      {"id": "b", "text": "T", "salaryRange": {"interval": "bi-week-salary", "min": 1, "max": 2}}])
    assert [p.salary.period for p in lever.parse(doc, URL).postings] == ["semi_month", "bi_week"]


def test_full_page_follows_next_page_and_short_page_stops():
    full = json.dumps([{"id": str(i), "text": "Job"} for i in range(100)])
    result = lever.parse(full, URL, {"site": "northwind"})
    assert result.follow == ["https://api.lever.co/v0/postings/northwind?mode=json&skip=100&limit=100"]
    assert lever.parse(POSTINGS, URL).follow == []


def test_max_pages_bounds_pagination():
    full = json.dumps([{"id": str(i), "text": "Job"} for i in range(100)])
    last = "https://api.lever.co/v0/postings/northwind?mode=json&skip=100&limit=100"
    assert lever.parse(full, last, {"site": "northwind", "max_pages": 2}).follow == []


def test_malformed_posting_skipped():
    result = lever.parse(POSTINGS, URL)
    assert len(result.postings) == 3 and len(result.skipped) == 1
