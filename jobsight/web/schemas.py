"""Marshmallow schemas the gateway's OpenAPI document (``jobsight.web.openapi``) is generated from:
what each route answers, its path and query parameters, and what the services behind the
gateway require of request bodies on top of ``jobsight.web.inputs``. Nothing here validates a
request; the gateway loads bodies with the ``inputs`` schemas."""
from __future__ import annotations

import copy

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from jobsight import search
from jobsight.insights import questions
from jobsight.normalize.skills import MAX_SKILL_WORDS
from jobsight.notifications import MAX_SEARCH_SKILLS
from jobsight.validate import MAX_KEYWORDS_LENGTH, MAX_TEXT_FILTER
from jobsight.web import static
from jobsight.web.inputs import SignUpBody, SubscriptionBody

# The limits are the ones the code enforces, imported, so the document cannot drift from them.
_SKILL_LENGTH = validate.Length(max=questions.MAX_SKILL_LENGTH)
_KEYWORDS_LENGTH = validate.Length(max=MAX_KEYWORDS_LENGTH)
_PLACE_LENGTH = validate.Length(max=MAX_TEXT_FILTER)

# -- patterns: the rules the services apply to text, stated so a client knows them before it is
# refused. Python's re reads them as the services do (\w, \s and \S are Unicode).
_CONTROL = "\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f"  # jobsight.web.inputs.check_text
_TEXT = f"[^{_CONTROL}]"
_SPACE = "[^\\S\u000b\u000c\u001c-\u001f]"  # whitespace that is not a control character
TEXT_PATTERN = f"^{_TEXT}*$"  # every string the gateway takes (tab, newline and return are text)
NONBLANK_PATTERN = f"^{_TEXT}*[^\\s{_CONTROL}]{_TEXT}*$"
KEYWORDS_PATTERN = f"^{_TEXT}*[\\w+#./-]{_TEXT}*$"  # validate.normalize_keywords keeps one of these
ALNUM_PATTERN = f"^{_TEXT}*[^\\W_]{_TEXT}*$"  # a letter or a digit somewhere (company, location)
# jobsight.normalize.skills.skill_name: a letter somewhere, an optional dot and a letter or digit
# first, then at most four words of letters, digits and . + # / & -
_WORD = "[\\w.+#/&-]"
SKILL_NAME_PATTERN = (f"^(?=[\\s\\S]*[^\\W\\d_]){_SPACE}*\\.?[^\\W_]{_WORD}*(?:{_SPACE}+{_WORD}+)"
                      f"{{0,{MAX_SKILL_WORDS - 1}}}{_SPACE}*$")
SAVED_LOCATION_PATTERN = f"^{_SPACE}*[\\w.,'()-][\\w .,'()-]*{_SPACE}*$"  # jobsight.notifications.parse_search


def blank_or(pattern: str) -> str:
    """``pattern``, or nothing but whitespace: /jobs reads a blank parameter as one left out."""
    return f"^(?:{_SPACE}*|{pattern[1:-1]})$"


def _patterned(field_class=fields.String, pattern: str = NONBLANK_PATTERN, **kwargs) -> fields.Field:
    metadata = {**kwargs.pop("metadata", {}), "pattern": pattern}
    return field_class(metadata=metadata, **kwargs)


def _refined(field: fields.Field, **properties) -> fields.Field:
    """A copy of an input field that also documents ``properties``, keeping its own checks."""
    field = copy.deepcopy(field)
    field.metadata = {**field.metadata, **properties}
    return field


def _share() -> fields.Float:
    return fields.Float(allow_none=True, metadata={"description": "0..1, 4 decimals; null when nothing matched"})


def _pairs() -> fields.List:
    """``[name, count]`` pairs: JSON arrays of mixed types, which OpenAPI 3.0 cannot type."""
    return fields.List(fields.List(fields.Raw()))


class Documented(Schema):
    class Meta:
        # Under any other policy apispec writes "additionalProperties: false", which the answers
        # contradict: they carry more than is documented here, and clients ignore what they do not know.
        unknown = EXCLUDE


# -- request bodies ----------------------------------------------------------------------------

