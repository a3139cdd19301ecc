"""Salary parsing: ranges, bounds, separators, currencies, periods, structured pay and FX."""
from datetime import date

import pytest

from jobsight.normalize.salary import (
    annualize,
    from_structured,
    parse_salary,
    rate_table,
    salary_in_text,
    to_base,
    with_plausible_period,
)
from jobsight.posting import StructuredSalary


def parsed(text, **kwargs):
    salary = parse_salary(text, **kwargs)
    assert salary is not None, text
    return salary.min, salary.max, salary.currency, salary.period


@pytest.mark.parametrize(
    "text, kwargs, expected",
    [
        ("€60k–80k p.a.", {}, (60000, 80000, "EUR", "year")),
        ("$120,000 - $150,000 per year", {}, (120000, 150000, "USD", "year")),
        ("up to €70k", {}, (None, 70000, "EUR", "year")),
        ("from 3000 EUR", {}, (3000, None, "EUR", "month")),
        ("$120,000+", {}, (120000, None, "USD", "year")),
        ("60.000,00 €", {}, (60000, 60000, "EUR", "year")),
        ("15 000 - 25 000 MDL", {}, (15000, 25000, "MDL", "month")),
        ("£40,000 - £50,000 per annum", {}, (40000, 50000, "GBP", "year")),
        ("$50/hr", {}, (50, 50, "USD", "hour")),
        ("$45 an hour", {}, (45, 45, "USD", "hour")),
        ("$60-$80 per hour", {}, (60, 80, "USD", "hour")),
        ("€400 per day", {}, (400, 400, "EUR", "day")),
        ("USD 5,000 monthly", {}, (5000, 5000, "USD", "month")),
        ("$1,500 / week", {}, (1500, 1500, "USD", "week")),
        ("bis zu 75.000 € brutto/Jahr", {}, (None, 75000, "EUR", "year")),
        ("ab 3.500 € monatlich", {}, (3500, None, "EUR", "month")),
        ("1.500 - 2.500 EUR pe lună", {}, (1500, 2500, "EUR", "month")),
        ("4000 zł", {}, (4000, 4000, "PLN", "month")),
        ("CHF 120'000", {}, (120000, 120000, "CHF", "year")),
        ("₹12,00,000 per annum", {}, (1200000, 1200000, "INR", "year")),
        ("12 LPA", {"country": "IN"}, (1200000, 1200000, "INR", "year")),
        ("60-80k", {"default_currency": "EUR"}, (60000, 80000, "EUR", "year")),
        ("$100k-$130k", {"country": "CA"}, (100000, 130000, "CAD", "year")),
        ("$100k", {"country": "AU"}, (100000, 100000, "AUD", "year")),
        ("$90k", {"country": "NZ"}, (90000, 90000, "NZD", "year")),
        ("$7k/month", {"country": "SG"}, (7000, 7000, "SGD", "month")),
        ("CA$90k-110k", {}, (90000, 110000, "CAD", "year")),
        ("5000 lei pe lună", {"country": "MD"}, (5000, 5000, "MDL", "month")),
        ("5000 lei pe lună", {"country": "RO"}, (5000, 5000, "RON", "month")),
        ("45 000 kr", {"country": "NO"}, (45000, 45000, "NOK", "month")),
        ("45 000 kr", {"country": "DK"}, (45000, 45000, "DKK", "month")),
        ("45 000 kr", {"country": "SE"}, (45000, 45000, "SEK", "month")),
        ("80k-60k EUR", {}, (60000, 80000, "EUR", "year")),
        ("10000-15000", {"country": "MD"}, (10000, 15000, "MDL", "month")),
        ("2000-3000", {"default_currency": "USD", "default_period": "week"}, (2000, 3000, "USD", "week")),
        ("$120k - $150k + equity", {}, (120000, 150000, "USD", "year")),
    ],
)
def test_parse_salary(text, kwargs, expected):
    assert parsed(text, **kwargs) == expected


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "Competitive", "negotiable", "Salariu negociabil", "DOE", "Depending on experience",
     "Negotiable, 2 positions", "401(k) match", "Gehalt nach Vereinbarung", "n/a"],
)
def test_no_salary(text):
    assert parse_salary(text) is None


