"""Minimum years of experience in English, Romanian and German texts."""
import pytest

from jobsight.normalize.experience import min_years


@pytest.mark.parametrize(
    "text, years",
    [
        ("3+ years of experience with Python", 3),
        ("At least five years of professional experience", 5),
        ("at least twelve years in industry", 12),
        ("twenty years of experience", 20),
        ("2-4 years experience", 2),
        ("2–4 yrs of relevant experience", 2),
        ("Experience: 2 to 5 years", 2),
        ("3 or more years of experience", 3),
        ("Minimum 1 year in a similar role", 1),
        ("at least a year of experience", 1),
        ("6 months of experience", 0.5),
        ("You have 5+ years building web apps", 5),
        ("Senior (7+ yrs)", 7),
        ("1.5 years of experience in QA", 1.5),
        ("3+ years of backend experience; 1+ year with AWS", 3),
        ("Founded 20 years ago. You bring 4+ years of Go experience.", 4),
        # Romanian
        ("de la 3 ani", 3),
        ("Experiența de muncă: de la 2 ani", 2),
        ("de la 1 la 3 ani", 1),
        ("cel puțin 2 ani experiență în dezvoltare", 2),
        ("Ai minim 3 ani de experiență", 3),
        ("experiență de un an", 1),
        ("peste cinci ani de experiență în programare", 5),
        # German
        ("3 Jahre Berufserfahrung", 3),
        ("mindestens 2 Jahre Erfahrung in der Softwareentwicklung", 2),
        ("Sie bringen mindestens drei Jahre Berufserfahrung mit", 3),
        ("ein Jahr Berufserfahrung", 1),
        ("6 Monate Praxis", 0.5),
    ],
)
def test_min_years(text, years):
    assert min_years(text) == years


@pytest.mark.parametrize(
    "text",
    [
        "No experience required",
        "no prior experience necessary",
        "Entry level position",
        "Entry-level role, we train you",
        "fără experiență",
        "Experiența de muncă: fara experienta",
        "Keine Berufserfahrung erforderlich",
        "Auch für Berufseinsteiger geeignet",
        "No experience? No problem! We train.",
        "Graduates welcome",
    ],
)
def test_no_experience_needed_is_zero(text):
    assert min_years(text) == 0


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "We build great products.",
        "The company was founded 10 years ago.",
        "We have been in business for 20 years.",
        "Over the past 10 years we grew tenfold",
        "We offer 25 days of vacation",
        "5 years warranty on all devices",
        "ten years",
        "a year of growth ahead",
        "Sie haben mehrjährige Berufserfahrung",
        "Firma a fost fondată acum 15 ani",
        "Seit 12 Jahren am Markt",
    ],
)
def test_unstated_or_unrelated_years_are_none(text):
    assert min_years(text) is None


def test_implausible_numbers_are_ignored():
    assert min_years("99 years of experience") is None


def test_first_stated_requirement_wins():
    text = "Requirements:\n- 4+ years of Java experience\n- 2+ years with Kubernetes"
    assert min_years(text) == 4


def test_a_skills_experience_not_being_required_is_not_zero():
    text = "This is not a React role, so React experience is not required.\n2+ years of frontend experience."
    assert min_years(text) == 2
    assert min_years("C++ experience is not required. 3+ years of Go experience.") == 3
    assert min_years("React experience is not required.") is None
    # General experience not being required is still zero.
    assert min_years("Experience is not required.") == 0
    assert min_years("- Prior experience is not required") == 0


@pytest.mark.parametrize("text, years", [("1-3 ani", 1), ("2-4 years", 2), ("3 Jahre", 3), ("6 luni", 0.5)])
def test_a_dedicated_experience_field_needs_no_experience_words(text, years):
    assert min_years(text, about_experience=True) == years


def test_a_dedicated_experience_field_still_ignores_unrelated_years():
    assert min_years("fondată acum 15 ani", about_experience=True) is None
    assert min_years("—", about_experience=True) is None


@pytest.mark.parametrize(
    "text, years",
    [
        ("Python, spaCy and scikit-learn. 5 years of NLP work.", 5),
        ("Requirements:\n- 4 years of data-platform work", 4),
        ("You bring 3 years of backend work.", 3),
        ("After 10 years of research work, we launched the product.", None),
        ("We put 10 years of product work into this.", None),
        ("Founded 10 years ago; years of work went into it.", None),
    ],
)
def test_years_of_field_work_count_only_as_a_requirement(text, years):
    assert min_years(text) == years
