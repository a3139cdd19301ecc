"""users service: accounts, credentials, tokens, subscriptions and saved searches, matching new
jobs to them, and the notification inbox (owns users_db)."""
import logging

from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler
from nameko.rpc import rpc

from jobsight import health, metrics, notifications, validate
from jobsight.accounts import check_new_account
from jobsight.adapters.context import RequestContext
from jobsight.adapters.database import DATABASE_AWAY, UnitOfWork
from jobsight.adapters.metrics import MetricsEndpoint
from jobsight.adapters.outbox import OutboxRelay
from jobsight.adapters import participant as two_phase  # a module: `nameko run` takes every class here for a service
from jobsight.adapters.security import LoginThrottling, PasswordHashing, SignUpThrottling, TokenSigning
from jobsight.adapters.taxonomy import BundledTaxonomy
from jobsight.adapters.units import UsersUnit
from jobsight.auth import normalize_email
from jobsight.coordination import operations
from jobsight.db.users import UsersBase
from jobsight.errors import Conflict, JobsightError, Unauthorized, ValidationError
from jobsight.events import BadEvent, JobPayload, job_event

log = logging.getLogger("jobsight.users")


def _on_job(event_type: str):
    return event_handler("scraper", event_type, handler_type=SERVICE_POOL, reliable_delivery=True,
                         requeue_on_error=True)


