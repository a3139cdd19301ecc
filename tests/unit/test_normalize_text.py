"""HTML to plain text, including entity-escaped HTML, and boilerplate removal."""
import pytest

from jobsight.normalize.text import html_to_text, strip_boilerplate


@pytest.mark.parametrize(
    "html, text",
    [
        ("<p>Hello</p><p>World</p>", "Hello\nWorld"),
        ("<ul><li>Python</li><li>Go</li></ul>", "- Python\n- Go"),
        ("<h2>About</h2><p>We build<br>things &amp; stuff</p>", "About\nWe build\nthings & stuff"),
        ("<UL><LI class='x'>Upper <b>case</b></LI></UL>", "- Upper case"),
        ("<table><tr><td>a</td><td>b</td></tr></table>", "a b"),
        ("<p>x</p><script>var secret = 1;</script><style>p{}</style><!-- hidden -->", "x"),
        ("<p>unclosed <b>tag", "unclosed tag"),
        ("<p>a</p><!-- tracking pixel --><p>b</p>", "a\nb"),
        ("<!DOCTYPE html><html><body><p>Job</p></body></html>", "Job"),
        ("Plain text\n\nwith lines &amp; an entity", "Plain text\nwith lines & an entity"),
        ("a < b and c > d", "a < b and c > d"),
        ("<p>  lots\t of   \u00a0 spaces </p>", "lots of spaces"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_entity_escaped_html_is_unescaped_once():
    greenhouse = (
        "&lt;p&gt;Use &amp;lt;b&amp;gt; tags &amp;amp; more&lt;/p&gt;"
        "&lt;ul&gt;&lt;li&gt;Python&lt;/li&gt;&lt;/ul&gt;"
    )
    assert html_to_text(greenhouse) == "Use <b> tags & more\n- Python"


def test_hn_style_paragraphs():
    hn = "Acme | Backend Engineer | Remote<p>We use Go &amp; Postgres.<p>Email jobs@acme.io"
    assert html_to_text(hn) == "Acme | Backend Engineer | Remote\nWe use Go & Postgres.\nEmail jobs@acme.io"


@pytest.mark.parametrize(
    "line",
    [
        "Acme is an equal opportunity employer and values diversity.",
        "We do not discriminate on the basis of race, color, religion, sex or national origin.",
        "Applicants will be considered without regard to race, age or disability.",
        "We provide reasonable accommodations to applicants with disabilities.",
        "This site uses cookies to improve your experience. Accept all cookies",
        "Read our privacy policy before applying.",
        "© 2024 Acme Inc. All rights reserved.",
        "Share this job on LinkedIn",
        "Wir freuen uns über Bewerbungen unabhängig von Geschlecht – Chancengleichheit ist uns wichtig.",
        "Datenschutzerklärung",
        "Prin aplicare, sunteți de acord cu prelucrarea datelor cu caracter personal.",
        "Follow us on GitHub, LinkedIn and Twitter · Brightloop Inc. · Vancouver, BC",
        "Find us on LinkedIn",
    ],
)
def test_boilerplate_lines_are_dropped(line):
    text = f"We need a Python developer.\n{line}\nYou will own our APIs."
    assert strip_boilerplate(text) == "We need a Python developer.\nYou will own our APIs."


@pytest.mark.parametrize(
    "heading", ["Similar jobs", "Related positions:", "Posturi similare", "Ähnliche Jobs", "More jobs at Acme"]
)
def test_everything_after_a_similar_jobs_heading_is_dropped(heading):
    text = f"Backend developer with Go.\n{heading}\nJava Developer at Foo\nPHP Developer at Bar"
    assert strip_boilerplate(text) == "Backend developer with Go."


def test_navigation_lines_are_dropped():
    text = "Home | Jobs | Companies\nLogin\nSenior Rust Engineer\nApply now\nWe build databases."
    assert strip_boilerplate(text) == "Senior Rust Engineer\nWe build databases."


def test_job_content_is_kept():
    text = "Requirements\n- 3+ years of Python\n- Experience with AWS\nWhat we offer\n- Remote work"
    assert strip_boilerplate(text) == text


def test_empty():
    assert strip_boilerplate("") == ""


def test_social_links_footer_names_no_skills():
    from jobsight.normalize import default_taxonomy

    text = strip_boilerplate("CI runs on GitHub Actions.\nFollow us on GitHub, LinkedIn and Twitter · Acme Inc.")
    assert text == "CI runs on GitHub Actions."
    assert default_taxonomy().extract(text) == ["GitHub Actions"]
    # A job line that names GitHub is kept.
    assert strip_boilerplate("You know your way around GitHub and code review.") != ""
