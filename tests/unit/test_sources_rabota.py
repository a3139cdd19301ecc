from datetime import datetime, timezone
from pathlib import Path

from jobsight.sources import rabota

DATA = Path(__file__).parents[1] / "data" / "sources" / "rabota"
LISTING_URL = "https://www.rabota.md/ro/vacancies/category/it/1"


def test_start_url_layout_and_default_category():
    assert rabota.start_urls({"base_url": "http://demo/rabota"}) == ["http://demo/rabota/ro/vacancies/category/it/1"]
    assert rabota.start_urls({"category": "design"}) == ["https://www.rabota.md/ro/vacancies/category/design/1"]


def test_listing_follows_cards_and_next_page():
    result = rabota.parse((DATA / "listing.html").read_bytes(), LISTING_URL, {"max_pages": 5})
    assert result.follow == [
        "https://www.rabota.md/ro/vacancy/118842/dezvoltator-python-senior",
        "https://www.rabota.md/ro/vacancy/118850/tester-qa-junior",
        "https://www.rabota.md/ro/vacancies/category/it/2",
    ]
    assert result.postings == [] and len(result.skipped) == 1  # the card without a link


def test_listing_pagination_bounded_by_max_pages():
    result = rabota.parse((DATA / "listing.html").read_bytes(), LISTING_URL.replace("/1", "/3"), {"max_pages": 3})
    assert not any("/category/" in url for url in result.follow)


def test_page_past_the_end_is_quiet_but_a_changed_first_page_is_a_skip():
    empty = b"<html><body><p>Nu am gasit</p></body></html>"
    assert rabota.parse(empty, LISTING_URL.replace("/1", "/7")).skipped == []
    assert len(rabota.parse(empty, LISTING_URL).skipped) == 1


def test_detail_page_maps_romanian_summary():
    url = "https://www.rabota.md/ro/vacancy/118842/dezvoltator-python-senior"
    (posting,) = rabota.parse((DATA / "detail-118842.html").read_bytes(), url).postings
    assert posting.source_id == "118842" and posting.url == url
    assert posting.title == "Dezvoltator Python (Senior)" and posting.company == "Endava"
    assert posting.experience_text == "de la 3 ani" and posting.salary_text == "30 000 - 45 000 MDL"
    assert posting.country == "MD" and posting.location == "Chișinău"
    assert posting.employment_type == "Zi completă"
    assert posting.date_posted == datetime(2024, 5, 14, tzinfo=timezone.utc)
    assert "Django sau FastAPI" in posting.description
    assert "Java Developer" not in posting.description  # the similar-jobs block


def test_detail_without_diacritics_and_remote():
    url = "https://www.rabota.md/ro/vacancy/118850/tester-qa-junior"
    (posting,) = rabota.parse((DATA / "detail-118850.html").read_bytes(), url).postings
    assert posting.experience_text == "fără experiență" and posting.salary_text == "Salariu negociabil"
    assert posting.workplace == "remote" and posting.company == "Pentalog"
