"""The keyword matcher's rule (jobsight.textmatch): typos by word length, plurals, synonyms,
German and Romanian titles, seniority, ranking, and the deletion keys saved searches use."""
import random
import re
from pathlib import Path

import pytest

from jobsight import textmatch as tm
from jobsight import textmatch_sql
from jobsight.validate import normalize_keywords


def matches(keywords: str, title: str) -> bool:
    return tm.matches(normalize_keywords(keywords), title)


def tier(keywords: str, title: str):
    found = tm.tier(tm.keywords(normalize_keywords(keywords)), title)
    return None if found is None else tm.TIERS[found]


@pytest.mark.parametrize("keywords, title", [
    ("pyhton developer", "Python Developer"),        # two letters swapped: one edit
    ("python develper", "Senior Python Developer"),  # one letter missing
    ("pythn", "Python Engineer"),                    # 5 letters: one edit
    ("machine lerning engineer", "Machine Learning Engineer"),
    ("sofware engineer", "Software Engineer (Java)"),
    ("andriod developer", "Android Developer"),
    ("data scientst", "Data Scientist, Pricing"),
    ("enginer", "Frontend Developer"),               # a misspelt synonym still means its group
])
def test_typos_within_their_words_length_match(keywords, title):
    assert matches(keywords, title)
    assert tier(keywords, title) == "typos"


@pytest.mark.parametrize("keywords, title", [
    ("jva developer", "Java Developer"),       # 3 letters: no edit allowed
    ("pytn", "Python Developer"),              # 4 letters, 2 edits away
    ("pyhnot developer", "Python Developer"),  # 6 letters, 3 edits away
    ("senior python developer", "Junior Python Developer"),  # known words are taken as spelt
    ("java developer", "Lava Developer"),
    ("rust engineer", "Just Engineer"),
])
def test_typos_beyond_the_allowance_or_on_known_words_do_not_match(keywords, title):
    assert not matches(keywords, title)


@pytest.mark.parametrize("keywords, title", [
    ("data engineers", "Data Engineer"),
    ("data engineer", "Big Data Engineers"),
    ("technologies analyst", "Technology Analyst"),
    ("programatori java", "Programator Java"),
    ("ingineri devops", "Inginer DevOps"),
    ("entwicklerin", "Java-Entwickler"),
])
def test_plurals_and_inflections_count(keywords, title):
    assert matches(keywords, title)


@pytest.mark.parametrize("keywords, title", [
    ("python dev", "Python Developer"),
    ("python developer", "Backend Engineer (Python)"),
    ("python developer", "Programator Python"),
    ("python developer", "Python-Entwickler (m/w/d)"),
    ("java developer", "Softwareentwickler Java"),
    ("softwareentwickler", "Software Engineer (Java)"),
    ("data eng", "Big Data Engineer"),
    ("sre", "Site Reliability Engineer"),
    ("site reliability engineer", "SRE"),
    ("ml engineer", "Machine Learning Engineer"),
    ("machine learning engineer", "ML Engineer"),
    ("frontend developer", "Front-End Developer"),
    ("front-end developer", "Frontend Engineer (React)"),
    ("front end dev", "Frontend Developer"),
    ("full stack developer", "Fullstack-Entwickler"),
    ("datenanalyst", "Data Analyst"),
    ("data analyst", "Analist de date"),
    ("product manager", "Produktmanager (m/w/d)"),
    ("security engineer", "IT-Sicherheitsingenieur"),
    ("golang developer", "Go Developer"),
    ("dotnet developer", ".NET Developer"),
    ("sr python developer", "Senior Python Developer"),
    ("ruby on rails developer", "Backend Engineer (Rails)"),
])
def test_synonyms_abbreviations_compounds_and_translations_match(keywords, title):
    assert matches(keywords, title)


@pytest.mark.parametrize("keywords, title", [
    ("python developer", "Backend Developer (PHP)"),
    ("python developer", "PHP Developer"),
    ("frontend engineer", "Lead Backend Engineer (Python)"),
    ("data engineer", "Data Scientist"),
    ("data engineer", "Platform Engineer"),
    ("java developer", "JavaScript Developer"),
    ("ios developer", "Android Developer"),
    ("c++ developer", "C# Developer"),
    ("go developer", "Django Developer"),
    ("senior python developer", "Python Developer"),
    ("nurse", "Nursery Teacher"),
    ("product manager", "Product Designer"),
    ("kotlin developer", "Android Developer"),
])
def test_other_roles_do_not_match(keywords, title):
    assert not matches(keywords, title)


