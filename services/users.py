"""users service: accounts, credentials, tokens and skill subscriptions (owns users_db)."""
from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.rpc import rpc
from nameko_sqlalchemy import Database

from jobsight import health
from jobsight.accounts import Accounts
from jobsight.auth import normalize_email
from jobsight.db.users import UsersBase
from jobsight.errors import Conflict, JobsightError, Unauthorized, ValidationError
from jobsight.events import envelope
from jobsight.logs import RequestContext
from jobsight.providers import LoginThrottling, PasswordHashing, TokenSigning


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
    def health(self):
        return health.report(database=lambda: health.check_database(self.db.session),
                             redis=lambda: self.throttle.ping())
