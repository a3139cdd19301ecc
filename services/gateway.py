"""gateway service: every HTTP route. Validates input, checks tokens, calls the owning
service over RPC (with a deadline and a circuit breaker each) and maps errors to HTTP."""
import time

import eventlet
from nameko.dependency_providers import Config
from nameko.events import BROADCAST, event_handler
from nameko.rpc import rpc

from jobsight import logs, metrics
from jobsight.adapters.cache import InsightCache
from jobsight.adapters.context import RequestContext
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.operators import Coalesced, OperatorAccess
from jobsight.adapters.rpc import ServiceRpc, breaker_reports, rpc_settings
from jobsight.adapters.security import TokenSigning
from jobsight.adapters.taxonomy import BundledTaxonomy
from jobsight.adapters.version import WarehouseVersionView
from jobsight.errors import Forbidden, JobsightError, NotFound, ServiceTimeout, ServiceUnavailable
from jobsight.insights import questions
from jobsight.search import PARAMETERS as SEARCH_PARAMETERS
from jobsight.web import forwarded, inputs
from jobsight.web.openapi import openapi_document
from jobsight.web.server import limits, route
from jobsight.web.websocket import Hub, websocket_route

BACKENDS = ("users", "scraper", "insights", "etl", "coordinator")


class GatewayService:
    name = "gateway"

    users = ServiceRpc("users")
    scraper = ServiceRpc("scraper")
    insights = ServiceRpc("insights")
    etl = ServiceRpc("etl")
    coordinator = ServiceRpc("coordinator")
    tokens = TokenSigning()
    hub = Hub()
    config = Config()
    context = RequestContext()
    # Cached insights are answered here, without the hop to insights: the key needs only the
    # validated question (jobsight.insights.questions) and the warehouse version, which the
    # warehouse_loaded events keep current (adapters.version).
    warehouse_version = WarehouseVersionView()
    cache = InsightCache()
    operator = OperatorAccess()
    status_cache = Coalesced()  # concurrent /status requests share one round of health checks
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT
    taxonomy = BundledTaxonomy()  # compiled at start, not on the first request

    # -- helpers -------------------------------------------------------------------------

    @property
    def _settings(self):
        return self.config.get("GATEWAY", {}) or {}

    def _body(self, request, schema):
        return inputs.json_body(request, schema, int(self._settings.get("MAX_BODY_BYTES", inputs.DEFAULT_MAX_BODY)),
                                timeout=limits(self.config)["SOCKET_TIMEOUT"])

    def _user_id(self, request) -> int:
        return self.tokens.verify(inputs.request_token(request))

    def _client(self, request) -> str:
        # Behind HAProxy every peer is the proxy: the client is what a trusted proxy forwarded.
        trusted = forwarded.trusted_networks(self._settings.get("TRUSTED_PROXIES"))
        return forwarded.client_address(request.remote_addr, request.headers.getlist("X-Forwarded-For"), trusted)

    # -- accounts ------------------------------------------------------------------------

    @route("POST", "/sign-up")
    def sign_up(self, request):
        body = self._body(request, inputs.SignUpBody())
        user = self.users.sign_up(body["name"], body["email"], body["password"], self._client(request))
        return 201, {"msg": "Successful sign up", "websocket": self._settings.get("PUBLIC_WS_URL"),
                     "user_id": user["user_id"]}

    @route("POST", "/login")
    def login(self, request):
        body = self._body(request, inputs.LoginBody())
        session = self.users.login(body["email"], body["password"], self._client(request))
        # A token is a credential: no cache, shared or private, may keep the answer.
        return 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}, {
            "msg": "Successful login", "websocket": self._settings.get("PUBLIC_WS_URL"),
            "token": session["token"], "user_id": session["user_id"], "expires_at": session["expires_at"]}

    @route("POST", "/logout")
    def logout(self, request):
        """The bearer token stops working on every gateway, and the websockets opened with it
        close; the user's other tokens go on."""
        token = inputs.request_token(request)
        self.tokens.verify(token)  # 401 here for a bad or revoked one, before any hop
        self.users.logout(token)
        return 200, {"msg": "Logged out"}

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
        if "search" in body:
            search = self.users.add_search(caller, body["search"])
            return 201, {"msg": "Search saved", "search": search}
        # Through the taxonomy: "golang" is stored as "Go", so matching and the warehouse agree.
        skill = self.scraper.skill_for(body["skill"])  # a name that cannot be a skill: 400
        if skill["known"]:
            result = self.users.add_subscription(caller, skill["skill"])
            if result["created"]:
                return 201, {"msg": "Subscribed", "skill": result["skill"]}
            return 200, {"msg": "Already subscribed", "skill": result["skill"]}
        # A skill nobody tracks yet: the subscription (users_db) and the tracked skill (jobs_db)
        # are written together by two-phase commit, then a saga tags the jobs that mention it.
        # Past the deadline the coordinator aborts rather than commits: a 503 means nothing was written.
        wait = rpc_settings(self.config, "coordinator")["timeout"]
        try:
            done = self.coordinator.transact(
                [{"service": "users", "operation": "subscribe",
                  "arguments": {"user_id": caller, "skill": skill["skill"]}},
                 {"service": "scraper", "operation": "track_skill",
                  "arguments": {"name": skill["skill"], "aliases": skill["aliases"]}}],
                saga="track_new_skill", saga_data={"skill": skill["skill"], "aliases": skill["aliases"]},
                deadline=time.time() + max(wait - 1, 0.5))
        except ServiceTimeout:
            raise ServiceUnavailable("Tracking a new skill is unavailable right now; nothing was changed")
        return 201, {"msg": "Subscribed; Jobsight starts tracking this skill now", "skill": skill["skill"],
                     "tracking": {"new": True, "saga": done["saga"]}}

    @route("GET", "/subscriptions")
    def list_subscriptions(self, request):
        return 200, self.users.list_subscriptions(self._user_id(request))

    @route("DELETE", "/subscriptions/search/<search_id>")
    def remove_search(self, request, search_id):
        caller = self._user_id(request)
        self.users.remove_search(caller, inputs.positive_int(search_id, "search_id"))
        return 204, None

    @route("DELETE", "/subscriptions/<path:skill>")
    def remove_subscription(self, request, skill):
        caller = self._user_id(request)
        self.users.remove_subscription(caller, inputs.path_text(skill, "skill", 64))
        return 204, None

    @route("DELETE", "/account")
    def delete_account(self, request):
        """Deletes the account and everything it owns, confirmed by its password: 202 at once; its
        tokens stop working everywhere and its websockets close within moments."""
        caller = self._user_id(request)
        body = self._body(request, inputs.PasswordBody())
        account = self.users.check_password(caller, body["password"])
        saga = self.coordinator.start_saga("delete_account", {"user_id": caller, "email": account["email"]})
        return 202, {"msg": "Account deletion started", "saga": saga["saga"]}

    # -- notifications ---------------------------------------------------------------------

    @route("GET", "/notifications")
    def notifications(self, request):
        caller = self._user_id(request)
        return 200, self.users.list_notifications(
            caller, inputs.flag(request, "unread"), inputs.query_int(request, "page", 1, 1, 10_000),
            inputs.query_int(request, "per_page", 20, 1, 100))

    @route("POST", "/notifications/<notification_id>/read")
    def read_notification(self, request, notification_id):
        caller = self._user_id(request)
        notification_id = inputs.positive_int(notification_id, "notification_id")
        result = self.users.mark_read(caller, [notification_id])
        if result["missing"]:
            raise NotFound("No such notification")
        return 200, {"msg": "Marked as read", "id": notification_id, "changed": bool(result["read"])}

    @websocket_route("/ws")
    def notification_socket(self, action, token=None, user_id=None, ids=None):
        """The websocket's work: check the token and load unread on connect; acknowledge."""
        if action == "connect":
            claims = self.tokens.verify_claims(token)
            unread = self.users.list_notifications(claims.user_id, True, 1, 100)["notifications"]
            return {"user_id": claims.user_id, "token_id": claims.token_id, "expires_at": claims.expires_at,
                    "unread": list(reversed(unread))}  # oldest first
        if action == "ack":
            return self.users.mark_read(user_id, ids)
        raise NotFound("unknown websocket action")

    @event_handler("users", "notifications_created", handler_type=BROADCAST, reliable_delivery=False)
    def push_notifications(self, payload):
        """Every gateway instance hears every notification and pushes it to its own clients, with
        the request id of what caused it (the event carries it from the scraper's commit on)."""
        data = payload.get("data") or {}
        job = data.get("job")
        request_id = logs.current_request_id()
        for item in data.get("notifications") or []:
            user_id = item.get("user_id")
            if isinstance(user_id, int) and isinstance(item.get("id"), int):
                notification = {"id": item["id"], "job": job, "reasons": item.get("reasons"),
                                "created_at": item.get("created_at"), "read": False}
                self.hub.push(user_id, {"type": "notification", "notification": notification,
                                        "request_id": request_id})

    @event_handler("users", "tokens_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def tokens_revoked(self, payload):
        """A user's tokens were revoked: close their sockets on this instance."""
        self._disconnect(payload)

    @event_handler("users", "user_deleted", handler_type=BROADCAST, reliable_delivery=False)
    def user_deleted(self, payload):
        self._disconnect(payload)

    @event_handler("users", "token_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def token_revoked(self, payload):
        """One token was logged out: close the sockets opened with it on this instance."""
        self._disconnect(payload)

    def _disconnect(self, payload):
        data = payload.get("data") if isinstance(payload, dict) else None
        user_id = data.get("user_id") if isinstance(data, dict) else None
        token_id = data.get("token_id") if isinstance(data, dict) else None
        if isinstance(user_id, int) and not isinstance(user_id, bool):
            self.hub.disconnect(user_id, token_id if isinstance(token_id, str) else None)

    @event_handler("etl", "warehouse_loaded", handler_type=BROADCAST, reliable_delivery=False)
    def warehouse_loaded(self, payload):
        """Every gateway instance hears every load, so its cached answers follow the warehouse."""
        data = payload.get("data") if isinstance(payload, dict) else None
        if isinstance(data, dict):
            self.warehouse_version.heard(data.get("key"))

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

    # -- search (GET /jobs: full text, filters, facets; the scraper validates the values) --

    @route("GET", "/jobs")
    def search_jobs(self, request):
        return 200, self.scraper.search_jobs(inputs.query_params(request, SEARCH_PARAMETERS))

    # -- end of search --------------------------------------------------------------------

    @route("GET", "/sources")
    def sources(self, request):
        return 200, {"sources": self.scraper.sources()}

    @route("GET", "/skills")
    def skills(self, request):
        return 200, {"skills": self.scraper.skills()}

    # -- insights ------------------------------------------------------------------------

    def _insight(self, question: str, **raw):
        """A cache hit at the current warehouse version answers here; anything else (a miss, the
        cache or the warehouse unreachable) goes to the insights service, which computes it."""
        _, key_parts = questions.prepare(question, **raw)  # bad input: 400 before any hop
        version = self.warehouse_version.current(self.insights.warehouse_version)
        hit = self.cache.peek(key_parts, version)
        if hit is not None:
            return 200, hit[0]
        return 200, getattr(self.insights, question)(**raw)

    @route("GET", "/generate-insight-skills-by-demand/<path:keywords>")
    def skills_by_demand(self, request, keywords):
        return self._insight("skills_by_demand", keywords=inputs.path_text(keywords, "keywords"))

    @route("GET", "/generate-insight-average-experience/<path:keywords>")
    def average_experience(self, request, keywords):
        return self._insight("average_experience", keywords=inputs.path_text(keywords, "keywords"))

    @route("GET", "/skills-by-salary")
    def skills_by_salary(self, request):
        return self._insight("skills_by_salary")

    @route("GET", "/average-job-salary")
    def average_job_salary(self, request):
        return self._insight("average_job_salary")

    @route("GET", "/all-skills-by-demand")
    def all_skills_by_demand(self, request):
        return self._insight("all_skills_by_demand")

    # -- extended insights (GET /insights/...) ----------------------------------------------

    def _insight_args(self, request, allowed) -> dict:
        """Known query parameters only; integers checked here, everything else by prepare."""
        params = inputs.query_params(request, allowed)
        for name, high in (("limit", questions.MAX_LIMIT), ("weeks", questions.MAX_WEEKS)):
            if name in allowed:
                params[name] = inputs.query_int(request, name, None, 1, high)
        return params

    @route("GET", "/insights/salary")
    def insight_salary(self, request):
        return self._insight("salary_percentiles", **self._insight_args(request, ("skill", "title", "location")))

    @route("GET", "/insights/skills/<path:skill>/trend")
    def insight_skill_trend(self, request, skill):
        args = self._insight_args(request, ("weeks",))
        return self._insight("skill_trend", skill=inputs.path_text(skill, "skill", 64), weeks=args["weeks"])

    @route("GET", "/insights/co-skills")
    def insight_co_skills(self, request):
        args = self._insight_args(request, ("keywords", "limit"))
        return self._insight("co_skills", keywords=inputs.query_text(request, "keywords"), limit=args["limit"])

    @route("GET", "/insights/experience")
    def insight_experience(self, request):
        return self._insight("experience_distribution", **self._insight_args(request, ("keywords",)))

    @route("GET", "/insights/remote-share")
    def insight_remote_share(self, request):
        return self._insight("remote_share", **self._insight_args(request, ("keywords",)))

    @route("GET", "/insights/companies")
    def insight_companies(self, request):
        return self._insight("top_companies", **self._insight_args(request, ("keywords", "skill", "limit")))

    # -- end of extended insights -----------------------------------------------------------

    # -- operations ----------------------------------------------------------------------

    @route("GET", "/health/live")
    def health_live(self, request):
        """This instance answers HTTP: the load balancer's check. It asks no other service, so
        one sick backend never takes every gateway out of rotation (``/status`` would)."""
        return 200, {"status": "ok"}

    @route("GET", "/status")
    def status(self, request):
        """Up or down for anyone; every service, circuit, the warehouse and the notifications for
        an operator (X-Operator-Token). Requests that arrive while the services are being asked
        share that answer: a flood of /status costs one round of health checks at a time."""
        code, body = self.status_cache.answer(self._status)
        if self.operator.allows(request):
            return code, body
        return code, {"msg": body["msg"], "status": "ok" if code == 200 else "down"}

    def _status(self):
        timeout = float(self._settings.get("STATUS_TIMEOUT", 2))
        pile = eventlet.GreenPile()
        for backend in BACKENDS:
            pile.spawn(self._health, backend, timeout)
        warehouse = eventlet.spawn(self._warehouse_status, timeout)
        notifications = eventlet.spawn(self._notification_status, timeout)
        results = dict(zip(BACKENDS, pile))
        services = {"gateway": "ok", **{name: state for name, (state, _) in results.items()}}
        details = {name: detail for name, (_, detail) in results.items()}
        # Each gateway instance keeps its own breakers: these are the answering instance's.
        details["circuits"] = {name: getattr(self, name).breaker_state for name in BACKENDS}
        healthy = all(state == "ok" for state in services.values())
        return (200 if healthy else 503), {
            "msg": "All services are up" if healthy else "Some services are down",
            "services": services,
            "details": details,
            "warehouse": warehouse.wait(),
            "notifications": notifications.wait(),
        }

    def _notification_status(self, timeout: float) -> dict:
        figures = {"websocket": self.hub.cluster_stats()}
        try:
            figures["inbox"] = self.users.with_timeout(timeout).notification_stats()
        except Exception as exc:  # status must answer even when users does not
            figures["inbox"] = {"error": getattr(exc, "message", type(exc).__name__)}
        return figures

    @rpc
    def cache_stats(self):
        """Operators: ``n.rpc.gateway.cache_stats()`` — the insight cache as one gateway sees it:
        hits it answered itself, and requests it forwarded to insights (whose own figures are
        ``n.rpc.insights.cache_stats()``)."""
        return {**self.cache.stats(), "warehouse_version": self.warehouse_version.stats()}

    @rpc
    def notification_stats(self):
        """Operators: ``n.rpc.gateway.notification_stats()`` — websocket clients and deliveries
        over every gateway instance, and the inbox figures from users."""
        return self._notification_status(float(self._settings.get("STATUS_TIMEOUT", 2)))

    @rpc
    def breakers(self):
        """Operators: ``n.rpc.gateway.breakers()`` — this instance's circuit breaker to each
        service (state, failures, settings). Each instance keeps its own and the call reaches
        one of them; ``GET /status`` shows the states of the instance that answered it."""
        return breaker_reports(self, BACKENDS)

    def _health(self, backend: str, timeout: float):
        try:
            report = getattr(self, backend).with_timeout(timeout).health()
        except JobsightError as exc:
            return "down", {"error": exc.message}
        except Exception as exc:  # any failure to answer means down, whatever its kind
            return "down", {"error": type(exc).__name__}
        return ("ok" if report.get("ok") else "down"), report

    # -- warehouse status (owned by etl: version, watermark, lag, row counts, quality) ----

    def _warehouse_status(self, timeout: float) -> dict:
        try:
            return self.etl.with_timeout(timeout).status()
        except JobsightError as exc:
            return {"error": exc.message}
        except Exception as exc:  # informational: never turns /status into a 500
            return {"error": type(exc).__name__}

    @route("GET", "/metrics")
    def metrics(self, request):
        """This instance's Prometheus metrics, for an operator (X-Operator-Token); Prometheus
        scrapes them on METRICS_PORT, which only the local network reaches, like every service's."""
        if not self.operator.allows(request):
            raise Forbidden("Operators only: send X-Operator-Token")
        return metrics.exposition()

    @route("GET", "/openapi.json")
    def openapi(self, request):
        return 200, openapi_document()