@pytest.mark.parametrize(
    "text, period",
    [("$45", "hour"), ("€120", "hour"), ("$2,500", "month"), ("€9,000", "month"), ("$85,000", "year"),
     ("¥350,000", "month"), ("¥6,000,000", "year"), ("25 000 MDL", "month"), ("600 000 MDL", "year")],
)
def test_unstated_period_is_guessed_from_the_eur_magnitude(text, period):
    assert parse_salary(text).period == period


def test_default_period_beats_the_guess():
    assert parse_salary("$45", default_period="day").period == "day"
    assert parse_salary("$45/hr", default_period="day").period == "hour"


def test_raw_text_is_kept():
    assert parse_salary("  €60k – 80k  p.a. ").raw == "€60k – 80k p.a."


@pytest.mark.parametrize(
    "amount, period, expected",
    [(10, "hour", 20800), (100, "day", 26000), (1000, "week", 52000), (1000, "bi_week", 26000),
     (1000, "semi_month", 24000), (1000, "month", 12000), (50000, "year", 50000), (50000, None, 50000)],
)
def test_annualize(amount, period, expected):
    assert annualize(amount, period) == expected


def test_to_base_picks_the_latest_rate_on_or_before_the_date():
    table = dict(rate_table()["USD"])
    assert to_base(1000, "USD", date(2024, 6, 1)) == pytest.approx(1000 / table[date(2024, 1, 2)])
    assert to_base(1000, "USD", date(2024, 1, 2)) == pytest.approx(1000 / table[date(2024, 1, 2)])
    assert to_base(1000, "USD", date(2024, 1, 1)) == pytest.approx(1000 / table[date(2023, 1, 2)])


def test_to_base_edges():
    assert to_base(500, "EUR") == 500
    assert to_base(500, "eur") == 500
    assert to_base(100, "XXX") is None
    assert to_base(100, None) is None
    oldest = rate_table()["GBP"][0][1]
    assert to_base(100, "GBP", date(1999, 1, 1)) == pytest.approx(100 / oldest)


def test_rate_table_covers_required_currencies():
    required = {"EUR", "USD", "GBP", "CAD", "AUD", "CHF", "PLN", "MDL", "RON", "SEK", "NOK", "DKK", "INR", "JPY"}
    assert required <= set(rate_table())


def test_annual_amount_is_in_eur_at_the_posting_date():
    salary = parse_salary("$100,000 per year", on=date(2024, 3, 1))
    assert salary.annual_currency == "EUR"
    assert salary.annual_min == pytest.approx(to_base(100000, "USD", date(2024, 3, 1)), abs=0.01)


def test_hourly_pay_is_annualized_by_2080_hours():
    salary = parse_salary("€50/hr")
    assert salary.annual_min == 104000
    assert salary.annual_max == 104000


def test_monthly_mdl_is_annualized_and_converted():
    salary = parse_salary("15 000 - 25 000 MDL", on=date(2025, 3, 1))
    rate = dict(rate_table()["MDL"])[date(2025, 1, 2)]
    assert salary.annual_min == pytest.approx(15000 * 12 / rate, abs=0.01)
    assert salary.annual_max == pytest.approx(25000 * 12 / rate, abs=0.01)


def test_unknown_currency_has_no_annual_eur():
    salary = parse_salary("5000-6000 per month")
    assert salary.currency is None
    assert salary.annual_min is None and salary.annual_currency is None


@pytest.mark.parametrize(
    "structured, country, expected",
    [
        (StructuredSalary(100000, 80000, "USD", "per-year-salary"), None, (80000, 100000, "USD", "year")),
        (StructuredSalary(20, 30, "$", "1 HOUR"), "CA", (20, 30, "CAD", "hour")),
        (StructuredSalary(4000, 5000, "EUR", "per-month-salary"), None, (4000, 5000, "EUR", "month")),
        (StructuredSalary(2000, 2500, "USD", "bi-week-salary"), None, (2000, 2500, "USD", "bi_week")),
        (StructuredSalary(3000, None, "GBP", "semi-month-salary"), None, (3000, None, "GBP", "semi_month")),
        (StructuredSalary(500, 600, "EUR", "DAY"), None, (500, 600, "EUR", "day")),
        (StructuredSalary(90000, 120000, "USD", None), None, (90000, 120000, "USD", "year")),
        (StructuredSalary(None, 3000, None, "MONTH"), "MD", (None, 3000, "MDL", "month")),
    ],
)
def test_from_structured(structured, country, expected):
    salary = from_structured(structured, country=country)
    assert (salary.min, salary.max, salary.currency, salary.period) == expected


