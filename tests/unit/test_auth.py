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
