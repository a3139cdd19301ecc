from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import jsonld

DATA = Path(__file__).parents[1] / "data" / "sources" / "jsonld"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_start_urls_are_the_configured_pages():
    assert jsonld.start_urls({"pages": ["https://a.example/careers"]}) == ["https://a.example/careers"]


def test_single_posting_with_escaped_description_and_full_fields():
    result = jsonld.parse(page("page-single.html"), "https://umbrella.example/careers/platform-engineer")
    (posting,) = result.postings
    assert posting.title == "Platform Engineer" and posting.company == "Umbrella Corp"
    assert posting.description == "<p>Run <b>Kubernetes</b> &amp; Terraform.</p>"
    assert (posting.city, posting.region, posting.country) == ("Austin", "TX", "US")
    assert posting.salary.min == 130000 and posting.salary.period == "year" and posting.salary.currency == "USD"
    assert posting.employment_type == "FULL_TIME, CONTRACTOR"
    assert posting.requisition_id == "UMB-778" and posting.source_id == "UMB-778"
    assert posting.experience_months == 36
    assert posting.date_posted == datetime(2024, 5, 3, tzinfo=timezone.utc)
    assert result.follow == []


def test_graph_with_org_reference_and_telecommute():
    (posting,) = jsonld.parse(page("page-graph.html"), "https://initrode.example/careers/remote-sre").postings
    assert posting.company == "Initrode" and posting.workplace == "remote"
    assert posting.location == "Germany, Poland"
    assert posting.salary.min == posting.salary.max == 45 and posting.salary.period == "hour"
    assert posting.source_id == "5521"
    assert posting.date_posted == datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc)


def test_list_of_postings_plain_string_org_and_several_places():
    result = jsonld.parse(page("page-list.html"), "https://vandelay.example/jobs")
    first, second = result.postings
    assert first.company == second.company == "Vandelay Industries"
    assert first.city == "Newark" and first.country == "US"
    assert first.extra["locations"] == ["Newark, NJ, US", "Trenton, NJ, US"]
    assert first.source_id != second.source_id
    # a JobPosting whose title is not text, and a block that is not JSON
    assert len(result.skipped) == 2


def test_index_page_follows_same_host_links_under_its_path():
    result = jsonld.parse(page("page-index.html"), "https://umbrella.example/careers")
    assert result.postings == []
    assert result.follow == ["https://umbrella.example/careers/platform-engineer",
                             "https://umbrella.example/careers/data-analyst"]


def test_page_without_postings_or_links_is_a_skip():
    result = jsonld.parse(b"<html><body><p>Nothing here</p></body></html>", "https://x.example/careers")
    assert result.postings == [] and result.follow == [] and len(result.skipped) == 1
