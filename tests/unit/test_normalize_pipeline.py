"""normalize(): RawPosting in, Posting out, with structured source fields winning over text."""
from datetime import date, datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobsight.normalize import default_taxonomy, normalize
from jobsight.normalize.experience import min_years
from jobsight.normalize.salary import parse_salary, to_base
from jobsight.normalize.skills import Taxonomy
from jobsight.posting import Posting, RawPosting, StructuredSalary

POSTED = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

GREENHOUSE_HTML = (
    "&lt;h2&gt;About the role&lt;/h2&gt;&lt;p&gt;Senior Backend Engineer to build services in Go and "
    "Python on k8s (AWS).&lt;/p&gt;&lt;h3&gt;Requirements&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;5+ years of "
    "professional experience&lt;/li&gt;&lt;li&gt;PostgreSQL, Redis&lt;/li&gt;&lt;li&gt;No PHP needed&lt;/li&gt;"
    "&lt;/ul&gt;&lt;p&gt;Hybrid: 2 days in office.&lt;/p&gt;&lt;p&gt;Salary: €70,000 – €90,000 per year&lt;/p&gt;"
    "&lt;p&gt;Acme is an equal opportunity employer; experience with Java or Ruby is not a factor.&lt;/p&gt;"
)


def raw(**overrides) -> RawPosting:
    fields = dict(
        source="greenhouse", source_id="42", url="https://boards.greenhouse.io/acme/jobs/42",
        title="Senior Backend Engineer", company="Acme", description=GREENHOUSE_HTML,
        location="Berlin, Germany", date_posted=POSTED,
    )
    fields.update(overrides)
    return RawPosting(**fields)


def test_a_greenhouse_posting_end_to_end():
    posting = normalize(raw(tags=["golang", "unknown-tag", "Terraform"], requisition_id="R-7"))
    assert isinstance(posting, Posting)
    assert posting.skills == ["Go", "Python", "Kubernetes", "AWS", "PostgreSQL", "Redis", "Terraform"]
    assert "&lt;" not in posting.description and "<p>" not in posting.description
    assert "equal opportunity" not in posting.description
    assert (posting.city, posting.region, posting.country) == ("Berlin", "Berlin", "DE")
    assert posting.workplace == "hybrid" and posting.remote is False
    assert posting.seniority == "senior"
    assert posting.experience_years == 5
    assert posting.salary.min == 70000 and posting.salary.max == 90000
    assert posting.salary.currency == "EUR" and posting.salary.period == "year"
    assert posting.date_posted == POSTED
    assert posting.requisition_id == "R-7"
    assert posting.to_dict()["date_posted"] == POSTED.isoformat()


def test_boilerplate_and_negations_do_not_yield_skills():
    skills = normalize(raw()).skills
    assert "PHP" not in skills and "Java" not in skills and "Ruby" not in skills


def test_structured_salary_beats_salary_text_and_description():
    posting = normalize(raw(salary=StructuredSalary(100, 120, "USD", "hour"), salary_text="€50k"))
    salary = posting.salary
    assert (salary.min, salary.max, salary.currency, salary.period) == (100, 120, "USD", "hour")
    assert posting.salary.annual_min == pytest.approx(to_base(100 * 2080, "USD", POSTED.date()), abs=0.01)


def test_structured_pay_with_an_implausible_period_is_re_read_from_the_description():
    # Greenhouse files a "Pay range" of $28–$34 as yearly; the description says per hour.
    described = "<p>Onsite role. Pay: $28–$34 per hour, plus shift differential.</p>"
    posting = normalize(raw(salary=StructuredSalary(28, 34, "USD", "year"), description=described))
    salary = posting.salary
    assert (salary.min, salary.max, salary.currency, salary.period) == (28, 34, "USD", "hour")
    assert salary.annual_min == pytest.approx(to_base(28 * 2080, "USD", POSTED.date()), abs=0.01)
    # Without a stated period, the magnitude decides; plausible structured pay is left alone.
    assert normalize(raw(salary=StructuredSalary(28, 34, "USD", "year"), description="")).salary.period == "hour"
    assert normalize(raw(salary=StructuredSalary(90000, None, "USD", "year"))).salary.period == "year"


def test_salary_text_beats_description():
    posting = normalize(raw(salary_text="15 000 - 25 000 MDL", country="MD", location="Chisinau"))
    assert (posting.salary.min, posting.salary.currency, posting.salary.period) == (15000, "MDL", "month")


def test_salary_found_in_description_when_nothing_structured():
    salary = normalize(raw()).salary
    assert salary.raw.startswith("€70,000")
    assert salary.annual_currency == "EUR"


def test_fx_uses_the_posting_date():
    pay = StructuredSalary(100000, None, "USD", "year")
    old = normalize(raw(salary=pay, date_posted=datetime(2023, 6, 1, tzinfo=timezone.utc)))
    new = normalize(raw(salary=pay, date_posted=datetime(2025, 8, 1, tzinfo=timezone.utc)))
    assert old.salary.annual_min == pytest.approx(to_base(100000, "USD", date(2023, 6, 1)), abs=0.01)
    assert old.salary.annual_min != new.salary.annual_min


def test_experience_months_win_then_experience_text_then_description():
    assert normalize(raw(experience_months=18, experience_text="de la 5 ani")).experience_years == 1.5
    assert normalize(raw(experience_text="de la 2 ani")).experience_years == 2
    assert normalize(raw(experience_text="fără experiență")).experience_years == 0
    assert normalize(raw(experience_text="—")).experience_years == 5


