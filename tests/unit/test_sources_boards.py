"""RemoteOK, Remotive and Arbeitnow: the public job-board APIs."""
import json
from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import arbeitnow, remoteok, remotive

DATA = Path(__file__).parents[1] / "data" / "sources"


def test_start_urls_match_api_layouts():
    assert remoteok.start_urls({"base_url": "http://demo/remoteok"}) == ["http://demo/remoteok/api"]
    assert remotive.start_urls({"base_url": "http://demo/remotive"}) == ["http://demo/remotive/api/remote-jobs"]
    assert arbeitnow.start_urls({"base_url": "http://demo/arbeitnow"}) == [
        "http://demo/arbeitnow/api/job-board-api?page=1"]


def test_remoteok_skips_legal_notice_and_zero_salary():
    result = remoteok.parse((DATA / "remoteok" / "api.json").read_bytes(), "https://remoteok.com/api")
    first, second = result.postings
    assert first.title == "Senior Rust Engineer" and first.company == "Lattice"
    assert first.workplace == "remote" and first.tags == ["rust", "backend", "senior"]
    assert (first.salary.min, first.salary.max, first.salary.currency, first.salary.period) == (
        120000.0, 160000.0, "USD", "year")
    assert first.date_posted == datetime(2024, 5, 6, 10, 6, 40, tzinfo=timezone.utc)
    assert second.salary is None and second.source_id == "1092882"
    assert len(result.skipped) == 1  # the job with no position; the legal notice is not a skip


def test_remoteok_remote_is_a_board_default_the_posting_can_override():
    from jobsight.normalize import normalize

    def job(**fields):
        item = {"id": 7, "position": "Full Stack Developer", "company": "Marítima Tech", **fields}
        posting = remoteok.parse(json.dumps([{"legal": "..."}, item]), "https://remoteok.com/api").postings[0]
        assert posting.workplace == "remote" and posting.extra["workplace_is_default"] is True
        return normalize(posting)

    hybrid = job(position="Full Stack Developer (Hybrid, Lisbon)", location="Lisbon, Portugal",
                 description="<p>This position is hybrid: 2 days a week in our Lisbon office.</p>")
    assert (hybrid.workplace, hybrid.remote) == ("hybrid", False)
    silent = job(location="Lisbon, Portugal", description="<p>Build port-logistics software.</p>")
    assert (silent.workplace, silent.remote) == ("remote", True)


def test_remotive_keeps_salary_text():
    result = remotive.parse((DATA / "remotive" / "remote-jobs.json").read_bytes(), "https://remotive.com/api/remote-jobs")
    first, second = result.postings
    assert first.salary_text == "€60.000 - €75.000" and first.salary is None
    assert first.location == "Europe" and first.workplace == "remote"
    assert first.date_posted == datetime(2024, 5, 5, 14, 22, 10, tzinfo=timezone.utc)
    assert second.salary_text is None and second.employment_type == "contract"
    assert len(result.skipped) == 1


def test_arbeitnow_follows_links_next():
    url = "https://www.arbeitnow.com/api/job-board-api?page=1"
    result = arbeitnow.parse((DATA / "arbeitnow" / "page1.json").read_bytes(), url)
    assert result.follow == ["https://www.arbeitnow.com/api/job-board-api?page=2"]
    first, second = result.postings
    assert first.source_id == "backend-entwickler-mwd-berlin-acme-123456"
    assert first.workplace is None and second.workplace == "remote"
    assert first.employment_type == "Full Time, Permanent"
    assert first.date_posted == datetime.fromtimestamp(1714900000, tz=timezone.utc)
    assert "Verstärkung" in first.description
    assert len(result.skipped) == 1


def test_arbeitnow_stops_at_max_pages_and_empty_page():
    doc = (DATA / "arbeitnow" / "page1.json").read_bytes()
    assert arbeitnow.parse(doc, "https://x/api/job-board-api?page=3", {"max_pages": 3}).follow == []
    empty = b'{"data": [], "links": {"next": "https://x/api/job-board-api?page=9"}}'
    assert arbeitnow.parse(empty, "https://x/api/job-board-api?page=8").follow == []
