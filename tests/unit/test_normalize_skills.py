"""Skill extraction: taxonomy loading, aliases, symbol tokens, ambiguous names and negations."""
from pathlib import Path

import pytest

from jobsight.normalize.skills import CATEGORIES, Taxonomy, read_taxonomy_file


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return Taxonomy.load()


def test_bundled_taxonomy_is_versioned_and_covers_the_labour_market(taxonomy):
    assert isinstance(taxonomy.version, int) and taxonomy.version >= 3
    assert len(taxonomy) >= 2000
    assert {skill.category for skill in taxonomy.skills} == set(CATEGORIES)
    areas = {skill.area for skill in taxonomy.skills}
    assert {"software", "it_ops", "finance", "sales", "marketing", "support", "hr", "logistics", "healthcare",
            "embedded", "games", "manufacturing", "construction", "languages"} <= areas
    assert all(skill.area for skill in taxonomy.skills), "every bundled skill names its field of work"


def test_no_spelling_names_two_skills():
    """A spelling shared by two entries would silently tag only the first: a curation error."""
    rows, _ = read_taxonomy_file()
    owner: dict[str, str] = {}
    clashes = []
    for row in rows:
        for spelling in (row["name"], *(row.get("aliases") or ())):
            key = " ".join(str(spelling).lower().split())
            if owner.setdefault(key, row["name"]) != row["name"]:
                clashes.append(f"{spelling!r}: {owner[key]} and {row['name']}")
    assert clashes == []


def test_context_words_belong_to_ambiguous_skills(taxonomy):
    for skill in taxonomy.skills:
        if skill.context:
            assert skill.ambiguous, f"{skill.name} has context words but is not ambiguous"
            assert all(word and word == word.lower() for word in skill.context), skill.name


def test_canonical_names_are_unique(taxonomy):
    names = [skill.name for skill in taxonomy.skills]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("k8s", "Kubernetes"),
        ("K8S", "Kubernetes"),
        ("golang", "Go"),
        ("Postgres", "PostgreSQL"),
        ("postgresql", "PostgreSQL"),
        ("psql", "PostgreSQL"),
        ("JS", "JavaScript"),
        ("TS", "TypeScript"),
        ("React.js", "React"),
        ("ReactJS", "React"),
        ("node", "Node.js"),
        ("node.js", "Node.js"),
        ("dotnet", ".NET"),
        (".net", ".NET"),
        ("c#", "C#"),
        ("csharp", "C#"),
        ("cpp", "C++"),
        ("Amazon Web Services", "AWS"),
        ("aws", "AWS"),
        ("Google Cloud Platform", "GCP"),
        ("sklearn", "scikit-learn"),
        ("  Kubernetes  ", "Kubernetes"),
        ("unheard-of-tool", None),
        ("", None),
    ],
)
def test_canonical_resolves_aliases_case_insensitively(taxonomy, alias, canonical):
    assert taxonomy.canonical(alias) == canonical


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We run on k8s in Amazon Web Services", {"Kubernetes", "AWS"}),
        ("Strong C++ and C# skills; .NET Core is a plus", {"C++", "C#", ".NET"}),
        ("Backend in Node.js, frontend in ReactJS", {"Node.js", "React"}),
        ("Experience with CI/CD pipelines and GitHub Actions", {"CI/CD", "GitHub Actions"}),
        ("Postgres, psql and MongoDB", {"PostgreSQL", "MongoDB"}),
        ("sklearn, pandas and NumPy for machine learning", {"scikit-learn", "Pandas", "NumPy", "Machine Learning"}),
        ("ASP.NET Core developer", {"ASP.NET"}),
        ("Modern JS/TS (ES6+)", {"JavaScript", "TypeScript"}),
        ("Terraform + Ansible on GCP", {"Terraform", "Ansible", "GCP"}),
        ("Dezvoltator Java cu experiență în Spring Boot și PostgreSQL", {"Java", "Spring Boot", "PostgreSQL"}),
        ("Kenntnisse in Python, Docker und Kubernetes", {"Python", "Docker", "Kubernetes"}),
    ],
)
def test_extracts_aliases_and_symbol_tokens(taxonomy, text, expected):
    assert set(taxonomy.extract(text)) == expected


@pytest.mark.parametrize(
    "text, absent",
    [
        ("Javanese cuisine and JavaScript", "Java"),
        ("We deploy with helmets on", "Helm"),
        ("mysqlx is not a word", "MySQL"),
        ("Read main.go and script.r", "Go"),
        ("see https://github.com/acme/react for details", "React"),
        ("write to jobs@rust.example.com", "Rust"),
    ],
)
def test_matches_only_whole_tokens(taxonomy, text, absent):
    assert absent not in taxonomy.extract(text)


