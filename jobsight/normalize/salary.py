"""Read pay from a posting (structured fields or free text) and put it on one yearly EUR scale.

Amounts keep the posting's own currency and period; ``annual_min``/``annual_max`` are the same
pay annualized (hour × 2080, day × 260, week × 52, semi-month × 24, bi-week × 26, month × 12)
and converted to EUR with the dated rate table in ``jobsight/data/fx_rates.yml``.

When a text states no period, the period is guessed from the size of the amount in EUR:
under 150 → hour, under 15,000 → month, otherwise year (day and week rates are never guessed).

The currency is the first of these that says (``currency_of``):

1. the source's structured pay field ("currency_type": "USD");
2. an unambiguous code or symbol in the text: "USD", "CA$", "A$", "€", "£", "MDL";
3. for a sign several currencies share ("$", "kr", "lei"), the board's currency when the sign
   can write it (RemoteOK, Remotive and We Work Remotely are US boards: their "$" is USD even
   for a job open to Canadians), else the location's ("$" in Sydney is AUD), else the sign's
   usual currency (USD, SEK, RON);
4. with no currency in the text: the board's currency (an amount on Arbeitnow is in EUR),
   then the location's.
"""
from __future__ import annotations

import bisect
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from jobsight.posting import Salary, StructuredSalary

FX_PATH = Path(__file__).resolve().parent.parent / "data" / "fx_rates.yml"
BASE_CURRENCY = "EUR"

PERIOD_FACTORS = {
    "hour": 2080,
    "day": 260,
    "week": 52,
    "bi_week": 26,
    "semi_month": 24,
    "month": 12,
    "year": 1,
}

# Thresholds (EUR) for guessing the period of a bare amount; see the module docstring.
_HOURLY_BELOW = 150
_MONTHLY_BELOW = 15_000

_DOLLAR_BY_COUNTRY = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN", "TW": "TWD",
}
_KRONE_BY_COUNTRY = {"SE": "SEK", "NO": "NOK", "DK": "DKK", "IS": "ISK", "FO": "DKK", "GL": "DKK"}
_LEU_BY_COUNTRY = {"MD": "MDL", "RO": "RON"}
# Signs several currencies write: (the currency each country means by it, the usual one).
_SHARED_SIGNS = {
    "$": (_DOLLAR_BY_COUNTRY, "USD"),
    "kr": (_KRONE_BY_COUNTRY, "SEK"), "kr.": (_KRONE_BY_COUNTRY, "SEK"),
    "lei": (_LEU_BY_COUNTRY, "RON"), "leu": (_LEU_BY_COUNTRY, "RON"),
}
# The currency a board's pay is in when its text does not say, by source kind (docs in
# ../shared/SOURCES.md): RemoteOK states USD; Remotive and We Work Remotely (rss) are US boards
# quoting dollars; Arbeitnow is a German board; rabota.md a Moldovan one. Employer boards
# (Greenhouse, Lever, Ashby, career pages) and Hacker News hire anywhere: the location decides.
BOARD_CURRENCIES = {"remoteok": "USD", "remotive": "USD", "rss": "USD", "arbeitnow": "EUR", "rabota": "MDL"}
_CURRENCY_BY_COUNTRY = {
    "US": "USD", "CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "GB": "GBP",
    "UK": "GBP", "CH": "CHF", "LI": "CHF", "PL": "PLN", "MD": "MDL", "RO": "RON", "SE": "SEK",
    "NO": "NOK", "DK": "DKK", "IN": "INR", "JP": "JPY", "CZ": "CZK", "HU": "HUF", "BR": "BRL",
    "UA": "UAH", "MX": "MXN",
    **{cc: "EUR" for cc in "AT BE CY DE EE ES FI FR GR HR IE IT LT LU LV MT NL PT SI SK".split()},
}

ISO_CODES = frozenset(
    "EUR USD GBP CAD AUD NZD SGD HKD CHF PLN MDL RON SEK NOK DKK ISK INR JPY CZK HUF BRL UAH "
    "MXN TWD ZAR ILS CNY KRW TRY BGN AED".split()
)