class SearchSpec(Documented):
    """A saved search, as jobsight.notifications.parse_search accepts it (no other field)."""

    class Meta:
        unknown = RAISE  # apispec writes "additionalProperties: false"

    keywords = _patterned(required=True, validate=_KEYWORDS_LENGTH, pattern=KEYWORDS_PATTERN)
    # null is a field left out.
    location = _patterned(validate=_PLACE_LENGTH, pattern=SAVED_LOCATION_PATTERN, allow_none=True)
    # true and false are accepted besides the workplaces; no marshmallow field says "either".
    remote = fields.Raw(allow_none=True, metadata={"oneOf": [
        {"type": "boolean"}, {"type": "string", "enum": ["remote", "hybrid", "onsite"]}]})
    salary_min = fields.Float(validate=validate.Range(min=0, max=search.MAX_SALARY), allow_none=True,
                              metadata={"description": "annual, EUR"})
    skills = fields.List(_patterned(metadata={"description": "a skill the taxonomy knows (else a 404)"}),
                         validate=validate.Length(max=MAX_SEARCH_SKILLS), allow_none=True)


class SignUp(SignUpBody):
    # The users service checks these after the gateway (the minimum is its default
    # AUTH.PASSWORD_MIN_LENGTH); clients should know them before they are refused.
    name = _refined(SignUpBody._declared_fields["name"], pattern=NONBLANK_PATTERN)
    email = _refined(SignUpBody._declared_fields["email"], format="email")
    password = _refined(SignUpBody._declared_fields["password"], minLength=8)


class Subscription(SubscriptionBody):
    class Meta(SubscriptionBody.Meta):
        description = "Either skill or search"

    # The gateway passes a search on as any object; the users service holds it to SearchSpec.
    skill = _refined(SubscriptionBody._declared_fields["skill"], pattern=SKILL_NAME_PATTERN)
    search = fields.Nested(SearchSpec)


# -- responses ---------------------------------------------------------------------------------

class Message(Documented):
    msg = fields.String(required=True)
    code = fields.String()


class Started(Documented):
    msg = fields.String()
    saga = fields.String(metadata={"description": "n.rpc.coordinator.saga(id) follows it"})


class SignedUp(Documented):
    msg = fields.String()
    websocket = fields.String()
    user_id = fields.Integer()


class LoggedIn(Documented):
    msg = fields.String()
    websocket = fields.String()
    token = fields.String()
    user_id = fields.Integer()
    expires_at = fields.Integer()


class Skills(Documented):
    skills = fields.List(fields.String())


class SavedSearch(SearchSpec):
    class Meta(Documented.Meta):
        pass

    id = fields.Integer()
    created_at = fields.String()
    remote = fields.String(allow_none=True, validate=validate.OneOf(["remote", "hybrid", "onsite"]))


class Subscriptions(Skills):
    searches = fields.List(fields.Nested(SavedSearch))


class Notification(Documented):
    id = fields.Integer()
    job = fields.Dict()
    reasons = fields.List(fields.Raw())
    created_at = fields.String()
    read = fields.Boolean()


class Inbox(Documented):
    total = fields.Integer()
    unread = fields.Integer()
    page = fields.Integer()
    notifications = fields.List(fields.Nested(Notification))


class Job(Documented):
    """One ``/find-jobs`` answer."""

    job_id = fields.Integer(required=True)
    title = fields.String(required=True)
    company = fields.String(required=True)
    location = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    date_posted = fields.DateTime(required=True, allow_none=True)


class SearchResult(Documented):
    job_id = fields.Integer()
    title = fields.String()
    company = fields.String()
    location = fields.String(allow_none=True)
    remote = fields.Boolean(allow_none=True)
    workplace = fields.String(allow_none=True)
    annual_min = fields.Float(allow_none=True)
    annual_max = fields.Float(allow_none=True)
    salary_min = fields.Float(allow_none=True, metadata={"description": "as stated, in salary_currency per salary_period"})
    salary_max = fields.Float(allow_none=True)
    salary_currency = fields.String(allow_none=True)
    salary_period = fields.String(allow_none=True)
    skills = fields.List(fields.String())
    date_posted = fields.DateTime(allow_none=True)
    first_seen = fields.DateTime(allow_none=True)
    n_sources = fields.Integer()
    score = fields.Float()