@pytest.mark.parametrize(
    "overrides, workplace, remote",
    [
        ({"workplace": "remote"}, "remote", True),
        ({"workplace": "onsite", "location": "Remote"}, "onsite", False),
        ({"location": "Remote - US", "description": "<p>Build APIs.</p>"}, "remote", True),
        ({"location": "Berlin", "description": "<p>Build APIs.</p>"}, None, None),
        ({"location": "Berlin", "description": "<p>This is not a remote role.</p>"}, "onsite", False),
    ],
)
def test_workplace_and_remote_flag(overrides, workplace, remote):
    posting = normalize(raw(**overrides))
    assert (posting.workplace, posting.remote) == (workplace, remote)


def test_structured_location_fields_win():
    posting = normalize(raw(location="Somewhere", city="Bălți", region="Bălți", country="md"))
    assert (posting.city, posting.region, posting.country) == ("Bălți", "Bălți", "MD")


def test_a_country_name_in_the_country_field_becomes_a_code():
    assert normalize(raw(location="Remote", country="Republic of Moldova")).country == "MD"


def test_odd_structured_values_do_not_crash():
    posting = normalize(raw(experience_months=-3, date_posted=None, tags=[None, 3, "k8s"]))
    assert posting.experience_years == 5 and "Kubernetes" in posting.skills


def test_employment_type_from_source_words_then_title():
    assert normalize(raw(employment_type="FullTime")).employment_type == "full_time"
    assert normalize(raw(title="Contract Go Developer", description="")).employment_type == "contract"
    assert normalize(raw(title="Go Developer", description="")).employment_type is None


def test_a_rabota_posting_in_romanian():
    posting = normalize(RawPosting(
        source="rabota", source_id="123", url="https://www.rabota.md/ro/jobs/123", title="Programator PHP (Laravel)",
        company="SRL Exemplu", description="<div>Cerințe:<ul><li>Cunoașterea PHP, Laravel și MySQL</li>"
        "<li>Limba engleză - nivel mediu</li></ul>Oferim: program flexibil, lucru de la distanță.</div>",
        location="Chișinău", country="MD", salary_text="15 000 - 25 000 MDL", experience_text="de la 2 ani",
    ))
    assert posting.skills == ["PHP", "Laravel", "MySQL", "English"]
    assert posting.salary.currency == "MDL" and posting.salary.period == "month"
    assert posting.experience_years == 2
    assert posting.workplace == "remote"
    assert posting.city == "Chișinău" and posting.country == "MD"


def test_a_custom_taxonomy_can_be_passed():
    rows = [{"name": "Widgets", "category": "tool", "aliases": ["widget"], "ambiguous": False}]
    taxonomy = Taxonomy.from_rows(rows, 1)
    assert normalize(raw(description="<p>Widget factory, Python</p>"), taxonomy=taxonomy).skills == ["Widgets"]


def test_default_taxonomy_is_loaded_once():
    assert default_taxonomy() is default_taxonomy()


def test_empty_posting():
    posting = normalize(RawPosting(source="rss", source_id="x", url="u", title="", company=""))
    assert posting.skills == [] and posting.salary is None and posting.description == ""
    assert posting.experience_years is None and posting.workplace is None


# --- properties: arbitrary text never crashes the normalizer ---

_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400
) | st.sampled_from(["€60k–80k", "$120,000+", "15 000 - 25 000 MDL", "<p>&lt;b&gt;", "3+ years", "İ" * 5])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXTS, description=_TEXTS, location=_TEXTS, salary_text=_TEXTS, experience_text=_TEXTS)
def test_normalize_never_raises(title, description, location, salary_text, experience_text):
    posting = normalize(RawPosting(
        source="fuzz", source_id="1", url="u", title=title, company="c", description=description,
        location=location, salary_text=salary_text, experience_text=experience_text, tags=[title],
    ))
    assert isinstance(posting.skills, list)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, country=st.sampled_from([None, "US", "CA", "MD", "RO", "SE", "IN", "xx"]))
def test_parse_salary_never_raises_and_keeps_order(text, country):
    salary = parse_salary(text, country=country)
    if salary is not None:
        if salary.min is not None and salary.max is not None:
            assert salary.min <= salary.max
        if salary.annual_min is not None and salary.annual_max is not None:
            assert salary.annual_min <= salary.annual_max


@settings(max_examples=200, deadline=None)
@given(
    low=st.floats(min_value=1, max_value=1e7, allow_nan=False),
    high=st.floats(min_value=1, max_value=1e7, allow_nan=False),
    template=st.sampled_from(
        ["€{} - €{}", "${}-${}", "£{} to £{}", "{} - {} MDL", "{}-{} lei", "{} – {} zł", "CHF {} - {}"]
    ),
)
def test_parsed_ranges_are_ordered(low, high, template):
    salary = parse_salary(template.format(f"{low:.0f}", f"{high:.0f}"), country="MD")
    assert salary is not None
    assert salary.min <= salary.max
    assert salary.annual_min <= salary.annual_max


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS)
def test_min_years_never_raises(text):
    years = min_years(text)
    assert years is None or 0 <= years <= 40


@settings(max_examples=200, deadline=None)
@given(text=_TEXTS)
def test_extract_returns_known_canonical_names(text):
    taxonomy = default_taxonomy()
    names = {skill.name for skill in taxonomy.skills}
    assert set(taxonomy.extract(text, title=text, tags=[text])) <= names
