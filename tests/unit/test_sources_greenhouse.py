from datetime import datetime, timezone
from pathlib import Path

from jobsight.posting import StructuredSalary
from jobsight.sources import greenhouse

BOARD = (Path(__file__).parents[1] / "data" / "sources" / "greenhouse" / "board.json").read_bytes()
API_URL = "https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true"


def test_start_url_matches_api_layout():
    urls = greenhouse.start_urls({"kind": "greenhouse", "base_url": "http://demo:8000/greenhouse/", "board": "acme"})
    assert urls[0].startswith("http://demo:8000/greenhouse/v1/boards/acme/jobs?content=true")


def test_maps_jobs_and_unescapes_content_once():
    result = greenhouse.parse(BOARD, API_URL, {"board": "acme"})
    first = result.postings[0]
    assert first.source == "greenhouse" and first.source_id == "4012345"
    assert first.title == "Senior Backend Engineer (Python)"
    assert first.company == "Acme GmbH"
    assert first.description.startswith("<p>We build <strong>payments</strong> &amp; ledgers.</p>")
    assert first.location == "Berlin, Germany"
    assert first.date_posted == datetime(2024, 4, 28, 13, 0, tzinfo=timezone.utc)
    assert first.salary == StructuredSalary(85000.0, 110000.0, "EUR", "year", "Germany base salary")
    assert first.workplace == "hybrid" and first.employment_type == "Full-time"
    assert first.tags == ["Engineering"]


def test_requisition_id_in_all_three_forms():
    ids = [p.requisition_id for p in greenhouse.parse(BOARD, API_URL).postings]
    assert ids == ["REQ-1042", "2087", None]


def test_company_falls_back_to_board_token_and_hourly_range():
    second = greenhouse.parse(BOARD, API_URL, None).postings[1]
    assert second.company == "acme"
    assert second.workplace == "remote"  # metadata "Remote": true
    assert second.salary.period == "hour" and second.salary.min == 25.0 and second.salary.currency == "USD"
    assert second.date_posted == datetime(2024, 5, 3, 12, 0, tzinfo=timezone.utc)  # no first_published


def test_company_from_job_url_when_parsed_from_a_file():
    postings = greenhouse.parse(BOARD, "file:///tmp/board.json").postings
    assert {p.company for p in postings[1:]} == {"acme"}


def test_malformed_job_is_skipped_not_fatal():
    result = greenhouse.parse(BOARD, API_URL)
    assert len(result.postings) == 3
    assert [s.reason for s in result.skipped] == ["malformed job: missing title"]


def test_unparseable_document_yields_one_skip():
    for document in (b"<html>oops</html>", b'{"jobs": "nope"}', b"[]", b""):
        result = greenhouse.parse(document, API_URL)
        assert result.postings == [] and len(result.skipped) == 1