class TaxonomySkill(Documented):
    name = fields.String()
    category = fields.String(allow_none=True, metadata={
        "description": "language, framework, tool, platform, method, domain, spoken_language or certification"})
    area = fields.String(allow_none=True, metadata={"description": "the field of work: software, finance, logistics, ..."})
    aliases = fields.List(fields.String())


class TaxonomySkills(Documented):
    skills = fields.List(fields.Nested(TaxonomySkill))


class Facets(Documented):
    skills = _pairs()
    remote = fields.Dict(values=fields.Integer())
    location = _pairs()


class SearchResults(Documented):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    sort = fields.String()
    results = fields.List(fields.Nested(SearchResult))
    facets = fields.Nested(Facets)


class Sources(Documented):
    sources = fields.List(fields.Dict())


class AverageExperience(Documented):
    average_experience = fields.Float(allow_none=True)
    sample_size = fields.Integer()


class AverageSalary(Documented):
    average_salary = fields.Float(allow_none=True)
    currency = fields.String()
    sample_size = fields.Integer()


class Status(Documented):
    """Anyone gets ``msg`` and ``status``; an operator (X-Operator-Token) every service too."""

    msg = fields.String()
    status = fields.String(validate=validate.OneOf(["ok", "down"]))
    services = fields.Dict(values=fields.String(validate=validate.OneOf(["ok", "down"])))


class Liveness(Documented):
    status = fields.String(validate=validate.OneOf(["ok"]))


class Versioned(Documented):
    """What every ``/insights/...`` answer carries besides the answer itself."""

    sample_size = fields.Integer()
    warehouse_version = fields.Integer(allow_none=True, metadata={
        "description": "the warehouse version (GET /status) the answer was read at"})


Percentiles = Documented.from_dict({name: fields.Float(allow_none=True) for name, _ in questions.PERCENTILES},
                               name="Percentiles")


class SalaryPercentiles(Versioned):
    filters = fields.Dict()
    currency = fields.String()
    open_jobs = fields.Integer()
    disclosure_share = _share()
    percentiles = fields.Nested(Percentiles)


class TrendWeek(Documented):
    week = fields.Date()
    new_jobs = fields.Integer()


class SkillTrend(Versioned):
    skill = fields.String()
    weeks = fields.List(fields.Nested(TrendWeek))


class CoSkill(Documented):
    skill = fields.String()
    jobs = fields.Integer()
    share = _share()


class CoSkills(Versioned):
    keywords = fields.String()
    skills = fields.List(fields.Nested(CoSkill))


class ExperienceBucket(Documented):
    years = fields.String()
    jobs = fields.Integer()
    share = _share()


class ExperienceDistribution(Versioned):
    keywords = fields.String(allow_none=True)
    stated = fields.Integer()
    buckets = fields.List(fields.Nested(ExperienceBucket))


class WorkplaceShare(Documented):
    jobs = fields.Integer()
    share = _share()


class RemoteShare(Versioned):
    keywords = fields.String(allow_none=True)
    workplaces = fields.Dict(values=fields.Nested(WorkplaceShare))


class CompanyShare(Documented):
    company = fields.String()
    open_jobs = fields.Integer()
    share = _share()


class TopCompanies(Versioned):
    keywords = fields.String(allow_none=True)
    skill = fields.String(allow_none=True)
    companies = fields.List(fields.Nested(CompanyShare))


# -- path parameters ---------------------------------------------------------------------------

def _id_path(name: str) -> type[Documented]:
    return Documented.from_dict({name: fields.Integer(required=True, validate=validate.Range(min=1, max=2**63 - 1))},
                            name=f"{name}_path")


UserPath, SearchPath, NotificationPath, JobPath = map(_id_path, ("user_id", "search_id", "notification_id",
                                                                  "job_id"))
PageJobPath = Documented.from_dict({"job_id": fields.Integer(required=True, validate=validate.Range(
    min=1, max=static.MAX_PAGE_JOB_ID))}, name="page_job_id_path")


class SkillPath(Documented):
    skill = _patterned(required=True, validate=_SKILL_LENGTH, pattern=SKILL_NAME_PATTERN,
                       metadata={"description": "a skill name; one the taxonomy does not know is a 404"})


