"""Credentials: email normalization, password hashing (argon2) and signed bearer tokens (JWT)."""
from __future__ import annotations

import re
import time
import unicodedata

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


class Tokens:
    """HS256 bearer tokens that name a user and expire."""

    algorithm = "HS256"

    def __init__(self, secret: str, ttl_seconds: int = 86400):
        if not secret or len(secret.encode()) < 32:
            raise ValueError("AUTH.TOKEN_SECRET must be at least 32 bytes (HS256)")
        self._secret = secret
        self.ttl = int(ttl_seconds)

    def issue(self, user_id: int, now: float | None = None) -> tuple[str, int]:
        issued = int(now if now is not None else time.time())
        expires = issued + self.ttl
        token = jwt.encode({"sub": str(user_id), "iat": issued, "exp": expires}, self._secret, algorithm=self.algorithm)
        return token, expires

    def verify(self, token: str | None) -> int:
        """The user id a valid token names; ``Unauthorized`` for a missing, forged or expired one."""
        return self.verify_claims(token)[0]

    def verify_claims(self, token: str | None) -> tuple[int, int]:
        """(user id, issued at) of a valid token; ``Unauthorized`` otherwise."""
        if not token:
            raise Unauthorized("Missing bearer token")
        try:
            claims = jwt.decode(token, self._secret, algorithms=[self.algorithm], options={"require": ["sub", "exp"]})
            return int(claims["sub"]), int(claims.get("iat") or 0)
        except jwt.ExpiredSignatureError:
            raise Unauthorized("Token expired")
        except (jwt.InvalidTokenError, ValueError):
            raise Unauthorized("Invalid token")

    @staticmethod
    def from_config(config: dict) -> "Tokens":
        auth = config.get("AUTH", {})
        return Tokens(str(auth["TOKEN_SECRET"]), int(auth.get("TOKEN_TTL_SECONDS", 86400)))


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

    def revoked(self, user_id: int, issued_at: int) -> bool:
        mark = self._redis.get(self._key(user_id))
        return mark is not None and issued_at <= int(mark)


def bearer_token(authorization_header: str | None) -> str | None:
    if not authorization_header:
        return None
    scheme, _, value = authorization_header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