@pytest.mark.parametrize(
    "structured",
    [
        None,
        StructuredSalary(0, 0, "USD", "year"),
        StructuredSalary(None, None, "USD", "year"),
        StructuredSalary(1000, 2000, "USD", "one-time"),
    ],
)
def test_from_structured_without_pay(structured):
    assert from_structured(structured) is None


def test_from_structured_falls_back_to_its_raw_text():
    salary = from_structured(StructuredSalary(None, None, None, None, raw="€50k-€60k"))
    assert (salary.min, salary.max, salary.currency) == (50000, 60000, "EUR")


@pytest.mark.parametrize(
    "description, found",
    [
        ("Great team.\nSalary: $120k-$150k per year plus equity\n401(k) match", "$120k-$150k per year plus equity"),
        ("Compensation: €55.000 - €65.000 brutto", "€55.000 - €65.000 brutto"),
        ("Salariu: 20 000 MDL pe lună", "20 000 MDL pe lună"),
        ("Founded in 2010, 50 employees, 401(k) and 25 days off", None),
        ("We grew revenue by 40% to $5M last year", None),
        ("", None),
        # The phrase ends with its clause, so another sentence's "a week" is not its period.
        ("Salary: £65,000 - £80,000 + 10% bonus. Hybrid: 2 days a week in our office.", "£65,000 - £80,000 + 10% bonus"),
        ("Salary: €60k p.a. Remote", "€60k p.a"),
        # A period next to the amount is salary context on its own, in any of our languages.
        ("20 Std./Woche, 18 € pro Stunde. Hybrid: 2 Tage pro Woche im Büro.", "18 € pro Stunde"),
        ("Six-month contract, outside IR35, £550/day.", "£550/day"),
        # A bound just before the amount is kept.
        ("Salary: from 65,000 EUR per year. Fully remote within the EU.", "from 65,000 EUR per year"),
        ("Gehalt: ab 3.500 € monatlich", "ab 3.500 € monatlich"),
        ("We raised $20M in year one.", None),
        # A period without a salary word only makes pay of a size one could live on.
        ("Free lunch worth €10 a day.", None),
        ("A €30 a week gym allowance.", None),
    ],
)
def test_salary_in_text(description, found):
    assert salary_in_text(description) == found


@pytest.mark.parametrize(
    "description, expected",
    [
        ("Salary: £65,000 - £80,000 + 10% bonus. Hybrid: 2 days a week in our office.", (65000, 80000, "GBP", "year")),
        ("20 Std./Woche, 18 € pro Stunde. Hybrid: 2 Tage pro Woche im Büro.", (18, 18, "EUR", "hour")),
        ("Salary: from 65,000 EUR per year. Fully remote.", (65000, None, "EUR", "year")),
        ("Six-month contract, outside IR35, £550/day.", (550, 550, "GBP", "day")),
    ],
)
def test_salary_found_in_text_parses(description, expected):
    assert parsed(salary_in_text(description)) == expected


def test_period_words_of_another_clause_are_not_the_salarys():
    assert parsed("£65,000 - £80,000 + 10% bonus. Hybrid: 2 days a week")[3] == "year"
    assert parsed("£65,000 - £80,000 + 10% bonus; 2 days a week in office")[3] == "year"
    assert parsed("Hourly rate: $50")[3] == "hour"  # before the amount, same clause


def test_digits_glued_to_a_word_are_not_an_amount():
    assert parse_salary("outside IR35") is None
    assert parsed("outside IR35, £550/day") == (550, 550, "GBP", "day")
    assert parse_salary("EUR60,000").min == 60000  # a currency flush against its amount is still one