class KeywordsPath(Documented):
    keywords = _patterned(required=True, validate=_KEYWORDS_LENGTH, pattern=KEYWORDS_PATTERN)


# -- query parameters --------------------------------------------------------------------------

class FindJobsQuery(Documented):
    title = _patterned(required=True, validate=_KEYWORDS_LENGTH, pattern=KEYWORDS_PATTERN)


class NotificationsQuery(Documented):
    unread = fields.Boolean()
    page = fields.Integer(validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=100))


class SearchParameters(Documented):
    """Every name in ``jobsight.search.PARAMETERS``, in its order. A blank one is one left out."""

    q = _patterned(validate=_KEYWORDS_LENGTH, pattern=blank_or(KEYWORDS_PATTERN),
                   metadata={"description": "keywords: title (weighted most), skills, description"})
    location = _patterned(validate=_PLACE_LENGTH, pattern=blank_or(ALNUM_PATTERN), metadata={
        "description": "a country code or name, or a city; one that names no place is a 404"})
    remote = fields.String(validate=validate.OneOf([*search.REMOTE_WORDS, ""]),
                           metadata={"description": "any case; true, yes, 1: remote; false, no, 0: hybrid or onsite"})
    salary_min = fields.Integer(validate=validate.Range(min=0, max=search.MAX_SALARY), metadata={
        "description": "minimum annual salary in EUR (jobs whose top of range reaches it)"})
    skills = fields.String(metadata={
        "description": f"comma-separated, at most {search.MAX_SKILLS}, every one required; an unknown skill is a 404"})
    # A date, or blank: OpenAPI 3.0 has no "format or empty" but anyOf.
    since = fields.Raw(metadata={"description": "posted on or after (YYYY-MM-DD)", "anyOf": [
        {"type": "string", "format": "date"}, {"type": "string", "pattern": blank_or("^$")}]})
    company = _patterned(validate=validate.Length(max=search.MAX_COMPANY_LENGTH), pattern=blank_or(ALNUM_PATTERN),
                         metadata={"description": "company name"})
    source = fields.String(validate=_PLACE_LENGTH, metadata={"description": "seen on this source (name or kind)"})
    sort = fields.String(validate=validate.OneOf(["relevance", "date"]),
                         metadata={"description": "default: relevance with q, else date"})
    page = fields.Integer(validate=validate.Range(min=1, max=search.MAX_PAGE), metadata={"description": "default 1"})
    per_page = fields.Integer(validate=validate.Range(min=1, max=search.MAX_PER_PAGE),
                              metadata={"description": f"default {search.DEFAULT_PER_PAGE}"})


def _skill_filter() -> fields.String:
    return _patterned(validate=_SKILL_LENGTH, metadata={"description": "a skill the taxonomy knows (else a 404)"})


def _limit(default: int) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=questions.MAX_LIMIT),
                          metadata={"description": f"default {default}"})


def _title_keywords(**kwargs) -> fields.String:
    return _patterned(validate=_KEYWORDS_LENGTH, pattern=KEYWORDS_PATTERN, **kwargs)


class SalaryQuery(Documented):
    """Any of the three filters; none: every open job."""

    skill = _skill_filter()
    title = _title_keywords(metadata={"description": "title keywords"})
    location = _patterned(validate=_PLACE_LENGTH, pattern=ALNUM_PATTERN, metadata={
        "description": "a country code or name, or a city; one that names no place is a 404"})


class TrendQuery(Documented):
    weeks = fields.Integer(validate=validate.Range(min=1, max=questions.MAX_WEEKS),
                           metadata={"description": f"default {questions.DEFAULT_WEEKS}"})


class CoSkillsQuery(Documented):
    keywords = _title_keywords(required=True, metadata={"description": "title keywords (typos tolerated)"})
    limit = _limit(questions.DEFAULT_CO_SKILLS)


class KeywordsQuery(Documented):
    keywords = _title_keywords(metadata={
        "description": "title keywords (typos tolerated); absent: every open job; empty or absurd: 400"})


class CompaniesQuery(KeywordsQuery):
    skill = _skill_filter()
    limit = _limit(questions.DEFAULT_COMPANIES)