# Spellings of currencies found in salary texts; symbols whose currency depends on the
# country or the board ("$", "kr", "lei") resolve in _shared.
_CURRENCY_TOKEN = re.compile(
    r"""(?P<cur>
        US\$|USD\$|C\$|CA\$|CAD\$|A\$|AU\$|AUD\$|NZ\$|S\$|SG\$|HK\$|R\$|\$ | € | £ | ¥ | ₹ | ₴ | ₽
      | \b(?:zł|zl|pln)(?![\w]) | \bz[łl]otych\b
      | \b(?:lei|leu|ron)\b | \bmdl\b | \bлей\b | \bлеев\b
      | \b(?:kr|kr\.|sek|nok|dkk)(?![\w]) | \b(?:chf|fr\.)(?![\w])
      | \b(?:euros?|eur)\b | \b(?:usd|dollars?)\b | \b(?:gbp|pounds?|sterling)\b
      | \b(?:cad|aud|nzd|sgd|hkd|inr|rupees?|rs\.?|jpy|yen|czk|kč|huf|brl|uah|mxn|isk)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_SYMBOLS = {
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₴": "UAH", "₽": "RUB",
    "us$": "USD", "usd$": "USD", "c$": "CAD", "ca$": "CAD", "cad$": "CAD", "a$": "AUD",
    "au$": "AUD", "aud$": "AUD", "nz$": "NZD", "s$": "SGD", "sg$": "SGD", "hk$": "HKD", "r$": "BRL",
    "zł": "PLN", "zl": "PLN", "złotych": "PLN", "zlotych": "PLN", "mdl": "MDL", "лей": "MDL",
    "леев": "MDL", "ron": "RON", "chf": "CHF", "fr.": "CHF", "euro": "EUR", "euros": "EUR",
    "dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "rupee": "INR", "rupees": "INR", "rs": "INR", "rs.": "INR", "yen": "JPY", "kč": "CZK",
}

_NON_SALARY = re.compile(
    r"\b(?:competitive|negotiable|negociabil\w*|nego|doe|depending\s+on\s+experience|"
    r"commensurate|tbd|tba|n/?a|not\s+(?:disclosed|specified|stated)|verhandelbar|"
    r"nach\s+vereinbarung|attractive|attraktiv\w*|market\s+rate|la\s+negociere|conform\s+interviului)\b",
    re.IGNORECASE,
)


def _per(units: str) -> str:
    """"per hour", "an hour", "/hr", "pe lună", "pro Monat": a unit after a per-word or a slash."""
    return rf"(?:\b(?:per|an|a|each|pro|pe|la|in|im)\s+|/\s*)(?:{units})\b"


_PERIOD_WORDS = [
    ("hour", _per(r"hour|hr|h|stunde|std|or[ăa]") + r"|\bhourly\b|\bstundenlohn\b|\bp\.h\."),
    ("day", _per(r"day|diem|tag|zi") + r"|\bdaily\b|\bday\s+rate\b|\bper\s+diem\b|\btagessatz\b"),
    ("bi_week", r"\bbi-?weekly\b|\bevery\s+(?:two|2)\s+weeks\b|\bbi-?week\b|\bfortnight(?:ly)?\b"),
    ("semi_month", r"\bsemi-?monthly\b|\btwice\s+a\s+month\b"),
    ("week", _per(r"week|wk|woche|s[ăa]pt[ăa]m[âa]n[ăa]") + r"|\bweekly\b|\bw[öo]chentlich\b"),
    ("month", _per(r"month|mo|mth|mon|monat|lun[ăa]|m") + r"|\bmonthly\b|\bmonatlich\b|\blunar\b"
              r"|\bmonatsgehalt\b|\bmtl\.|\bв\s+месяц\b"),
    ("year", _per(r"year|yr|annum|jahr|an|a") + r"|\bannual(?:ly)?\b|\byearly\b|\bp\.\s?a\b\.?"
             r"|\bper\s+annum\b|\bj[äa]hrlich\b|\bjahresgehalt\b|\banual\b|\blpa\b|\bctc\b|\bote\b"),
]
_PERIOD_PATTERNS = [(period, re.compile(pattern, re.IGNORECASE)) for period, pattern in _PERIOD_WORDS]

_STRUCTURED_PERIODS = {
    "hour": "hour", "hourly": "hour", "per-hour-wage": "hour", "1 hour": "hour", "hr": "hour",
    "day": "day", "daily": "day", "per-day-wage": "day", "1 day": "day",
    "week": "week", "weekly": "week", "per-week-salary": "week", "1 week": "week",
    "bi-week-salary": "bi_week", "biweekly": "bi_week", "bi-weekly": "bi_week", "bi_week": "bi_week",
    "2 week": "bi_week", "2 weeks": "bi_week",
    "semi-month-salary": "semi_month", "semimonthly": "semi_month", "semi-monthly": "semi_month",
    "semi_month": "semi_month", "semi-month": "semi_month", "semimonth": "semi_month",
    "bi-week": "bi_week", "biweek": "bi_week",
    "month": "month", "monthly": "month", "per-month-salary": "month", "1 month": "month", "mo": "month",
    "year": "year", "yearly": "year", "annual": "year", "annually": "year", "annum": "year",
    "per-year-salary": "year", "1 year": "year", "yr": "year",
}
_NOT_PAY_PERIODS = frozenset({"one-time", "one_time", "onetime"})

# A number as salaries write it: 120000, 120,000, 60.000,00, 15 000, 12,00,000 (Indian), 3.5.
_NUMBER = (
    r"\d{1,3}(?:,\d{2})+,\d{3}(?!\d)"
    r"|\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?(?![\d])"
    r"|\d+(?:[.,]\d+)?"
)


def _amount(number: str, suffix: str) -> str:
    return rf"(?P<{number}>{_NUMBER})\s?(?P<{suffix}>k|tsd\.?|mii|lakhs?|lacs?|lpa)?(?![a-zA-Z])"


_RANGE = re.compile(
    _amount("a", "ka")
    + r"(?:\s*(?:[A-Za-z]{3}|[$€£¥₹]|zł|lei)?\s*(?:-|–|—|to|bis|până\s+la|pana\s+la|pînă\s+la|and|a|até|à)\s*"
    r"(?:[A-Z]{3}\s?|US\$|C\$|A\$|[$€£¥₹])?\s*"
    + _amount("b", "kb")
    + r")?",
    re.IGNORECASE,
)
_UPTO_BEFORE = re.compile(
    r"(?:up\s+to|upto|max(?:imum)?\.?|bis\s+zu|bis|până\s+la|pana\s+la|pînă\s+la|at\s+most|under|"
    r"no\s+more\s+than|maxim(?:um)?)\s*[^\d\s]{0,4}\s*$",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(
    r"(?:from|starting\s+(?:at|from)|min(?:imum)?\.?|at\s+least|ab|de\s+la|începând\s+de\s+la|"
    r"incepand\s+de\s+la|minim(?:um)?|over|more\s+than|über|peste)\s*[^\d\s]{0,4}\s*$",
    re.IGNORECASE,
)
_PLUS_AFTER = re.compile(r"^\s?(?:[A-Za-z]{3}\s?)?\+")
_THOUSANDS_K = re.compile(r"\d\s?[kK]\b")
_A_RANGE = re.compile(r"\d\s*(?:-|–|—|to)\s*\D{0,4}\d")
_NOT_PAY_AFTER = re.compile(
    r"\s?(?:%|\(k\)|\s*(?:years?|yrs?|months?|weeks?|days?|hours?|h/w|ani|jahre)\b)", re.IGNORECASE
)
_CURRENCY_NEARBY = re.compile(r"[$€£¥₹]|\b[A-Z]{3}\b")
_INDIAN_GROUPING = re.compile(r"\d{1,3}(?:,\d{2})+,\d{3}")
_UPPER_CODE = re.compile(r"\b[A-Z]{3}\b")


def parse_salary(
    text: str | None,
    *,
    country: str | None = None,
    default_period: str | None = None,
    default_currency: str | None = None,
    board_currency: str | None = None,
    on: date | None = None,
) -> Salary | None:
    """Parse a salary text such as ``"€60k–80k p.a."`` or ``"15 000 - 25 000 MDL"``.

    Returns None for no text, for "competitive"/"negotiable"/"DOE" and for texts with no
    amount. The currency is ``currency_of(text, stated=default_currency, board=board_currency,
    country=country)`` (``default_currency``: what a structured pay field states); the period
    comes from the text, else ``default_period``, else the amount's magnitude.
    """
    if not text or not isinstance(text, str):
        return None
    raw = " ".join(text.split())
    if not raw:
        return None
    found = _find_amounts(raw)
    if found is None:
        return None
    low, high, span_end = found
    if _NON_SALARY.search(raw) and not (_CURRENCY_TOKEN.search(raw) or _THOUSANDS_K.search(raw)):
        return None  # "Negotiable, 2 positions": the number is not pay
    if low is not None and high is not None and low > high:
        low, high = high, low

    currency = currency_of(raw, stated=default_currency, board=board_currency, country=country)
    period = _period_in(raw, span_end) or _normal_period(default_period)
    if period is None:
        period = _guess_period(high if high is not None else low, currency, on)
    return _build(low, high, currency, period, raw, on)


def currency_of(text: str | None, *, stated: str | None = None, board: str | None = None,
                country: str | None = None) -> str | None:
    """The currency pay is in, by the rule of the module docstring: the ``stated`` structured
    field, an unambiguous code or symbol in ``text``, a shared sign read by the ``board``'s
    currency then the ``country``'s, and with no currency in the text the board's then the
    country's own."""
    for source in (stated, text):
        if isinstance(source, str) and source.strip():
            signs = _currency_signs(source)
            plain = next((code for code in signs if code not in _SHARED_SIGNS), None)
            if plain:
                return plain
            if signs:
                return _shared(signs[0], _iso(board), country)
    return _iso(board) or _CURRENCY_BY_COUNTRY.get((country or "").strip().upper())


def _currency_signs(raw: str) -> list[str]:
    """ISO codes and shared signs ("$", "kr", "lei") the text writes, in order."""
    found = []
    for match in _CURRENCY_TOKEN.finditer(raw):
        key = match.group("cur").strip().lower()
        code = key if key in _SHARED_SIGNS else _resolve_currency(key, None)
        if code:
            found.append(code)
    found += [token for token in _UPPER_CODE.findall(raw) if token in ISO_CODES]
    return found


def _shared(sign: str, board: str | None, country: str | None) -> str:
    by_country, usual = _SHARED_SIGNS[sign]
    if board in by_country.values():
        return board
    return by_country.get((country or "").strip().upper(), usual)


def from_structured(s: StructuredSalary | None, country: str | None = None, on: date | None = None,
                    board_currency: str | None = None) -> Salary | None:
    """A Salary from a source's structured pay fields; zero or missing amounts mean none."""
    if s is None:
        return None
    low = _positive(s.min)
    high = _positive(s.max)
    if isinstance(s.period, str) and s.period.strip().lower() in _NOT_PAY_PERIODS:
        return None  # Lever's "one-time": a bonus, not a salary
    if low is None and high is None:
        if not s.raw:
            return None
        return parse_salary(s.raw, country=country, default_currency=s.currency, default_period=s.period,
                            board_currency=board_currency, on=on)
    if low is not None and high is not None and low > high:
        low, high = high, low
    # The field is usually an ISO code; sometimes a symbol or words ("US Dollars").
    currency = currency_of(s.raw, stated=s.currency, board=board_currency, country=country)
    period = _normal_period(s.period)
    if period is None:
        period = _guess_period(high if high is not None else low, currency, on)
    return _build(low, high, currency, period, s.raw or "", on)


# A yearly pay below this (EUR, or the bare amount when the currency is unknown) is not a
# salary for the period it was given: "$28–$34" filed as yearly is an hourly rate.
_IMPLAUSIBLE_ANNUAL_BELOW = 1_000


def with_plausible_period(found: Salary, text: str | None = None, on: date | None = None) -> Salary:
    """``found`` again with a believable period when its yearly amount is implausibly small.

    Sources file structured pay under a period of their own guessing (Greenhouse says "year"
    unless the range title says "hour"), so $28–$34 an hour arrives as $28–$34 a year. Such
    pay is re-read with the period ``text`` (the description) states next to the same amounts
    ("Pay: $28–$34 per hour"), when that makes it plausible, else with the period its
    magnitude suggests. Plausible pay is returned as it is, without reading ``text``.
    """
    top = found.max if found.max is not None else found.min
    if top is None:
        return found
    annual = found.annual_max if found.annual_max is not None else found.annual_min
    if annual is None:
        annual = annualize(top, found.period)  # unknown currency: the bare amount
    if annual >= _IMPLAUSIBLE_ANNUAL_BELOW:
        return found
    period = _period_for_same_pay(found, text)
    if period is None or not _plausible(top, found.currency, period, on):
        period = _guess_period(top, found.currency, on)
    if period == found.period:
        return found
    return _build(found.min, found.max, found.currency, period, found.raw, on)


def _plausible(amount: float, currency: str | None, period: str | None, on: date | None) -> bool:
    annual = _annual_base(amount, currency, period, on)
    return (annual if annual is not None else annualize(amount, period)) >= _IMPLAUSIBLE_ANNUAL_BELOW


def _period_for_same_pay(found: Salary, text: str | None) -> str | None:
    """The period stated beside the description's salary phrase, if that phrase has ``found``'s amounts."""
    phrase = salary_in_text(text)
    if not phrase:
        return None
    phrase = " ".join(phrase.split())
    amounts = _find_amounts(phrase)
    if amounts is None:
        return None
    low, high, end = amounts
    ours = {round(v, 2) for v in (found.min, found.max) if v is not None}
    if not ours & {round(v, 2) for v in (low, high) if v is not None}:
        return None
    return _period_in(phrase, end)


def annualize(amount: float, period: str | None) -> float:
    """Pay per ``period`` as pay per year (an unknown period counts as yearly)."""
    return float(amount) * PERIOD_FACTORS.get(_normal_period(period) or "year", 1)


def to_base(amount: float, currency: str | None, on: date | None = None) -> float | None:
    """``amount`` in EUR at the latest rate dated on or before ``on`` (today when None).

    A date older than the whole table uses its oldest rate; an unknown currency gives None.
    """
    code = _iso(currency)
    if code is None:
        return None
    if code == BASE_CURRENCY:
        return float(amount)
    table = _rates().get(code)
    if not table:
        return None
    dates, values = table
    if isinstance(on, datetime):
        on = on.date()
    index = len(dates) - 1 if on is None else bisect.bisect_right(dates, on) - 1
    return float(amount) / values[max(index, 0)]


# A salary mentioned in running text must be anchored by a currency next to an amount,
# so "401(k)", years and team sizes are not read as pay.
_SALARY_IN_TEXT = re.compile(
    r"""(?:
        (?:US\$|C\$|CA\$|A\$|AU\$|NZ\$|S\$|[$€£₹]|\b(?:EUR|USD|GBP|CHF|CAD|AUD|PLN|MDL|RON|SEK|NOK|DKK|INR)\s?)
        \s?\d[\d.,\u00a0\u202f ]*\s?[kK]?(?:\s*(?:-|–|—|to|bis)\s*(?:[$€£₹]|[A-Z]{3}\s?)?\s?\d[\d.,\u00a0\u202f ]*\s?[kK]?)?
      | \d(?<![A-Za-z\d]\d)[\d.,\u00a0\u202f ]*\s?[kK]?(?:\s*(?:-|–|—|to|bis|până\s+la)\s*\d[\d.,\u00a0\u202f ]*\s?[kK]?)?
        \s?(?:€|£|\b(?:EUR|USD|GBP|CHF|CAD|AUD|PLN|MDL|RON|SEK|NOK|DKK|INR|lei|euro|euros|zł)\b)
    )(?![\d.,]*\s?(?:[mMbB]\b|mn\b|bn\b|mln\b|million|billion))[^\n]{0,40}""",
    re.VERBOSE,
)
# The same clause ends at a sentence stop: "£65k + 10% bonus. Hybrid: 2 days a week" is two.
# A dot inside "p.a." or "Std./Woche" does not end it; one before a capital or the end does.
_CLAUSE_END = re.compile(r"[\n;!?]|\.(?=\s+[A-Z]|\s*$)")
_CLAUSE_STOP = re.compile(r"[;!?]|\.(?=\s+[A-Z])")  # the same, inside one line of text
# "from 65,000 EUR", "up to $90k", "ab 3.500 €": a bound just before the amount belongs to it.
_BOUND_BEFORE = re.compile(
    r"\b(?:from|starting\s+(?:at|from)|up\s+to|upto|at\s+least|at\s+most|min(?:imum)?\.?|max(?:imum)?\.?|"
    r"ab|bis\s+zu|bis|de\s+la|până\s+la|pana\s+la|începând\s+de\s+la|incepand\s+de\s+la|minim|maxim|"
    r"over|under|more\s+than|no\s+more\s+than|über|peste)\s*$",
    re.IGNORECASE,
)
_SALARY_CONTEXT = re.compile(
    r"\b(?:salary|salaries|pay|compensation|comp|base|wage|rate|ote|gehalt|vergütung|jahresgehalt|"
    r"salariu|salariul|remunera\w+|per\s+(?:year|annum|month|hour)|/\s*(?:year|yr|month|mo|hour|hr)|"
    r"annually|monthly|hourly|p\.a\.|brutto|netto|gross|net)\b",
    re.IGNORECASE,
)


# Every phrase _SALARY_IN_TEXT can match holds one of these; they are cheap to look for.
# Written as plain alternatives (no character class) so the regex engine can skip ahead.
_CURRENCY_MARK = re.compile(r"(?:\$|€|£|₹|EUR|USD|GBP|CHF|CAD|AUD|PLN|MDL|RON|SEK|NOK|DKK|INR)(?![A-Za-z])")
_CURRENCY_WORDS = ("lei", "euro", "zł")


def salary_in_text(text: str | None) -> str | None:
    """The first salary-looking phrase of a description ("$120k–150k per year"), if any."""
    if not text:
        return None
    for line in _lines_with_currency(text):
        if "%" in line and not _SALARY_CONTEXT.search(line):
            continue
        for match in _SALARY_IN_TEXT.finditer(line):
            phrase = match.group(0)
            end = _CLAUSE_STOP.search(phrase)
            if end is not None:
                phrase = phrase[: end.start()]  # the amount's own clause, not the next sentence
            if (_SALARY_CONTEXT.search(line) or _THOUSANDS_K.search(phrase) or _A_RANGE.search(phrase)
                    or _stated_period(phrase) and _pay_sized(phrase)):
                return (_bound_before(line, match.start()) + phrase).strip().rstrip(" .")
    return None


def _bound_before(line: str, start: int) -> str:
    """ "from ", "up to ", "ab " just before the amount at ``start`` (a word, so cheap to rule out)."""
    index = start
    while index > 0 and line[index - 1] == " ":
        index -= 1
    if index == 0 or not (line[index - 1].isalpha() or line[index - 1] == "."):
        return ""
    bound = _BOUND_BEFORE.search(line, max(0, start - 30), start)
    return bound.group(0) if bound else ""


# "18 € pro Stunde" and "£550/day" are pay without the word salary; "€10 a day for lunch" and
# "€1,500 per year learning budget" are perks. A period alone makes an amount pay only when it
# comes to a yearly sum one could live on.
_PAY_SIZED_ANNUAL = 6_000


def _pay_sized(phrase: str) -> bool:
    salary = parse_salary(phrase)
    if salary is None:
        return False
    annual = salary.annual_max if salary.annual_max is not None else salary.annual_min
    return annual is None or annual >= _PAY_SIZED_ANNUAL


def _lines_with_currency(text: str) -> list[str]:
    """The lines that mention a currency, in order: the only ones worth the full pattern."""
    positions = [match.start() for match in _CURRENCY_MARK.finditer(text)]
    for word in _CURRENCY_WORDS:
        found = text.find(word)
        while found != -1:
            positions.append(found)
            found = text.find(word, found + 1)
    starts = sorted({text.rfind("\n", 0, position) + 1 for position in positions})
    lines = []
    for start in starts:
        end = text.find("\n", start)
        lines.append(text[start:] if end == -1 else text[start:end])
    return lines


def _build(low, high, currency, period, raw, on) -> Salary:
    annual_low = _annual_base(low, currency, period, on)
    annual_high = _annual_base(high, currency, period, on)
    if annual_low is not None and annual_high is not None and annual_low > annual_high:
        annual_low, annual_high = annual_high, annual_low
    has_annual = annual_low is not None or annual_high is not None
    return Salary(
        min=low,
        max=high,
        currency=currency,
        period=period,
        annual_min=annual_low,
        annual_max=annual_high,
        annual_currency=BASE_CURRENCY if has_annual else None,
        raw=raw,
    )


def _annual_base(amount, currency, period, on) -> float | None:
    if amount is None or currency is None:
        return None
    value = to_base(annualize(amount, period), currency, on)
    return round(value, 2) if value is not None else None


def _positive(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and number == number and number != float("inf") else None


def _find_amounts(raw: str) -> tuple[float | None, float | None, int] | None:
    if not any(c.isdigit() for c in raw):
        return None
    for match in _RANGE.finditer(raw):
        low = _to_number(match.group("a"), match.group("ka"))
        if low is None:
            continue
        if _looks_like_noise(raw, match):
            continue
        high = _to_number(match.group("b"), match.group("kb")) if match.group("b") else None
        if high is not None:
            if match.group("kb") and not match.group("ka") and low < 1000 <= high:
                low *= _multiplier(match.group("kb"))  # "60-80k"
            elif match.group("ka") and not match.group("kb") and high < 1000 <= low:
                high *= _multiplier(match.group("ka"))
            return low, high, match.end()
        before = raw[: match.start()]
        after = raw[match.end() : match.end() + 6]
        if _UPTO_BEFORE.search(before[-30:]):
            return None, low, match.end()
        if _FROM_BEFORE.search(before[-30:]) or _PLUS_AFTER.match(after):
            return low, None, match.end()
        return low, low, match.end()
    return None


def _looks_like_noise(raw: str, match: re.Match) -> bool:
    """Numbers that are not pay: percentages, 401(k), years, durations."""
    after = raw[match.end() : match.end() + 8]
    before = raw[max(0, match.start() - 2) : match.start()]
    number = match.group("a")
    if _NOT_PAY_AFTER.match(after):
        return True
    if number == "401" and after.startswith(("(k)", "k")):
        return True
    if len(number) == 4 and number[:2] in ("19", "20") and not match.group("b") and not match.group("ka"):
        return not _CURRENCY_NEARBY.search(raw[max(0, match.start() - 6) : match.end() + 6])  # a year
    if before.endswith(("#", "Q")):
        return True
    return _glued_to_a_word(raw, match.start())


def _glued_to_a_word(raw: str, start: int) -> bool:
    """ "IR35", "B2B", "H1B", "Q3": digits stuck to a word are part of a name, not an amount
    (a currency written flush against its amount, "EUR60,000" or "Rs50,000", is still one)."""
    if start == 0 or not raw[start - 1].isalpha():
        return False
    word_start = start - 1
    while word_start > 0 and raw[word_start - 1].isalpha():
        word_start -= 1
    word = raw[word_start:start]
    return word.upper() not in ISO_CODES and word.lower() not in _SYMBOLS


def _multiplier(suffix: str | None) -> float:
    if not suffix:
        return 1
    suffix = suffix.lower().rstrip(".")
    if suffix in ("k", "tsd", "mii"):
        return 1000
    return 100_000  # lakh, lac, lpa


def _to_number(text: str | None, suffix: str | None) -> float | None:
    if not text:
        return None
    digits = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("'", "")
    if _INDIAN_GROUPING.fullmatch(digits):
        digits = digits.replace(",", "")
    elif "," in digits and "." in digits:
        # The separator that comes last is the decimal one: 60.000,00 vs 60,000.00.
        if digits.rfind(",") > digits.rfind("."):
            digits = digits.replace(".", "").replace(",", ".")
        else:
            digits = digits.replace(",", "")
    else:
        for sep in (",", "."):
            if sep in digits:
                groups = digits.split(sep)
                if len(groups) > 2 or (len(groups[-1]) == 3 and not suffix):
                    digits = digits.replace(sep, "")  # thousands: 120,000 / 60.000
                else:
                    digits = digits.replace(sep, ".")  # decimal: 3.5k / 1,5k
    try:
        value = float(digits) * _multiplier(suffix)
    except ValueError:
        return None
    # Nobody is paid a billion a period; such "amounts" are ids or phone numbers.
    return value if 0 < value < 1e9 else None


def _resolve_currency(token: str | None, country: str | None) -> str | None:
    """ISO 4217 code for a symbol, word or code; "$", "kr" and "lei" depend on the country."""
    if not token:
        return None
    key = token.strip().lower()
    if key in _SHARED_SIGNS:
        return _shared(key, None, country)
    if key.upper() in ISO_CODES:
        return key.upper()
    return _SYMBOLS.get(key)


def _iso(currency: str | None) -> str | None:
    if not currency:
        return None
    return _resolve_currency(currency, None)


def _period_in(raw: str, amount_end: int) -> str | None:
    # Period words must belong to the amount: right after it (a few words, same clause), else
    # anywhere in the amount's own clause ("Hourly rate: $50"). "£65k + 10% bonus. Hybrid:
    # 2 days a week" states no period: "a week" is another sentence's.
    clause_end = _CLAUSE_END.search(raw, amount_end)
    clause_stop = clause_end.start() if clause_end else len(raw)
    period = _stated_period(raw[amount_end : min(clause_stop, amount_end + _PERIOD_REACH)])
    if period:
        return period
    clause_start = 0
    for stop in _CLAUSE_END.finditer(raw, 0, amount_end):
        clause_start = stop.end()
    return _stated_period(raw[clause_start:clause_stop])


_PERIOD_REACH = 30  # "€60k brutto per year", "$28–$34 per hour": a period follows within a few words


def _stated_period(text: str) -> str | None:
    for period, pattern in _PERIOD_PATTERNS:
        if pattern.search(text):
            return period
    return None


def _normal_period(period: str | None) -> str | None:
    if not period or not isinstance(period, str):
        return None
    key = period.strip().lower()
    if key in PERIOD_FACTORS:
        return key
    return _STRUCTURED_PERIODS.get(key) or _STRUCTURED_PERIODS.get(key.replace("_", "-"))


def _guess_period(amount: float | None, currency: str | None, on: date | None) -> str | None:
    if amount is None:
        return None
    in_eur = to_base(amount, currency, on) if currency else None
    scale = in_eur if in_eur is not None else amount
    if scale < _HOURLY_BELOW:
        return "hour"
    if scale < _MONTHLY_BELOW:
        return "month"
    return "year"


@lru_cache(maxsize=1)
def _rates() -> dict[str, tuple[list[date], list[float]]]:
    with open(FX_PATH, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    table: dict[str, tuple[list[date], list[float]]] = {}
    for code, rows in data["rates"].items():
        pairs = sorted((_as_date(day), float(rate)) for day, rate in rows.items())
        table[str(code).upper()] = ([d for d, _ in pairs], [r for _, r in pairs])
    return table


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def rate_table() -> dict[str, list[tuple[date, float]]]:
    """The FX table as ``{currency: [(date, units per EUR), ...]}``, oldest first."""
    return {code: list(zip(dates, values)) for code, (dates, values) in _rates().items()}
