from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import ashby

BOARD = (Path(__file__).parents[1] / "data" / "sources" / "ashby" / "board.json").read_bytes()
URL = "https://api.ashbyhq.com/posting-api/job-board/lumen?includeCompensation=true"


def test_start_url_matches_api_layout():
    assert ashby.start_urls({"base_url": "http://demo/ashby", "board": "lumen"}) == [
        "http://demo/ashby/posting-api/job-board/lumen?includeCompensation=true"]


def test_maps_salary_component_only_and_address():
    first = ashby.parse(BOARD, URL).postings[0]
    assert first.company == "lumen" and first.title == "Machine Learning Engineer"
    assert (first.salary.min, first.salary.max, first.salary.currency, first.salary.period) == (
        190000.0, 240000.0, "USD", "year")
    assert (first.city, first.region) == ("San Francisco", "California")
    assert first.country is None and first.extra["country_name"] == "United States"
    assert first.workplace == "hybrid" and first.employment_type == "FullTime"
    assert first.date_posted == datetime(2024, 5, 6, 17, 1, 22, 123000, tzinfo=timezone.utc)


def test_is_remote_and_hourly_interval():
    second = ashby.parse(BOARD, URL).postings[1]
    assert second.workplace == "remote" and second.country == "DE"
    assert second.salary.period == "hour" and second.salary.currency == "EUR"


def test_malformed_job_skipped():
    result = ashby.parse(BOARD, URL)
    assert len(result.postings) == 2 and len(result.skipped) == 1
