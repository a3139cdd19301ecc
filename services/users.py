"""users service: accounts, credentials, tokens and skill subscriptions (owns users_db)."""
from nameko.dependency_providers import Config
import logging

from nameko.events import SERVICE_POOL, EventDispatcher, event_handler
from nameko.rpc import rpc
from nameko_sqlalchemy import Database
from sqlalchemy.exc import InterfaceError, OperationalError

from jobsight import health, notifications
from jobsight.accounts import Accounts
from jobsight.auth import normalize_email
from jobsight.db.users import UsersBase
from jobsight.errors import Conflict, JobsightError, Unauthorized, ValidationError
from jobsight.events import envelope, open_envelope
from jobsight.logs import RequestContext
from jobsight.providers import LoginThrottling, PasswordHashing, TokenSigning

log = logging.getLogger("jobsight.users")


class UsersService:
    name = "users"

    db = Database(UsersBase, engine_options={"pool_pre_ping": True})
    passwords = PasswordHashing()
    tokens = TokenSigning()
    throttle = LoginThrottling()
    dispatch = EventDispatcher()
    config = Config()
    context = RequestContext()

    def _accounts(self) -> Accounts:
        return Accounts(self.db.session, self.passwords,
                        int(self.config.get("AUTH", {}).get("PASSWORD_MIN_LENGTH", 8)))

    @rpc(expected_exceptions=JobsightError)
    def sign_up(self, name, email, password):
        accounts = self._accounts()
        name, email, password = accounts.check_new_account(name, email, password)
        if accounts.email_taken(email):
            raise Conflict("User already exists")
        user = accounts.create(name, email, self.passwords.hash(password))
        self.dispatch("user_signed_up", envelope({"user_id": user.id}))
        return {"user_id": user.id, "name": user.name, "email": user.email}

    @rpc(expected_exceptions=JobsightError)
    def login(self, email, password, client=""):
        if not isinstance(email, str) or not isinstance(password, str) or not isinstance(client, str):
            raise ValidationError("email, password and client must be strings")
        email = normalize_email(email)
        self.throttle.check(email, client)
        user = self._accounts().by_email(email)
        if not self.passwords.verify(user.password_hash if user else None, password):
            self.throttle.record_failure(email, client)
            raise Unauthorized("Invalid email or password")
        self.throttle.reset(email, client)
        token, expires_at = self.tokens.issue(user.id)
        return {"user_id": user.id, "token": token, "expires_at": expires_at}

    @rpc(expected_exceptions=JobsightError)
    def get_user(self, email_or_id):
        """Operator lookup: ``n.rpc.users.get_user("ana@example.com")`` or ``get_user(42)``."""
        return self._accounts().find(email_or_id)

    @rpc(expected_exceptions=JobsightError)
    def get_subscriptions(self, user_id):
        return self._accounts().subscriptions(user_id)

    @rpc(expected_exceptions=JobsightError)
    def add_subscription(self, user_id, skill):
        skill, created = self._accounts().subscribe(user_id, skill)
        if created:
            self.dispatch("subscription_added", envelope({"user_id": user_id, "skill": skill}))
        return {"skill": skill, "created": created}

    @rpc(expected_exceptions=JobsightError)
    def remove_subscription(self, user_id, skill):
        self._accounts().unsubscribe(user_id, skill)
        self.dispatch("subscription_removed", envelope({"user_id": user_id, "skill": skill}))
        return {"skill": skill, "removed": True}

    @rpc
    def subscribers_per_skill(self):
        """For the warehouse's daily snapshot (docs/EVENTS.md)."""
        return self._accounts().subscribers_per_skill()

    # -- saved searches -------------------------------------------------------------------

    @rpc(expected_exceptions=JobsightError)
    def add_search(self, user_id, search):
        self._accounts().get(user_id)
        saved = notifications.SavedSearches(self.db.session).add(user_id, notifications.parse_search(search))
        self.dispatch("search_saved", envelope({"user_id": user_id, "search_id": saved["id"]}))
        return saved

    @rpc(expected_exceptions=JobsightError)
    def remove_search(self, user_id, search_id):
        self._accounts().get(user_id)
        if not isinstance(search_id, int) or search_id <= 0:
            raise ValidationError("search_id must be a positive integer")
        notifications.SavedSearches(self.db.session).remove(user_id, search_id)
        return {"removed": search_id}

    @rpc(expected_exceptions=JobsightError)
    def list_subscriptions(self, user_id):
        """Everything a user is subscribed to: skills and saved searches."""
        skills = self._accounts().subscriptions(user_id)
        return {"skills": skills, "searches": notifications.SavedSearches(self.db.session).list(user_id)}

    # -- notifications --------------------------------------------------------------------

    @event_handler("scraper", "job_posted", handler_type=SERVICE_POOL, reliable_delivery=True,
                   requeue_on_error=True)
    def on_job_posted(self, payload):
        self._notify("job_posted", payload)

    @event_handler("scraper", "job_updated", handler_type=SERVICE_POOL, reliable_delivery=True,
                   requeue_on_error=True)
    def on_job_updated(self, payload):
        # An update can create a new match (a new skill, a salary); users already told are not told again.
        self._notify("job_updated", payload)

    def _notify(self, event_type, payload):
        try:
            event = open_envelope(payload)
            job = notifications.check_job(event["data"].get("job"))
        except ValidationError as exc:
            # A malformed event would fail forever: log why and drop it, never block the queue.
            log.warning("rejected %s event: %s", event_type, exc,
                        extra={"event_id": payload.get("event_id") if isinstance(payload, dict) else None})
            return
        session = self.db.session
        try:
            if not notifications.record_event(session, event["event_id"], event_type):
                session.rollback()
                return
            created = None
            if job.get("status", "open") == "open":
                created = notifications.notify(session, event["event_id"], job, notifications.matches(session, job))
            session.commit()
        except (OperationalError, InterfaceError):
            session.rollback()
            raise  # the database is away: the event goes back to the queue and is tried again
        except Exception:
            # Anything else would fail the same way on every retry: log it and move on.
            session.rollback()
            log.exception("could not match %s event %s", event_type, event["event_id"])
            return
        if created:
            self.dispatch("notifications_created", envelope(created))
            log.info("%s notifications for job %s", len(created["notifications"]), job["job_id"],
                     extra={"job_id": job["job_id"], "notified": len(created["notifications"])})

    @rpc(expected_exceptions=JobsightError)
    def list_notifications(self, user_id, unread_only=False, page=1, per_page=20):
        self._accounts().get(user_id)
        return notifications.Inbox(self.db.session).page(user_id, bool(unread_only), page, per_page)

    @rpc(expected_exceptions=JobsightError)
    def mark_read(self, user_id, ids):
        self._accounts().get(user_id)
        return notifications.Inbox(self.db.session).mark_read(user_id, ids)

    @rpc
    def notification_stats(self):
        return notifications.stats(self.db.session)

    @rpc
    def health(self):
        return health.report(database=lambda: health.check_database(self.db.session),
                             redis=lambda: self.throttle.ping())