@pytest.mark.parametrize(
    "text, present",
    [
        ("Go developer wanted", True),
        ("Backend services written in Go.", True),
        ("We use Python, Go and Rust for our backend", True),
        ("Golang microservices", True),
        ("Let's go!", False),
        ("Our go-to tool for everything", False),
        ("Go live in Q3 with the new store", False),
        ("You will go through onboarding", False),
        ("Ready to Go? Apply now", False),
    ],
)
def test_go_needs_language_context(taxonomy, text, present):
    assert ("Go" in taxonomy.extract(text)) is present


@pytest.mark.parametrize(
    "text, present",
    [
        ("Statistical modelling in R or Python", True),
        ("R programming for data analysis", True),
        ("Data analysis in R.", True),
        ("Experience with SAS, SPSS or R", True),
        ("Our R&D department", False),
        ("Contact R. Smith in HR", False),
        ("Plan R is our fallback", False),
        ("- Solid statistical modelling (GLMs, GBMs)\n- R is a plus; PySpark experience is a bonus", True),
        ("Statistics background; R would be nice to have.", True),
        ("A small insurer with a big R&D budget and statistical models.", False),
        ("Plan R is a plus for the team", False),
    ],
)
def test_r_needs_statistics_context(taxonomy, text, present):
    assert ("R" in taxonomy.extract(text)) is present


@pytest.mark.parametrize(
    "text, present",
    [
        ("Firmware in C/C++ for microcontrollers", True),
        ("Embedded C on ARM Cortex-M", True),
        ("C programming and Linux kernel work", True),
        ("Experience in C.", True),
        ("Report to C-level executives", False),
        ("We raised a Series C round", False),
        ("English at C1 level", False),
        ("Send your C.V. to us", False),
        ("Grades A, B, C", False),
    ],
)
def test_c_needs_programming_context(taxonomy, text, present):
    assert ("C" in taxonomy.extract(text)) is present


@pytest.mark.parametrize(
    "text, present",
    [
        ("Apache Spark for batch jobs", True),
        ("PySpark and Databricks", True),
        ("Spark and Kafka data pipelines", True),
        ("You spark joy in the team", False),
        ("A spark of creativity", False),
    ],
)
def test_spark_needs_data_context(taxonomy, text, present):
    assert ("Apache Spark" in taxonomy.extract(text)) is present


@pytest.mark.parametrize(
    "text, skill, present",
    [
        ("iOS developer: Swift, SwiftUI, Xcode", "Swift", True),
        ("swift onboarding and a friendly team", "Swift", False),
        ("SWIFT payments network experience in banking", "Swift", False),
        ("Rust developer for our systems programming team", "Rust", True),
        ("Remove rust from the pipes", "Rust", False),
        ("Advanced Excel skills (pivot tables, VLOOKUP)", "Excel", True),
        ("Microsoft Excel and PowerPoint", "Excel", True),
        ("You excel at communication", "Excel", False),
        ("Excel at teamwork and excellent English", "Excel", False),
        ("Excellent communication skills", "Excel", False),
    ],
)
def test_swift_rust_excel_rules(taxonomy, text, skill, present):
    assert (skill in taxonomy.extract(text)) is present


@pytest.mark.parametrize(
    "text",
    [
        "No Java needed",
        "Java not required",
        "Java is not required for this role",
        "without PHP",
        "This is not a React role",
        "Kein Java nötig",
        "We're not looking for Java or PHP experience.",
        "No Java, PHP or Ruby.",
        "no Java/PHP needed",
        "This is not a Java role; we don't need Java experience.",
        "We don’t use Ruby",
        "It doesn't need PHP",
    ],
)
def test_negated_mentions_do_not_count(taxonomy, text):
    assert taxonomy.extract(text) == []


@pytest.mark.parametrize(
    "text, skills",
    [
        ("We're not looking for Java or PHP experience. Python and Django daily.", ["Python", "Django"]),
        # A bare comma after a negated skill ends the negation unless a conjunction closes a list.
        ("No Java, Python is our language.", ["Python"]),
        ("No Java needed; PHP and Ruby are fine.", ["PHP", "Ruby"]),
    ],
)
def test_a_negation_covers_its_whole_list_and_no_more(taxonomy, text, skills):
    assert taxonomy.extract(text) == skills


@pytest.mark.parametrize(
    "text, skills",
    [
        ("Sehr gute Deutsch- und Englischkenntnisse", ["German", "English"]),
        ("Gute Englischkenntnisse", ["English"]),
        ("Sehr gute Deutschkenntnisse (C1)", ["German"]),
        ("Englisch- und Deutschkenntnisse von Vorteil", ["English", "German"]),
    ],
)
def test_german_language_compounds(taxonomy, text, skills):
    assert taxonomy.extract(text) == skills


def test_a_later_positive_mention_still_counts(taxonomy):
    assert taxonomy.extract("No Java needed for the first month. Later you will write Java daily.") == ["Java"]


def test_not_only_is_not_a_negation(taxonomy):
    assert taxonomy.extract("Not only Java but also Kotlin") == ["Java", "Kotlin"]