class UsersService(two_phase.TransactionParticipant):
    name = "users"
    participant = operations.USERS

    uow = UnitOfWork(UsersUnit)
    relay = OutboxRelay(UsersBase)  # every event below is written to the outbox with its change
    passwords = PasswordHashing()
    tokens = TokenSigning()
    throttle = LoginThrottling()
    sign_ups = SignUpThrottling()
    config = Config()
    context = RequestContext()
    prometheus = MetricsEndpoint()  # this instance's metrics on METRICS_PORT
    taxonomy = BundledTaxonomy()  # compiled at start, not on the first request

    # -- accounts -------------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def sign_up(self, name, email, password, client=""):
        """A new account. Throttled per client address (each one costs an argon2 hash); an email
        already taken answers the contract's 409 only after the same hash, so the time taken
        does not tell whether an account exists."""
        min_length = int(self.config.get("AUTH", {}).get("PASSWORD_MIN_LENGTH", 8))
        name, email, password = check_new_account(name, email, password, min_length)
        if isinstance(client, str) and client:  # from the gateway; an operator's call is not throttled
            self.sign_ups.hit(client)
        password_hash = self.passwords.hash(password)
        if self.uow.accounts.email_taken(email):
            raise Conflict("User already exists")
        user = self.uow.accounts.create(name, email, password_hash)
        self.uow.outbox.add("user_signed_up", {"user_id": user.id})
        self.uow.commit()
        return {"user_id": user.id, "name": user.name, "email": user.email}

    @rpc(expected_exceptions=JobsightError)
    def login(self, email, password, client=""):
        if not isinstance(email, str) or not isinstance(password, str) or not isinstance(client, str):
            raise ValidationError("email, password and client must be strings")
        email = normalize_email(email)
        self.throttle.check(email, client)
        user = self.uow.accounts.by_email(email)
        if not self.passwords.verify(user.password_hash if user else None, password):
            self.throttle.record_failure(email, client)
            raise Unauthorized("Invalid email or password")
        self.throttle.record_success(email, client)
        token, expires_at = self.tokens.issue(user.id)
        return {"user_id": user.id, "token": token, "expires_at": expires_at}

    @rpc(expected_exceptions=JobsightError)
    def get_user(self, email_or_id):
        """Operator lookup: ``n.rpc.users.get_user("ana@example.com")`` or ``get_user(42)``."""
        return self.uow.accounts.find(email_or_id)

    # -- skill subscriptions --------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def get_subscriptions(self, user_id):
        return self.uow.accounts.subscriptions(user_id)

    @rpc(expected_exceptions=JobsightError)
    def add_subscription(self, user_id, skill):
        skill, created = self.uow.accounts.subscribe(user_id, skill)
        if created:
            self.uow.outbox.add("subscription_added", {"user_id": user_id, "skill": skill})
        self.uow.commit()
        return {"skill": skill, "created": created}

    @rpc(expected_exceptions=JobsightError)
    def remove_subscription(self, user_id, skill):
        self.uow.accounts.unsubscribe(user_id, skill)
        self.uow.outbox.add("subscription_removed", {"user_id": user_id, "skill": skill})
        self.uow.commit()
        return {"skill": skill, "removed": True}

    @rpc
    def subscribers_per_skill(self):
        """For the warehouse's daily snapshot (docs/EVENTS.md)."""
        return self.uow.accounts.subscribers_per_skill()

    # -- saved searches -------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def add_search(self, user_id, search):
        self.uow.accounts.get(user_id)
        saved = self.uow.searches.add(user_id, notifications.parse_search(search))
        self.uow.outbox.add("search_saved", {"user_id": user_id, "search_id": saved["id"]})
        self.uow.commit()
        return saved

    @rpc(expected_exceptions=JobsightError)
    def remove_search(self, user_id, search_id):
        self.uow.accounts.get(user_id)
        self.uow.searches.remove(user_id, validate.positive_id(search_id, "search_id"))
        self.uow.commit()
        return {"removed": search_id}

    @rpc(expected_exceptions=JobsightError)
    def list_subscriptions(self, user_id):
        """Everything a user is subscribed to: skills and saved searches."""
        skills = self.uow.accounts.subscriptions(user_id)
        return {"skills": skills, "searches": self.uow.searches.list(user_id)}

    # -- notifications --------------------------------------------------------------------

    @_on_job("job_posted")
    def on_job_posted(self, payload):
        self._notify("job_posted", payload)

    @_on_job("job_updated")
    def on_job_updated(self, payload):
        # An update can create a new match (a new skill, a salary); users already told are not told again.
        self._notify("job_updated", payload)

    def _notify(self, event_type, payload):
        try:
            event, job = job_event(payload)
        except BadEvent as exc:
            # A malformed event would fail forever: log why and drop it, never block the queue.
            log.warning("rejected %s event: %s", event_type, exc,
                        extra={"event_id": payload.get("event_id") if isinstance(payload, dict) else None})
            return
        uow = self.uow
        try:
            if not uow.processed.record(event["event_id"], event_type):
                uow.rollback()
                return
            created = uow.inbox.notify(event["event_id"], job, uow.subscribers.matching(job)) if job.is_open else None
            if created:
                uow.outbox.add("notifications_created", created)
            uow.commit()
            metrics.NOTIFICATIONS_STORED.inc(len(created["notifications"]) if created else 0)
        except DATABASE_AWAY:
            uow.rollback()
            raise  # the database is away: the event goes back to the queue and is tried again
        except Exception:
            # Anything else would fail the same way on every retry: log it and move on.
            uow.rollback()
            log.exception("could not match %s event %s", event_type, event["event_id"])
            return
        if created:
            log.info("%s notifications for job %s", len(created["notifications"]), job.job_id,
                     extra={"job_id": job.job_id, "notified": len(created["notifications"])})

    @rpc(expected_exceptions=JobsightError)
    def list_notifications(self, user_id, unread_only=False, page=1, per_page=20):
        self.uow.accounts.get(user_id)
        return self.uow.inbox.page(user_id, bool(unread_only), page, per_page)

    @rpc(expected_exceptions=JobsightError)
    def mark_read(self, user_id, ids):
        self.uow.accounts.get(user_id)
        result = self.uow.inbox.mark_read(user_id, ids)
        self.uow.commit()
        return result

    # -- saga steps (the coordinator runs them; each one is safe to repeat) ----------------

    @rpc(expected_exceptions=JobsightError)
    def backfill_skill(self, skill, jobs, event_id):
        """Notify the subscribers of ``skill`` of these open jobs (payloads), each user once per job."""
        subscribers = notifications.subscribers_of(self.uow.session, skill)
        created = []
        for data in jobs or []:
            try:
                job = JobPayload.from_dict(data)
            except BadEvent:
                continue
            made = self.uow.inbox.notify(event_id, job, {u: [{"type": "skill", "skill": skill}] for u in subscribers})
            if made:
                self.uow.outbox.add("notifications_created", made)
                created.extend(n["id"] for n in made["notifications"])
        self.uow.commit()
        metrics.NOTIFICATIONS_STORED.inc(len(created))
        return {"notified": len(created)}

    @rpc(expected_exceptions=JobsightError)
    def notice_skill_not_tracked(self, skill):
        """A saga that could not track ``skill`` tells its subscribers in their inbox."""
        made = self.uow.inbox.notice_skill_not_tracked(notifications.subscribers_of(self.uow.session, skill), skill)
        if made:
            self.uow.outbox.add("notifications_created", made)
        self.uow.commit()
        told = len(made["notifications"]) if made else 0
        metrics.NOTIFICATIONS_STORED.inc(told)
        return {"told": told}

    @rpc(expected_exceptions=JobsightError)
    def check_password(self, user_id, password):
        """Confirm a destructive request with the account's password (``Unauthorized`` if wrong)."""
        user = self.uow.accounts.get(user_id)
        if not isinstance(password, str) or not self.passwords.verify(user.password_hash, password):
            raise Unauthorized("Wrong password")
        return {"user_id": user.id, "email": user.email}

    @rpc(expected_exceptions=JobsightError)
    def revoke_tokens(self, user_id):
        """Every token of the user stops working now, on every gateway; ``tokens_revoked`` tells
        the gateways to close the user's websockets."""
        user_id = validate.positive_id(user_id, "user_id")
        self.tokens.revoke_user(user_id)
        self.uow.outbox.add("tokens_revoked", {"user_id": user_id})
        self.uow.commit()
        return {"revoked": user_id}

    @rpc(expected_exceptions=JobsightError)
    def logout(self, token):
        """One token stops working now, on every gateway (``token_revoked`` closes the websockets
        opened with it); the user's other sessions go on. ``Unauthorized`` for a bad token."""
        claims = self.tokens.verify_claims(token if isinstance(token, str) else None)
        self.tokens.revoke_token(claims)
        self.uow.outbox.add("token_revoked", {"user_id": claims.user_id, "token_id": claims.token_id})
        self.uow.commit()
        return {"user_id": claims.user_id}

    @rpc(expected_exceptions=JobsightError)
    def delete_account(self, user_id, email):
        """Remove the account and all it owns here, and the login counters of its email;
        ``user_deleted`` tells the gateways. Repeating it after it is done changes nothing."""
        self.throttle.forget(normalize_email(email))
        gone = self.uow.accounts.delete(user_id)
        if gone is None:
            return {"deleted": False}
        self.uow.outbox.add("user_deleted", {"user_id": gone["user_id"]})
        self.uow.commit()
        return {"deleted": True, "subscriptions": gone["subscriptions"]}

    @rpc
    def notification_stats(self):
        return self.uow.inbox.stats()

    @rpc
    def health(self):
        return {**health.report(database=lambda: health.check_database(self.uow.session),
                                redis=lambda: self.throttle.ping()),
                "outbox": self.relay.status()}
