"""Validation of the extended insights' input (pure: no database)."""
from datetime import date

import pytest

from jobsight.insights import queries, questions
from jobsight.errors import UnknownSkill, ValidationError


@pytest.mark.parametrize("given, canonical", [("Python", "Python"), ("  python ", "Python"), ("k8s", "Kubernetes")])
def test_skills_are_read_through_the_taxonomy(given, canonical):
    assert questions.skill_name(given) == canonical


@pytest.mark.parametrize("given", ["", "   ", None, 42, "x" * 65])
def test_absurd_skills_are_refused_as_bad_input(given):
    with pytest.raises(ValidationError, match="skill"):
        questions.skill_name(given)


def test_an_unknown_skill_is_not_found_by_name():
    with pytest.raises(UnknownSkill, match="Unknown skill 'pyton'"):
        questions.skill_name(" pyton ")


def test_bounded_int():
    assert questions.bounded_int(None, "limit", 10, 1, 100) == 10
    assert questions.bounded_int(100, "limit", 10, 1, 100) == 100
    for bad in (0, 101, True, "5", 2.0):
        with pytest.raises(ValidationError, match="limit"):
            questions.bounded_int(bad, "limit", 10, 1, 100)


def test_optional_keywords():
    assert questions.optional_keywords(None) is None
    assert questions.optional_keywords("  Python   Developer!") == "python developer"
    for bad in ("", "  ", "???", 7, "x" * 201):
        with pytest.raises(ValidationError):
            questions.optional_keywords(bad)


def test_salary_filters():
    assert questions.salary_filters(skill="k8s") == {"skill": "Kubernetes"}
    assert questions.salary_filters(title="Python Dev") == {"title": "python dev"}
    assert questions.salary_filters(location="Berlin") == {"city": "Berlin", "country": "DE"}
    assert questions.salary_filters(location="de", skill="Go") == {"skill": "Go", "country": "DE"}
    assert questions.salary_filters() == {}  # every open job
    with pytest.raises(ValidationError, match="location"):
        questions.salary_filters(location=" ")


def test_weeks_start_on_monday():
    assert questions.week_start(date(2026, 11, 28)) == date(2026, 11, 23)  # a Saturday
    assert questions.week_start(date(2026, 11, 23)) == date(2026, 11, 23)


@pytest.mark.parametrize("values", [[70_000.0], [50_000.0, 90_000.0], [1.0, 1.0, 2.0, 10.0, 10.0, 10.0, 11.5],
                                    [float(v % 37) * 1000 for v in range(101)]])
def test_percentiles_from_value_counts_equal_percentile_cont_over_the_values(values):
    import statistics
    from collections import Counter

    counts = sorted(Counter(values).items())
    for fraction in (0.25, 0.5, 0.75, 0.9):
        expected = (values[0] if len(values) == 1
                    else statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1])
        assert queries.percentile_cont(counts, fraction) == pytest.approx(expected)
    assert queries.percentile_cont([], 0.5) is None
