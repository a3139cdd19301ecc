"""Search parameters are validated before any query runs: a person gets a clear 400, never a 500."""
from datetime import date

import pytest

from jobsight.errors import UnknownPlace, UnknownSkill, ValidationError
from jobsight.search import SearchQuery, parse_search_query

def parse(**args):
    return parse_search_query(args)


def test_no_parameters_browses_every_open_job_newest_first():
    assert parse() == SearchQuery(sort="date", page=1, per_page=20)


def test_every_parameter_is_read_from_query_string_text():
    query = parse(q="  Python   Developer ", location="Berlin", remote="true", salary_min="50000",
                  skills="python, k8s", since="2026-11-01", company="Acme Analytics Inc.", source="demo-lever",
                  sort="date", page="3", per_page="50")
    assert query == SearchQuery(q="python developer", country="DE", city="Berlin", remote="remote",
                                salary_min=50000, skills=("Python", "Kubernetes"), since=date(2026, 11, 1),
                                company_key="acmeanalytics", source="demo-lever", sort="date", page=3, per_page=50)
    assert query.offset == 100


def test_keywords_rank_by_relevance_unless_told_otherwise():
    assert parse(q="data engineer").sort == "relevance"
    assert parse(q="data engineer", sort="DATE").sort == "date"


@pytest.mark.parametrize("location, country, city", [
    ("de", "DE", None), ("Germany", "DE", None), ("Chisinau", "MD", "Chișinău"), ("London, UK", "GB", "London")])
def test_a_location_is_a_country_code_a_country_or_a_city(location, country, city):
    query = parse(location=location)
    assert (query.country, query.city) == (country, city)


@pytest.mark.parametrize("value, meaning", [("true", "remote"), ("false", "not_remote"), ("Hybrid", "hybrid"),
                                            ("onsite", "onsite"), ("remote", "remote"), (True, "remote")])
def test_remote_takes_a_flag_or_a_workplace(value, meaning):
    assert parse(remote=value).remote == meaning


def test_skills_are_canonical_deduplicated_and_all_required():
    assert parse(skills="postgres,PostgreSQL,,golang").skills == ("PostgreSQL", "Go")
    assert parse(skills=["Python", "Django"]).skills == ("Python", "Django")


def test_blank_parameters_are_absent():
    assert parse(q="  ", location="", skills="") == SearchQuery(sort="date")


def test_plain_values_over_rpc_are_accepted():
    query = parse(page=2, per_page=10, salary_min=1000.0, since=date(2026, 1, 1))
    assert (query.page, query.per_page, query.salary_min, query.since) == (2, 10, 1000, date(2026, 1, 1))


@pytest.mark.parametrize("args, message", [
    ({"page": "0"}, "page must be a whole number between 1 and 1,000"),
    ({"page": "1001"}, "page"),
    ({"page": "two"}, "page"),
    ({"page": "1.5"}, "page"),
    ({"page": True}, "page"),
    ({"per_page": "0"}, "per_page must be a whole number between 1 and 100"),
    ({"per_page": "101"}, "per_page"),
    ({"salary_min": "-1"}, "salary_min must be a whole number between 0 and 10,000,000"),
    ({"salary_min": "10000001"}, "salary_min"),
    ({"salary_min": "99999999999999999999"}, "salary_min"),
    ({"since": "yesterday"}, "since must be a date, YYYY-MM-DD"),
    ({"since": "20260101"}, "since must be a date"),
    ({"since": "2026-02-30"}, "since must be a date"),
    ({"since": "2026-01-01T00:00:00Z"}, "since must be a date"),
    ({"remote": "maybe"}, "remote must be one of: true, false, remote, hybrid, onsite"),
    ({"sort": "best"}, "sort must be one of: relevance, date"),
    ({"q": "x" * 201}, "q too long"),
    ({"q": "!!! ???"}, "q: keywords must contain at least one letter or digit"),
    ({"q": 42}, "q must be text"),
    ({"skills": ",".join(["Python"] * 11)}, "at most 10 skills"),
    ({"skills": {"a": 1}}, "skills must be a comma-separated list"),
    ({"location": "!!!"}, "location must contain at least one letter or digit"),
    ({"location": "x" * 101}, "location too long"),
    ({"company": "***"}, "company must contain at least one letter or digit"),
    ({"colour": "blue"}, "Unknown parameter 'colour'"),
])
def test_bad_parameters_are_refused_with_a_message_naming_them(args, message):
    with pytest.raises(ValidationError) as caught:
        parse_search_query(args)
    assert message in caught.value.message


@pytest.mark.parametrize("args, error, message", [
    ({"skills": "Python,Cobolt"}, UnknownSkill, "Unknown skill 'Cobolt'"),
    ({"location": "worldwide"}, UnknownPlace, "location 'worldwide' names no place"),
    ({"location": "0"}, UnknownPlace, "names no place"),
])
def test_a_name_the_system_does_not_know_is_not_found_rather_than_bad_input(args, error, message):
    with pytest.raises(error) as caught:
        parse_search_query(args)
    assert message in caught.value.message and caught.value.status == 404


@pytest.mark.parametrize("since", ["2999-01-01", "1900-01-01", "0001-01-01"])
def test_any_calendar_date_is_a_since_filter_even_one_no_job_meets(since):
    assert parse(since=since).since == date.fromisoformat(since)


def test_parameters_must_be_an_object():
    with pytest.raises(ValidationError):
        parse_search_query(["q", "python"])