def test_order_is_first_occurrence_title_then_text_then_tags(taxonomy):
    skills = taxonomy.extract(
        "We use Docker and Python daily", title="Senior Go Developer", tags=["k8s", "python", "nonsense"]
    )
    assert skills == ["Go", "Docker", "Python", "Kubernetes"]


def test_each_skill_is_listed_once(taxonomy):
    assert taxonomy.extract("Python, python, PYTHON and python3") == ["Python"]


def test_exact_case_aliases(taxonomy):
    assert "TypeScript" in taxonomy.extract("React with TS")
    assert "TypeScript" not in taxonomy.extract("ts-node scripts")  # lowercase "ts" is not TypeScript
    assert "Node.js" not in taxonomy.extract("every node in the graph")


def test_from_rows_builds_a_working_taxonomy():
    rows = [
        {"name": "Kubernetes", "category": "devops", "aliases": ["k8s"], "ambiguous": False},
        {"name": "Go", "category": "language", "aliases": ["golang"], "ambiguous": True},
    ]
    taxonomy = Taxonomy.from_rows(rows, version=7)
    assert taxonomy.version == 7
    assert taxonomy.canonical("K8s") == "Kubernetes"
    assert taxonomy.extract("golang on k8s") == ["Go", "Kubernetes"]
    assert taxonomy.extract("let's go") == []


def test_constructor_takes_entries_and_extra_row_keys_are_ignored():
    taxonomy = Taxonomy(
        [{"name": "Go", "category": "language", "aliases": ["golang"], "ambiguous": True, "taxonomy_version": 2}],
        version=2,
    )
    assert taxonomy.canonical("GOLANG") == "Go"
    assert len(taxonomy) == 1


def test_an_empty_taxonomy_finds_nothing():
    assert Taxonomy([], version=1).extract("Python and Go", tags=["python"]) == []


def test_load_reads_a_given_path(tmp_path: Path):
    path = tmp_path / "skills.yml"
    path.write_text("version: 3\nskills:\n  - {name: Erlang, category: language, aliases: [otp], ambiguous: false}\n")
    taxonomy = Taxonomy.load(path)
    assert taxonomy.version == 3
    assert taxonomy.extract("Erlang/OTP") == ["Erlang"]


def test_empty_text(taxonomy):
    assert taxonomy.extract("") == []
    assert taxonomy.extract("", title="", tags=[]) == []


def test_an_included_file_adds_its_skills(tmp_path: Path):
    (tmp_path / "more.yml").write_text("skills:\n  - {name: Payroll, category: domain, aliases: [lohnbuchhaltung]}\n")
    (tmp_path / "skills.yml").write_text(
        "version: 4\ninclude: [more.yml]\nskills:\n  - {name: Erlang, category: language, aliases: []}\n")
    taxonomy = Taxonomy.load(tmp_path / "skills.yml")
    assert taxonomy.version == 4
    assert taxonomy.extract("Erlang und Lohnbuchhaltung") == ["Erlang", "Payroll"]


@pytest.mark.parametrize("text, found", [
    ("Fluent German and English required.", ["German", "English"]),
    ("Languages: English, German, French", ["English", "German", "French"]),
    ("Sehr gute Deutsch- und Englischkenntnisse", ["German", "English"]),
    ("Deutschkenntnisse in Wort und Schrift", ["German"]),
    ("Cunoașterea limbii engleze constituie un avantaj", ["English"]),
    ("Limba engleză - nivel mediu", ["English"]),
    ("Polish (B2) is a plus", ["Polish"]),
    # a people, a market or a company, not a language asked for
    ("A German company serving the German market.", []),
    ("Our Romanian clients love us.", []),
    ("Polish your skills with us.", []),
])
def test_a_spoken_language_counts_when_asked_for(taxonomy, text, found):
    assert taxonomy.extract(text) == found


def test_an_ambiguous_skill_with_context_words_needs_one_nearby():
    taxonomy = Taxonomy([{"name": "Sage", "category": "tool", "aliases": ["sage 50"], "ambiguous": True,
                          "exact_case": ["Sage"], "context": ["accounting", "invoic*"]}], version=1)
    assert taxonomy.extract("Bookings and invoicing in Sage.") == ["Sage"]
    assert taxonomy.extract("Sage accounting software") == ["Sage"]
    assert taxonomy.extract("Sage advice from our founders.") == []
    assert taxonomy.extract("We season with sage and thyme, accounting for taste.") == []  # not the capitalised name


def test_romanian_cedilla_letters_match_the_comma_below_spelling():
    taxonomy = Taxonomy([{"name": "Network Administration", "category": "domain",
                          "aliases": ["administrarea rețelelor", "administrare rețele"]}], version=1)
    assert taxonomy.extract("Experiență în administrarea rețelelor") == ["Network Administration"]
    assert taxonomy.extract("Experienţă în administrarea reţelelor") == ["Network Administration"]
    assert taxonomy.canonical("Administrare reţele") == "Network Administration"