def test_seniority_team_and_gender_words_in_the_title_never_block():
    for title in ("Senior Python Developer", "Lead Python Developer: Payments", "Python Developer (m/w/d)",
                  "Werkstudent Python-Entwickler (m/w/d)", "Programator Python Senior", "Staff Python Engineer, Core API"):
        assert matches("python developer", title), title


def test_tiers_rank_the_exact_phrase_then_words_then_synonyms_then_typos():
    assert tier("python developer", "Senior Python Developer (m/w/d)") == "phrase"
    assert tier("developer python", "Senior Python Developer") == "words"
    assert tier("python developer", "Backend Engineer (Python)") == "synonyms"
    assert tier("pyhton developer", "Python Developer") == "typos"
    query = tm.keywords("python developer")
    titles = ["Backend Engineer (Python)", "Senior Python Developer", "Developer, Python", "Python Developer",
              "DevOps Engineer, Python"]
    ranked = sorted(titles, key=lambda title: tm.rank(query, title))
    assert ranked == ["Python Developer", "Senior Python Developer", "Backend Engineer (Python)",
                      "Developer, Python", "DevOps Engineer, Python"]


def test_what_follows_a_comma_or_colon_ranks_after_the_role():
    query = tm.keywords("sre")
    assert tm.rank(query, "Site Reliability Engineer") < tm.rank(query, "DevOps Engineer, SRE")


def test_stop_words_are_not_required_unless_they_are_everything():
    assert matches("head of engineering", "Head Engineering")
    assert matches("engineer in test", "Software Engineer in Test")
    assert tm.keywords("the").terms == (tm.Term("the", 0),)


def test_words_fold_accents_and_keep_technology_names():
    assert tm.words("Analiști de Date Științifice, Köln") == ["analist", "de", "date", "stiintifice", "koln"]
    assert tm.words("Sr. C#/.NET & C++ Node.js Engineers") == ["sr", "c#", ".net", "c++", "node.js", "engineer"]
    assert tm.words("Straße ÆRØ") == ["strasse", "aero"]
    assert tm.keywords("") == tm.Keywords((), (), "")
    assert not tm.matches("программист", "Программист")  # no Latin words: nothing to match


def test_optimal_string_alignment_distance():
    assert tm.typos("python", "pyhton", 2) == 1
    assert tm.typos("kitten", "sitting", 3) == 3
    assert tm.typos("kitten", "sitting", 2) is None
    assert tm.typos("ca", "abc", 3) == 3  # no substring edited twice
    assert tm.typos("", "abc", 3) == 3


def _osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def test_deletion_keys_find_every_misspelling_within_its_edits():
    rng = random.Random(5)
    alphabet = "abcde"
    checked = 0
    for _ in range(4000):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9)))
        other = list(word)
        for _ in range(rng.randint(0, 3)):
            i = rng.randrange(len(other) + 1)
            action = rng.choice("idst")
            if action == "i":
                other.insert(i, rng.choice(alphabet))
            elif other and i < len(other):
                if action == "d":
                    del other[i]
                elif action == "s":
                    other[i] = rng.choice(alphabet)
                elif i + 1 < len(other):
                    other[i], other[i + 1] = other[i + 1], other[i]
        other = "".join(other)
        limit = tm.max_typos(word)
        within = _osa(word, other) <= limit
        assert (tm.typos(word, other, limit) is not None) == within, (word, other)
        if within:
            checked += 1
            keys = tm.deletions(word, limit)
            assert keys & tm.deletions(other, tm.max_typos(other)), (word, other)
    assert checked > 1000


def test_saved_search_keys_meet_the_title_keys_of_what_they_match():
    for keywords, title in (("pyhton developer", "Python Developer"), ("machine lerning", "ML Engineer"),
                            ("andriod engineer", "Android Developer"), ("enginer", "Frontend Developer")):
        query = tm.keywords(keywords)
        title_keys = tm.title_keys(title)
        for term in query.terms:
            keys = tm.keyword_keys(term) | set(term.also)
            assert keys & set(title_keys), (keywords, term)


def test_the_migrations_create_the_matcher_the_code_defines():
    # A change to the tables of jobsight.textmatch changes the SQL functions: it needs a migration
    # in each database that re-creates them and recomputes the stored words and terms.
    root = Path(__file__).resolve().parents[2] / "migrations"
    recorded = {}
    for database in ("jobs", "warehouse", "users"):
        for path in sorted((root / database / "versions").glob("*.py")):
            found = re.search(r'^FINGERPRINT = "(\w+)"', path.read_text(), re.M)
            if found:
                recorded[database] = found.group(1)
    assert recorded == {database: textmatch_sql.FINGERPRINT for database in ("jobs", "warehouse", "users")}
