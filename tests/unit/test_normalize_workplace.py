"""Workplace (remote/hybrid/onsite), employment type and seniority classification."""
import pytest

from jobsight.normalize.workplace import employment_type, seniority, workplace


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Remote", "remote"),
        ("Remote (US only)", "remote"),
        ("Remote - Europe", "remote"),
        ("We are a remote-friendly company", "remote"),
        ("Fully remote, work from anywhere", "remote"),
        ("100% Homeoffice möglich", "remote"),
        ("Lucru de la distanță", "remote"),
        ("Anywhere in the World", "remote"),
        ("Hybrid - Berlin", "hybrid"),
        ("2 days in office per week", "hybrid"),
        ("three days a week in the office, the rest from home", "hybrid"),
        ("Program hibrid, 3 zile la birou", "hybrid"),
        ("3 Tage pro Woche im Büro", "hybrid"),
        ("This is not a remote position", "onsite"),
        ("No remote work, sorry", "onsite"),
        ("Non-remote role in Chisinau", "onsite"),
        ("On-site in Chisinau", "onsite"),
        ("Office-based role in London", "onsite"),
        ("Arbeit vor Ort in München", "onsite"),
        ("Berlin, Germany", None),
        ("", None),
        (None, None),
    ],
)
def test_workplace_from_text(text, expected):
    assert workplace(text) == expected


@pytest.mark.parametrize(
    "structured, text, expected",
    [
        ("remote", "On-site in Berlin", "remote"),
        ("OnSite", "Remote", "onsite"),
        ("on-site", "Remote", "onsite"),
        ("Hybrid", "Remote", "hybrid"),
        ("TELECOMMUTE", None, "remote"),
        ("unspecified", "Hybrid, Berlin", "hybrid"),
        (None, "Remote", "remote"),
    ],
)
def test_structured_workplace_wins(structured, text, expected):
    assert workplace(text, structured=structured) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Full-time", "full_time"),
        ("FullTime", "full_time"),
        ("FULL_TIME", "full_time"),
        ("Permanent", "full_time"),
        ("Vollzeit", "full_time"),
        ("Normă întreagă", "full_time"),
        ("Part-time", "part_time"),
        ("Teilzeit", "part_time"),
        ("Contract", "contract"),
        ("Contractor", "contract"),
        ("Freelance", "contract"),
        ("B2B", "contract"),
        ("Internship", "internship"),
        ("Praktikum", "internship"),
        ("Werkstudent (m/w/d)", "internship"),
        ("Temporary", "temporary"),
        ("befristet auf 12 Monate", "temporary"),
        ("Full-time (contract possible)", "full_time"),
        ("Permanent employment contract", "full_time"),
        ("Employment contract, part-time", "part_time"),
        ("International team, internal tools", None),
        ("Stagiu de muncă: 2 ani; experiență practică", None),
        ("Stagiu de practică de vară", "internship"),
        ("", None),
        (None, None),
    ],
)
def test_employment_type(text, expected):
    assert employment_type(text) == expected


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Senior Software Engineer", "senior"),
        ("Sr. Backend Developer", "senior"),
        ("Junior Python Developer", "junior"),
        ("Jr Data Analyst", "junior"),
        ("Graduate Software Engineer", "junior"),
        ("Software Engineer II", "mid"),
        ("Software Engineer III", "senior"),
        ("Mid-level Frontend Developer", "mid"),
        ("Middle QA Engineer", "mid"),
        ("Tech Lead, Payments", "lead"),
        ("Senior Team Lead", "lead"),
        ("Staff Engineer", "lead"),
        ("Principal Engineer", "lead"),
        ("Head of Data", "lead"),
        ("Engineering Manager", "lead"),
        ("Software Engineering Intern", "intern"),
        ("Praktikant Marketing (m/w/d)", "intern"),
        ("Backend Developer", None),
        ("Lead Generation Specialist", None),
        ("", None),
    ],
)
def test_seniority_from_title(title, expected):
    assert seniority(title) == expected


@pytest.mark.parametrize(
    "title, text, expected",
    [
        ("Backend Developer", "Seniority: Senior", "senior"),
        ("Developer", "This is an entry-level position", "junior"),
        ("Developer", "Nivel: junior", "junior"),
        ("Senior Developer", "Seniority: Junior", "senior"),
        ("Developer", "We build software for senior citizens", None),
    ],
)
def test_seniority_title_first_then_explicit_text(title, text, expected):
    assert seniority(title, text) == expected
