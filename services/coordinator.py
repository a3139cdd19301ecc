"""coordinator service: two-phase commits across users_db and jobs_db, and long-running sagas
(owns coordinator_db). The protocol is jobsight/coordination; this is its wiring."""
import logging

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from jobsight import health, metrics, validate
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import UnitOfWork
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.redis import IntervalLock
from jobsight.adapters.rpc import ServiceRpc
from jobsight.adapters.units import CoordinatorUnit
from jobsight.coordination import flows, twophase
from jobsight.coordination.log import TransactionLog
from jobsight.coordination.runner import Coordinator, TransactionAborted
from jobsight.coordination.sagas import SagaLog, SagaRunner
from jobsight.errors import JobsightError, NotFound, ServiceUnavailable, ValidationError

log = logging.getLogger("jobsight.coordinator")
TICK_SECONDS = 1
METRICS_SECONDS = 15
PARTICIPANTS = ("users", "scraper")


class CoordinatorService:
    name = "coordinator"

    uow = UnitOfWork(CoordinatorUnit)
    users = ServiceRpc("users")
    scraper = ServiceRpc("scraper")
    etl = ServiceRpc("etl")
    lock = IntervalLock()
    config = Config()
    context = RequestContext()
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT

    @property
    def _settings(self) -> dict:
        return self.config.get("COORDINATOR", {}) or {}

    def _coordinator(self) -> Coordinator:
        timeout = float(self._settings.get("PREPARE_TIMEOUT", 5))  # a silent prepare aborts after this
        clients = {name: getattr(self, name).with_timeout(timeout) for name in PARTICIPANTS}
        return Coordinator(TransactionLog(self.uow.engine), clients)

    def _sagas(self) -> SagaRunner:
        clients = {"users": self.users, "scraper": self.scraper,
                   "etl": self.etl.with_timeout(float(self._settings.get("ETL_TIMEOUT", 120)))}
        return SagaRunner(SagaLog(self.uow.engine), flows.KINDS, clients)

    # -- two-phase commit -------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def transact(self, participants, saga=None, saga_data=None, deadline=None):
        """Commit the participants' named operations atomically (``[{service, operation,
        arguments}]``), then start ``saga`` with ``saga_data`` if given. Answers each participant's
        prepare answer; ``ServiceUnavailable`` when it aborted (nothing was written anywhere).
        ``deadline`` (epoch seconds): the caller stops waiting then; later, nothing commits."""
        if deadline is not None and (isinstance(deadline, bool) or not isinstance(deadline, (int, float))):
            raise ValidationError("deadline must be a time in epoch seconds")
        if not isinstance(participants, list) or not participants:
            raise ValidationError("participants must be a non-empty list")
        try:
            parts = [twophase.Participant.from_dict(p) for p in participants]
        except (KeyError, TypeError, AttributeError):
            raise ValidationError("each participant needs a service and an operation")
        if saga is not None and saga not in flows.KINDS:
            raise ValidationError(f"no saga named {saga!r}")
        try:
            outcome = self._coordinator().run(parts, payload={"saga": saga}, deadline=deadline)
        except TransactionAborted as exc:
            log.warning("transaction %s aborted: %s", exc.transaction_id, exc.reason,
                        extra={"transaction_id": exc.transaction_id})
            raise ServiceUnavailable("The change could not be made everywhere, so nothing was changed; "
                                     "try again shortly")
        saga_id = SagaLog(self.uow.engine).start(saga, saga_data or {}) if saga else None
        return {"transaction": outcome.transaction_id, "state": outcome.state, "answers": outcome.answers,
                "saga": saga_id}


    @rpc(expected_exceptions=JobsightError)
    def recover(self):
        """Operator: resolve every in-doubt transaction now (also done on start and on a timer)."""
        grace = 2 * float(self._settings.get("PREPARE_TIMEOUT", 5)) + 5
        summary = self._coordinator().recover(grace)
        if any(summary[k] for k in ("aborted", "committed", "rolled_back")):
            log.info("recovery: %s", summary, extra={"recovery": summary})
        return summary

    @rpc(expected_exceptions=JobsightError)
    def transactions(self, state=None, limit=50):
        """``n.rpc.coordinator.transactions(state="committing")``: the log, newest first."""
        if state is not None and state not in twophase.STATES:
            raise ValidationError(f"state must be one of {', '.join(twophase.STATES)}")
        return TransactionLog(self.uow.engine).list(state, validate.integer(limit, "limit", 1, 500))

    # -- sagas ------------------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def start_saga(self, kind, data):
        if kind not in flows.KINDS:
            raise ValidationError(f"no saga named {kind!r}")
        if not isinstance(data, dict):
            raise ValidationError("data must be an object")
        saga_id = SagaLog(self.uow.engine).start(kind, data)
        record = self._sagas().run_now(saga_id)  # what can be done now is done before answering
        return {"saga": saga_id, "state": record.state if record else "running"}

    @rpc(expected_exceptions=JobsightError)
    def sagas(self, state=None, limit=50):
        """``n.rpc.coordinator.sagas(state="compensating")``: step, attempts, last error, next try."""
        return SagaLog(self.uow.engine).list(state, limit=validate.integer(limit, "limit", 1, 500))

    @rpc(expected_exceptions=JobsightError)
    def saga(self, saga_id):
        found = SagaLog(self.uow.engine).get(str(saga_id))
        if found is None:
            raise NotFound("No such saga")
        return found

    @rpc(expected_exceptions=JobsightError)
    def resume(self, saga_id):
        """Operator: retry a saga's current step now."""
        return {"resumed": SagaLog(self.uow.engine).resume(str(saga_id))}

    @rpc(expected_exceptions=JobsightError)
    def abort(self, saga_id):
        """Operator: stop a running saga and undo what it did."""
        return {"aborted": SagaLog(self.uow.engine).abort(str(saga_id))}

    # -- the timer: recovery and due saga steps -----------------------------------------------

    @timer(interval=TICK_SECONDS, eager=True)
    def tick(self):
        try:
            if self.lock.once_per("recovery", float(self._settings.get("RECOVERY_SECONDS", 10))):
                self.recover()
            self._sagas().run_due()
        except Exception as exc:  # a participant or the database is away: the next tick tries again
            log.warning("coordinator tick failed: %s", type(exc).__name__)

    @timer(interval=METRICS_SECONDS, eager=True)
    def report_metrics(self):
        """This instance's gauges: in-doubt transactions (those of the participants that answered)
        and stuck sagas (-1: the saga log could not be read)."""
        doubt = self._in_doubt()
        metrics.in_doubt(doubt["count"], doubt["oldest_seconds"] or 0)
        stuck = self._stuck_sagas()
        metrics.STUCK_SAGAS.set(stuck if isinstance(stuck, int) else -1)

    @rpc
    def health(self):
        report = health.report(database=lambda: health.check_database(self.uow.session))
        report["in_doubt"] = self._in_doubt()
        report["stuck_sagas"] = self._stuck_sagas()
        return report

    def _stuck_sagas(self):
        try:
            return SagaLog(self.uow.engine).stuck(float(self._settings.get("STUCK_SECONDS", 60)))
        except Exception as exc:
            return {"error": type(exc).__name__}

    def _in_doubt(self) -> dict:
        """Prepared transactions hold locks and hold back VACUUM: their count and the oldest's age."""
        found, errors = [], {}
        for name in PARTICIPANTS:
            try:
                found += getattr(self, name).with_timeout(1).in_doubt()
            except Exception as exc:
                errors[name] = type(exc).__name__
        oldest = max((entry["age_seconds"] for entry in found), default=None)
        if oldest is not None and oldest > 60:
            log.warning("a prepared transaction is %.0f s old: it holds locks and holds back VACUUM", oldest,
                        extra={"in_doubt": len(found), "oldest_seconds": oldest})
        return {"count": len(found), "oldest_seconds": oldest, **({"errors": errors} if errors else {})}
