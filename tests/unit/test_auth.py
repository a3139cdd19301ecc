"""Credentials: email rules, password rules, argon2 hashing and bearer tokens."""
import time

import jwt
import pytest

from jobsight.auth import Passwords, Tokens, bearer_token, normalize_email, validate_email, validate_password
from jobsight.errors import Unauthorized, ValidationError


@pytest.mark.parametrize("raw, expected", [
    ("Ana@Example.COM", "ana@example.com"),
    ("  bob@example.org \n", "bob@example.org"),
    ("Zoë@Exämple.de", "zoë@exämple.de"),
])
def test_emails_are_normalized_for_case_insensitive_comparison(raw, expected):
    assert validate_email(raw) == expected
    assert normalize_email(raw) == expected


@pytest.mark.parametrize("bad", ["", "ana", "ana@", "@example.com", "ana@example", "ana@@example.com",
                                 "ana example@x.com", "ana..b@example.com", None, 42, "a@b.c",
                                 "x" * 250 + "@example.com"])
def test_invalid_emails_are_rejected_with_the_contract_message(bad):
    with pytest.raises(ValidationError, match="^Invalid email$"):
        validate_email(bad)


def test_password_minimum_length_is_eight():
    assert validate_password("12345678") == "12345678"
    for short in ("", "1234567", None, 12345678):
        with pytest.raises(ValidationError, match="^Password too short$"):
            validate_password(short)
    with pytest.raises(ValidationError, match="too long"):
        validate_password("x" * 5000)


def test_password_hashes_are_argon2_salted_and_verifiable():
    passwords = Passwords()
    first, second = passwords.hash("correct horse"), passwords.hash("correct horse")
    assert first.startswith("$argon2id$") and first != second
    assert passwords.verify(first, "correct horse")
    assert not passwords.verify(first, "Correct horse")
    assert not passwords.verify("not-a-hash", "correct horse")


def test_unknown_user_never_verifies_even_with_the_decoy_password():
    assert not Passwords().verify(None, "jobsight-decoy-password")


def test_tokens_name_their_user_and_expire():
    tokens = Tokens("a-secret-of-sufficient-length-for-hs256", ttl_seconds=60)
    token, expires = tokens.issue(7)
    assert tokens.verify(token) == 7
    assert expires - time.time() == pytest.approx(60, abs=2)
    old, _ = tokens.issue(7, now=time.time() - 3600)
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(old)


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b.c"])
def test_missing_or_garbage_tokens_are_unauthorized(token):
    with pytest.raises(Unauthorized):
        Tokens("a-secret-of-sufficient-length-for-hs256").verify(token)


def test_tokens_signed_with_another_secret_or_algorithm_are_refused():
    tokens = Tokens("a-secret-of-sufficient-length-for-hs256")
    forged = jwt.encode({"sub": "1", "exp": int(time.time()) + 60}, "another-secret-entirely-and-also-long-enough", algorithm="HS256")
    with pytest.raises(Unauthorized):
        tokens.verify(forged)
    unsigned = jwt.encode({"sub": "1", "exp": int(time.time()) + 60}, None, algorithm="none")
    with pytest.raises(Unauthorized):
        tokens.verify(unsigned)


def test_short_secrets_are_refused_at_startup():
    with pytest.raises(ValueError):
        Tokens("short")


@pytest.mark.parametrize("header, expected", [
    ("Bearer abc.def", "abc.def"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None)])
def test_bearer_header_parsing(header, expected):
    assert bearer_token(header) == expected


SECRET = "a-secret-of-sufficient-length-for-hs256"


def claims(**overrides):
    now = int(time.time())
    return {"sub": "1", "iat": now, "nbf": now, "exp": now + 60, "iss": "jobsight", "aud": "jobsight-api",
            "jti": "abc", **overrides}


@pytest.mark.parametrize("public", ["change-me-in-production-jobsight-dev-secret",
                                    "test-secret-that-is-long-enough-for-hs256"])
def test_a_secret_ever_published_refuses_to_start(public):
    from jobsight.auth import PublicSecret

    with pytest.raises(PublicSecret, match="published"):
        Tokens(public)


def test_a_token_carries_issuer_audience_a_bounded_life_and_an_id():
    tokens = Tokens(SECRET, ttl_seconds=3600)
    token, expires = tokens.issue(7)
    found = tokens.verify_claims(token)
    decoded = jwt.decode(token, SECRET, algorithms=["HS256"], audience="jobsight-api")
    assert decoded["iss"] == "jobsight" and len(decoded["jti"]) == 32
    assert (found.user_id, found.expires_at, found.token_id) == (7, expires, decoded["jti"])
    assert tokens.issue(7)[0] != token  # every token has an id of its own


@pytest.mark.parametrize("bad", [
    {"exp": 4102444800},  # the year 2100: longer than this server ever gives
    {"iss": "someone-else"}, {"aud": "another-api"}, {"jti": None}, {"iat": None},
    {"iat": int(time.time()) + 3600, "nbf": int(time.time()), "exp": int(time.time()) + 3660},  # issued in the future
])
def test_well_signed_tokens_outside_the_rules_are_refused(bad):
    tokens = Tokens(SECRET, ttl_seconds=3600)
    payload = {k: v for k, v in claims(**bad).items() if v is not None}
    with pytest.raises(Unauthorized):
        tokens.verify(jwt.encode(payload, SECRET, algorithm="HS256"))
    assert tokens.verify(jwt.encode(claims(), SECRET, algorithm="HS256")) == 1  # the rules, kept


def test_the_configured_secret_comes_from_the_environment_or_the_installation_file(tmp_path):
    from jobsight.auth import configured_secret

    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "token-secret").write_text("f" * 64 + "\n")
    assert configured_secret({"TOKEN_SECRET": "e" * 40, "TOKEN_SECRET_FILE": "run/token-secret"}, tmp_path) == "e" * 40
    assert configured_secret({"TOKEN_SECRET": "", "TOKEN_SECRET_FILE": "run/token-secret"}, tmp_path) == "f" * 64
    with pytest.raises(ValueError, match="make setup"):
        configured_secret({"TOKEN_SECRET": "", "TOKEN_SECRET_FILE": "run/missing"}, tmp_path)
    with pytest.raises(ValueError, match="at least 32 bytes"):
        configured_secret({"TOKEN_SECRET": "", "TOKEN_SECRET_FILE": None}, tmp_path)


def test_one_token_revoked_others_of_the_user_go_on(redis_client):
    from jobsight.auth import TokenRevocations

    tokens = Tokens(SECRET, ttl_seconds=3600)
    revocations = TokenRevocations(redis_client, tokens.ttl)
    first, second = (tokens.verify_claims(tokens.issue(41)[0]) for _ in range(2))
    revocations.revoke_token(first)
    assert revocations.revoked(first) and not revocations.revoked(second)
    assert 3500 < redis_client.ttl(f"jobsight:token-revoked:{first.token_id}") <= 3600 + 30
    revocations.revoke_user(41)  # deleting the account: every token until now
    assert revocations.revoked(second)
