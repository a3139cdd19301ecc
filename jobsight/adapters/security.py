"""Credentials: password hashing (argon2, off the event loop), bearer tokens, login throttling."""
from __future__ import annotations

import redis
from eventlet import tpool
from nameko.extensions import DependencyProvider

from jobsight.adapters.redis import RedisProvider
from jobsight.auth import Claims, Passwords, TokenRevocations, Tokens
from jobsight.errors import ServiceUnavailable, Unauthorized
from jobsight.ratelimit import LoginThrottle, SignUpThrottle


class LoginThrottling(RedisProvider):
    """A throttle of jobsight.ratelimit with its limits from ``AUTH.THROTTLE``."""

    kind = LoginThrottle

    def setup(self):
        super().setup()
        config = self.container.config
        settings = (config.get("AUTH", {}) or {}).get("THROTTLE") or {}
        self.throttle = self.kind(config["REDIS_URL"], settings, redis_client=self.client)

    def get_dependency(self, worker_ctx):
        return self.throttle


class SignUpThrottling(LoginThrottling):
    kind = SignUpThrottle


class _GreenPasswords:
    """argon2 runs in a native thread: it would otherwise stall every green thread for ~0.3 s."""

    def __init__(self, passwords: Passwords):
        self._passwords = passwords

    def hash(self, password: str) -> str:
        return tpool.execute(self._passwords.hash, password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        return tpool.execute(self._passwords.verify, password_hash, password)


class PasswordHashing(DependencyProvider):
    def setup(self):
        self.passwords = _GreenPasswords(Passwords())

    def get_dependency(self, worker_ctx):
        return self.passwords


class RevocableTokens:
    """Tokens as every service sees them: signed and expiring, and revocable per user."""

    def __init__(self, tokens: Tokens, revocations: TokenRevocations):
        self._tokens = tokens
        self._revocations = revocations

    def issue(self, user_id: int) -> tuple[str, int]:
        return self._tokens.issue(user_id)

    def verify(self, token: str | None) -> int:
        return self.verify_claims(token).user_id

    def verify_claims(self, token: str | None) -> Claims:
        claims = self._tokens.verify_claims(token)
        try:
            revoked = self._revocations.revoked(claims)
        except redis.RedisError:
            raise ServiceUnavailable("Tokens cannot be checked right now; try again shortly")
        if revoked:
            raise Unauthorized("Token revoked")
        return claims

    def revoke_user(self, user_id: int) -> None:
        self._revocations.revoke_user(user_id)

    def revoke_token(self, claims: Claims) -> None:
        self._revocations.revoke_token(claims)


class TokenSigning(RedisProvider):
    """Issues (users), verifies (gateway) and revokes bearer tokens with the configured secret."""

    def setup(self):
        super().setup()
        tokens = Tokens.from_config(self.container.config)
        self.tokens = RevocableTokens(tokens, TokenRevocations(self.client, tokens.ttl))

    def get_dependency(self, worker_ctx):
        return self.tokens
