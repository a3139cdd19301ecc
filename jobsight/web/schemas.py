"""Marshmallow schemas the gateway's OpenAPI document (``jobsight.web.openapi``) is generated from:
what each route answers, its path and query parameters, and what the services behind the
gateway require of request bodies on top of ``jobsight.web.inputs``. Nothing here validates a
request; the gateway loads bodies with the ``inputs`` schemas."""
from __future__ import annotations

import copy

from marshmallow import EXCLUDE, Schema, fields, validate

from jobsight import search
from jobsight.insights import questions
from jobsight.notifications import MAX_SEARCH_SKILLS
from jobsight.validate import MAX_KEYWORDS_LENGTH, MAX_TEXT_FILTER
from jobsight.web.inputs import SignUpBody, SubscriptionBody

# The limits are the ones the code enforces, imported, so the document cannot drift from them.
_SKILL_LENGTH = validate.Length(max=questions.MAX_SKILL_LENGTH)
_KEYWORDS_LENGTH = validate.Length(max=MAX_KEYWORDS_LENGTH)
_PLACE_LENGTH = validate.Length(max=MAX_TEXT_FILTER)


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
    """A saved search, as jobsight.notifications.parse_search accepts it."""

    keywords = fields.String(required=True, validate=_KEYWORDS_LENGTH)
    location = fields.String(validate=_PLACE_LENGTH)
    # true and false are accepted besides the workplaces; no marshmallow field says "either".
    remote = fields.Raw(metadata={"oneOf": [
        {"type": "boolean"}, {"type": "string", "enum": ["remote", "hybrid", "onsite"]}]})
    salary_min = fields.Float(validate=validate.Range(min=0), metadata={"description": "annual, EUR"})
    skills = fields.List(fields.String(), validate=validate.Length(max=MAX_SEARCH_SKILLS))


class SignUp(SignUpBody):
    # The users service checks these after the gateway (the minimum is its default
    # AUTH.PASSWORD_MIN_LENGTH); clients should know them before they are refused.
    email = _refined(SignUpBody._declared_fields["email"], format="email")
    password = _refined(SignUpBody._declared_fields["password"], minLength=8)


class Subscription(SubscriptionBody):
    class Meta(SubscriptionBody.Meta):
        description = "Either skill or search"

    # The gateway passes a search on as any object; the users service holds it to SearchSpec.
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
    id = fields.Integer()
    created_at = fields.String()


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
    category = fields.String(allow_none=True)
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
    return Documented.from_dict({name: fields.Integer(required=True, validate=validate.Range(min=1))},
                            name=f"{name}_path")


UserPath, SearchPath, NotificationPath, JobPath = map(_id_path, ("user_id", "search_id", "notification_id",
                                                                  "job_id"))


class SkillPath(Documented):
    skill = fields.String(required=True, validate=_SKILL_LENGTH)


class KeywordsPath(Documented):
    keywords = fields.String(required=True, validate=_KEYWORDS_LENGTH)


# -- query parameters --------------------------------------------------------------------------

class FindJobsQuery(Documented):
    title = fields.String(required=True, validate=_KEYWORDS_LENGTH)


class NotificationsQuery(Documented):
    unread = fields.Boolean()
    page = fields.Integer(validate=validate.Range(min=1, max=10_000))
    per_page = fields.Integer(validate=validate.Range(min=1, max=100))


class SearchParameters(Documented):
    """Every name in ``jobsight.search.PARAMETERS``, in its order."""

    q = fields.String(validate=_KEYWORDS_LENGTH,
                      metadata={"description": "keywords: title (weighted most), skills, description"})
    location = fields.String(validate=_PLACE_LENGTH, metadata={"description": "a country code or name, or a city"})
    remote = fields.String(validate=validate.OneOf(["true", "false", "remote", "hybrid", "onsite"]),
                           metadata={"description": "false: hybrid or onsite"})
    salary_min = fields.Integer(validate=validate.Range(min=0, max=search.MAX_SALARY), metadata={
        "description": "minimum annual salary in EUR (jobs whose top of range reaches it)"})
    skills = fields.String(metadata={
        "description": f"comma-separated, at most {search.MAX_SKILLS}, every one required; an unknown skill is a 400"})
    since = fields.Date(metadata={"description": "posted on or after (not in the future)"})
    company = fields.String(validate=validate.Length(max=200), metadata={"description": "company name"})
    source = fields.String(validate=_PLACE_LENGTH, metadata={"description": "seen on this source (name or kind)"})
    sort = fields.String(validate=validate.OneOf(["relevance", "date"]),
                         metadata={"description": "default: relevance with q, else date"})
    page = fields.Integer(validate=validate.Range(min=1, max=search.MAX_PAGE), metadata={"description": "default 1"})
    per_page = fields.Integer(validate=validate.Range(min=1, max=search.MAX_PER_PAGE),
                              metadata={"description": f"default {search.DEFAULT_PER_PAGE}"})


def _skill_filter() -> fields.String:
    return fields.String(validate=_SKILL_LENGTH,
                         metadata={"description": "a skill the taxonomy knows (an unknown one is a 400)"})


def _limit(default: int) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=questions.MAX_LIMIT),
                          metadata={"description": f"default {default}"})


def _title_keywords(**kwargs) -> fields.String:
    return fields.String(validate=_KEYWORDS_LENGTH, **kwargs)


class SalaryQuery(Documented):
    skill = _skill_filter()
    title = _title_keywords(metadata={"description": "title keywords"})
    location = fields.String(validate=_PLACE_LENGTH, metadata={"description": "a country code or name, or a city"})


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
