"""gateway service: every HTTP route. Validates input, checks tokens, calls the owning
service over RPC (with a deadline and a circuit breaker each) and maps errors to HTTP."""
import eventlet
from nameko.dependency_providers import Config

from jobsight.errors import Forbidden, JobsightError, NotFound
from jobsight.logs import RequestContext
from jobsight.providers import TokenSigning
from jobsight.rpc import ServiceRpc
from jobsight.web import inputs
from jobsight.web.openapi import openapi_document
from jobsight.web.server import route

BACKENDS = ("users", "scraper", "insights", "etl", "coordinator")


class GatewayService:
    name = "gateway"

    users = ServiceRpc("users")
    scraper = ServiceRpc("scraper")
    insights = ServiceRpc("insights")
    etl = ServiceRpc("etl")
    coordinator = ServiceRpc("coordinator")
    tokens = TokenSigning()
    config = Config()
    context = RequestContext()

    # -- helpers -------------------------------------------------------------------------

    @property
    def _settings(self):
        return self.config.get("GATEWAY", {}) or {}

    def _body(self, request, schema):
        return inputs.json_body(request, schema, int(self._settings.get("MAX_BODY_BYTES", inputs.DEFAULT_MAX_BODY)))

    def _user_id(self, request) -> int:
        return self.tokens.verify(inputs.request_token(request))

    def _client(self, request) -> str:
        return request.remote_addr or "unknown"

    # -- accounts ------------------------------------------------------------------------

    @route("POST", "/sign-up")
    def sign_up(self, request):
        body = self._body(request, inputs.SignUpBody())
        user = self.users.sign_up(body["name"], body["email"], body["password"])
        return 201, {"msg": "Successful sign up", "websocket": self._settings.get("PUBLIC_WS_URL"),
                     "user_id": user["user_id"]}

    @route("POST", "/login")
    def login(self, request):
        body = self._body(request, inputs.LoginBody())
        session = self.users.login(body["email"], body["password"], self._client(request))
        return 200, {"msg": "Successful login", "websocket": self._settings.get("PUBLIC_WS_URL"),
                     "token": session["token"], "user_id": session["user_id"],
                     "expires_at": session["expires_at"]}

    @route("GET", "/get-subscriptions/<user_id>")
    def get_subscriptions(self, request, user_id):
        caller = self._user_id(request)
        user_id = inputs.positive_int(user_id, "user_id")
        if caller != user_id:
            raise Forbidden("You can only read your own subscriptions")
        skills = self.users.get_subscriptions(user_id)
        if not skills:
            raise NotFound("No skills")
        return 200, {"skills": skills}

    @route("POST", "/subscriptions")
    def add_subscription(self, request):
        caller = self._user_id(request)
        body = self._body(request, inputs.SubscriptionBody())
        result = self.users.add_subscription(caller, body["skill"])
        if result["created"]:
            return 201, {"msg": "Subscribed", "skill": result["skill"]}
        return 200, {"msg": "Already subscribed", "skill": result["skill"]}

    @route("DELETE", "/subscriptions/<path:skill>")
    def remove_subscription(self, request, skill):
        caller = self._user_id(request)
        self.users.remove_subscription(caller, inputs.path_text(skill, "skill", 64))
        return 204, None

    # -- jobs ----------------------------------------------------------------------------

    @route("GET", "/find-jobs")
    def find_jobs(self, request):
        jobs = self.scraper.find_jobs(inputs.query_text(request, "title"))
        if not jobs:
            raise NotFound("No jobs found")
        return 200, jobs

    @route("GET", "/jobs/<job_id>")
    def get_job(self, request, job_id):
        return 200, self.scraper.get_job(inputs.positive_int(job_id, "job_id"))

    @route("GET", "/sources")
    def sources(self, request):
        return 200, {"sources": self.scraper.sources()}

    # -- insights ------------------------------------------------------------------------

    @route("GET", "/generate-insight-skills-by-demand/<path:keywords>")
    def skills_by_demand(self, request, keywords):
        return 200, self.insights.skills_by_demand(inputs.path_text(keywords, "keywords"))

    @route("GET", "/generate-insight-average-experience/<path:keywords>")
    def average_experience(self, request, keywords):
        return 200, self.insights.average_experience(inputs.path_text(keywords, "keywords"))

    @route("GET", "/skills-by-salary")
    def skills_by_salary(self, request):
        return 200, self.insights.skills_by_salary()

    @route("GET", "/average-job-salary")
    def average_job_salary(self, request):
        return 200, self.insights.average_job_salary()

    @route("GET", "/all-skills-by-demand")
    def all_skills_by_demand(self, request):
        return 200, self.insights.all_skills_by_demand()

    # -- operations ----------------------------------------------------------------------

    @route("GET", "/status")
    def status(self, request):
        timeout = float(self._settings.get("STATUS_TIMEOUT", 2))
        pile = eventlet.GreenPile()
        for backend in BACKENDS:
            pile.spawn(self._health, backend, timeout)
        results = dict(zip(BACKENDS, pile))
        services = {"gateway": "ok", **{name: state for name, (state, _) in results.items()}}
        details = {name: detail for name, (_, detail) in results.items()}
        healthy = all(state == "ok" for state in services.values())
        return (200 if healthy else 503), {
            "msg": "All services are up" if healthy else "Some services are down",
            "services": services,
            "details": details,
        }

    def _health(self, backend: str, timeout: float):
        try:
            report = getattr(self, backend).with_timeout(timeout).health()
        except JobsightError as exc:
            return "down", {"error": exc.message}
        except Exception as exc:  # any failure to answer means down, whatever its kind
            return "down", {"error": type(exc).__name__}
        return ("ok" if report.get("ok") else "down"), report

    @route("GET", "/openapi.json")
    def openapi(self, request):
        return 200, openapi_document()