@pytest.mark.parametrize(
    "structured, text, period",
    [
        # Filed as yearly, but $28–$34 a year is no salary: the description says per hour.
        (StructuredSalary(28, 34, "USD", "year"), "Pay: $28–$34 per hour, plus shift differential.", "hour"),
        # No stated period (or one for other amounts): the magnitude decides.
        (StructuredSalary(28, 34, "USD", "year"), "Pay range on request. Shift bonus $2 per week.", "hour"),
        (StructuredSalary(400, 500, "EUR", "year"), "", "month"),
        (StructuredSalary(400, 500, "EUR", "year"), "Rate: €400-€500 per day, outside IR35.", "day"),
        # Plausible pay keeps the source's period.
        (StructuredSalary(60000, 80000, "USD", "year"), "Pay: $28 per hour", "year"),
        (StructuredSalary(28, 34, "USD", "hour"), "", "hour"),
    ],
)
def test_implausible_structured_pay_is_re_read(structured, text, period):
    salary = with_plausible_period(from_structured(structured), text)
    assert (salary.min, salary.max, salary.period) == (structured.min, structured.max, period)
    assert salary.annual_min > 1000


# -- which currency: structured field, explicit sign, the board's currency, the location ------

@pytest.mark.parametrize("text, kwargs, currency", [
    # 1. a structured field wins over whatever the text writes
    ("$50,000 - $60,000", {"default_currency": "EUR", "country": "US"}, "EUR"),
    # 2. an explicit code or symbol wins over the board and the location
    ("CA$90,000 - CA$110,000", {"board_currency": "USD", "country": "US"}, "CAD"),
    ("A$120k", {"board_currency": "USD"}, "AUD"),
    ("USD 4,000 per month", {"board_currency": "MDL", "country": "MD"}, "USD"),
    ("$120,000 - $150,000 CAD", {}, "CAD"),  # the code wins even after a bare "$"
    ("€60k", {"board_currency": "USD", "country": "US"}, "EUR"),
    # 3. a shared sign: the board's currency when the sign can write it ...
    ("$90k - $110k", {"board_currency": "USD", "country": "CA"}, "USD"),
    ("5000 lei", {"board_currency": "MDL", "country": "RO"}, "MDL"),
    # ... else the location's ...
    ("$120k - $150k + super", {"country": "AU"}, "AUD"),
    ("$1,500 - $2,000", {"board_currency": "MDL", "country": "MD"}, "USD"),  # MDL is not written "$"
    ("45 000 kr", {"board_currency": "EUR", "country": "NO"}, "NOK"),
    # ... else the sign's usual currency
    ("$95,000", {}, "USD"),
    ("45 000 kr", {}, "SEK"),
    # 4. no currency in the text: the board's, then the location's
    ("60.000 - 75.000 brutto/Jahr", {"board_currency": "EUR", "country": "PL"}, "EUR"),
    ("10000-15000", {"board_currency": "MDL"}, "MDL"),
    ("15 000 - 20 000", {"country": "PL"}, "PLN"),
])
def test_the_currency_rule(text, kwargs, currency):
    assert parse_salary(text, **kwargs).currency == currency


def test_structured_pay_follows_the_same_rule():
    assert from_structured(StructuredSalary(90000, 110000, "$", "year"), country="CA").currency == "CAD"
    assert from_structured(StructuredSalary(90000, 110000, "$", "year"), country="CA",
                           board_currency="USD").currency == "USD"
    assert from_structured(StructuredSalary(90000, 110000, None, "year"), country="AU",
                           board_currency="USD").currency == "USD"
    assert from_structured(StructuredSalary(90000, 110000, "CAD", "year"), board_currency="USD").currency == "CAD"


def test_normalize_reads_a_dollar_by_the_board_before_the_candidates_region():
    from jobsight.normalize import normalize
    from jobsight.posting import RawPosting

    def pay(source, location):
        return normalize(RawPosting(source=source, source_id="1", url="https://example.test/1", title="Engineer",
                                    company="Acme", location=location, salary_text="$90,000 - $110,000")).salary
    assert pay("remotive", "Canada").currency == "USD"  # a US board quoting dollars
    assert pay("greenhouse", "Toronto, Canada").currency == "CAD"  # an employer's board: the location
    assert pay("hn", "Sydney, Australia").currency == "AUD"
