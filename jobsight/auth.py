"""Credentials: email normalization, password hashing (argon2) and signed bearer tokens (JWT)."""
from __future__ import annotations

import re
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jobsight.errors import Unauthorized, ValidationError

MAX_EMAIL_LENGTH = 254
MAX_PASSWORD_LENGTH = 1024  # argon2 handles more, but nobody needs it and it costs CPU

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def normalize_email(email: str) -> str:
    """Trim, NFC-normalize and lowercase: emails are compared case-insensitively."""
    return unicodedata.normalize("NFC", email).strip().lower()


def validate_email(email) -> str:
    if not isinstance(email, str):
        raise ValidationError("Invalid email")
    normalized = normalize_email(email)
    if len(normalized) > MAX_EMAIL_LENGTH or not _EMAIL.match(normalized) or ".." in normalized:
        raise ValidationError("Invalid email")
    return normalized


def validate_password(password, min_length: int = 8) -> str:
    if not isinstance(password, str) or len(password) < min_length:
        raise ValidationError("Password too short")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("Password too long")
    return password


class Passwords:
    """argon2id hashing. Both calls take hundreds of milliseconds of CPU on purpose."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self._hasher = hasher or PasswordHasher()
        # Verifying against this when the email is unknown keeps response times equal,
        # so timing does not tell which emails have accounts.
        self._decoy = self._hasher.hash("jobsight-decoy-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


# Secrets that were ever written in this repository: anyone can sign tokens with them, so no
# service starts with one.
PUBLIC_SECRETS = frozenset({
    "change-me-in-production-jobsight-dev-secret",  # config.yml's default until it had none
    "test-secret-that-is-long-enough-for-hs256",  # the test suite's, before it drew one per run
})
ISSUER = "jobsight"
AUDIENCE = "jobsight-api"
MAX_TTL_SECONDS = 7 * 86400  # no token lives longer, whatever the config says
CLOCK_SKEW_SECONDS = 30


class PublicSecret(ValueError):
    """The configured token secret is known to the world."""


def check_secret(secret: str) -> str:
    if not secret or len(secret.encode()) < 32:
        raise ValueError("AUTH.TOKEN_SECRET must be at least 32 bytes (HS256): `make setup` generates one "
                         "(run/token-secret), or set JOBSIGHT_TOKEN_SECRET")
    if secret in PUBLIC_SECRETS:
        raise PublicSecret("AUTH.TOKEN_SECRET is a secret published with Jobsight: anyone could sign tokens "
                           "with it. `make setup` generates one (run/token-secret), or set JOBSIGHT_TOKEN_SECRET")
    return secret


def generate_secret() -> str:
    return secrets.token_urlsafe(48)


def read_secret(value, file, root: Path, what: str) -> str:
    """``value`` when set, else the contents of ``file`` (relative to the checkout): what
    `make setup` writes once per installation, readable by its owner only."""
    secret = str(value or "").strip()
    if not secret and file:
        path = Path(str(file))
        path = path if path.is_absolute() else root / path
        try:
            secret = path.read_text().strip()
        except OSError:
            raise ValueError(f"no {what}: set it in the environment or run `make setup`, which writes {path}")
    return secret


def configured_secret(auth: dict, root: Path) -> str:
    """``AUTH.TOKEN_SECRET`` (JOBSIGHT_TOKEN_SECRET) or the file ``AUTH.TOKEN_SECRET_FILE``."""
    return check_secret(read_secret(auth.get("TOKEN_SECRET"), auth.get("TOKEN_SECRET_FILE"), root, "token secret"))


OPERATOR_HEADER = "X-Operator-Token"


def operator_token(config: dict, root: Path | None = None) -> str:
    """What unlocks ``/metrics`` and the detailed ``/status`` on the public port:
    ``AUTH.OPERATOR_TOKEN`` (JOBSIGHT_OPERATOR_TOKEN) or the file ``AUTH.OPERATOR_TOKEN_FILE``."""
    from jobsight.config import ROOT

    auth = config.get("AUTH", {}) or {}
    token = read_secret(auth.get("OPERATOR_TOKEN"), auth.get("OPERATOR_TOKEN_FILE"), root or ROOT, "operator token")
    if len(token) < 24:
        raise ValueError("AUTH.OPERATOR_TOKEN must be at least 24 characters: `make setup` generates one")
    return token


@dataclass(frozen=True)
class Claims:
    user_id: int
    issued_at: int
    expires_at: int
    token_id: str


class Tokens:
    """HS256 bearer tokens that name a user, their issuer and audience, expire within a bounded
    lifetime, and carry an id by which one of them can be revoked."""

    algorithm = "HS256"

    def __init__(self, secret: str, ttl_seconds: int = 86400, issuer: str = ISSUER, audience: str = AUDIENCE):
        self._secret = check_secret(secret)
        self.ttl = int(ttl_seconds)
        if not 60 <= self.ttl <= MAX_TTL_SECONDS:
            raise ValueError(f"AUTH.TOKEN_TTL_SECONDS must be between 60 and {MAX_TTL_SECONDS}")
        self.issuer, self.audience = issuer, audience

    def issue(self, user_id: int, now: float | None = None) -> tuple[str, int]:
        issued = int(now if now is not None else time.time())
        expires = issued + self.ttl
        token = jwt.encode({"sub": str(user_id), "iat": issued, "nbf": issued, "exp": expires, "iss": self.issuer,
                            "aud": self.audience, "jti": uuid.uuid4().hex}, self._secret, algorithm=self.algorithm)
        return token, expires

    def verify(self, token: str | None) -> int:
        """The user id a valid token names; ``Unauthorized`` for a missing, forged or expired one."""
        return self.verify_claims(token).user_id

    def verify_claims(self, token: str | None, now: float | None = None) -> Claims:
        """The claims of a valid token; ``Unauthorized`` otherwise: a bad signature, another
        issuer or audience, no id, expired, or a lifetime longer than this server gives."""
        if not token:
            raise Unauthorized("Missing bearer token")
        try:
            claims = jwt.decode(token, self._secret, algorithms=[self.algorithm], audience=self.audience,
                                issuer=self.issuer, leeway=CLOCK_SKEW_SECONDS,
                                options={"require": ["sub", "exp", "iat", "iss", "aud", "jti"]})
            found = Claims(int(claims["sub"]), int(claims["iat"]), int(claims["exp"]), str(claims["jti"]))
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Token expired")
        except (jwt.InvalidTokenError, ValueError, TypeError):
            raise Unauthorized("Invalid token")
        current = time.time() if now is None else now
        if found.expires_at - found.issued_at > self.ttl or found.issued_at > current + CLOCK_SKEW_SECONDS:
            raise Unauthorized("Invalid token")
        return found

    @staticmethod
    def from_config(config: dict, root: Path | None = None) -> "Tokens":
        from jobsight.config import ROOT

        auth = config.get("AUTH", {})
        return Tokens(configured_secret(auth, root or ROOT), int(auth.get("TOKEN_TTL_SECONDS", 86400)))


class TokenRevocations:
    """Every token of a user issued before a moment stops working, on every gateway at once
    (the mark lives in Redis as long as a token could)."""

    def __init__(self, redis_client, ttl_seconds: int):
        self._redis = redis_client
        self._ttl = int(ttl_seconds)

    @staticmethod
    def _key(user_id: int) -> str:
        return f"jobsight:tokens-revoked:{int(user_id)}"

    def revoke_user(self, user_id: int, at: float | None = None) -> None:
        self._redis.set(self._key(user_id), int(at if at is not None else time.time()), ex=self._ttl + 60)

    def revoke_token(self, claims: "Claims") -> None:
        """One token (logout) stops working, until it would have expired anyway."""
        remaining = max(int(claims.expires_at - time.time()) + CLOCK_SKEW_SECONDS, 1)
        self._redis.set(f"jobsight:token-revoked:{claims.token_id}", claims.user_id, ex=remaining)

    def revoked(self, claims: "Claims") -> bool:
        user_mark, token_mark = self._redis.mget(self._key(claims.user_id), f"jobsight:token-revoked:{claims.token_id}")
        return token_mark is not None or (user_mark is not None and claims.issued_at <= int(user_mark))


def bearer_token(authorization_header: str | None) -> str | None:
    if not authorization_header:
        return None
    scheme, _, value = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
