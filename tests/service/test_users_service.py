"""The users service's entrypoints with nameko's worker_factory, on the real users_db and Redis."""
import pytest
from nameko.testing.services import worker_factory

from jobsight.adapters.units import UsersUnit
from jobsight.auth import Passwords, Tokens
from jobsight.errors import Conflict, NotFound, RateLimited, Unauthorized, ValidationError
from jobsight.ratelimit import LoginThrottle, SignUpThrottle
from services.users import UsersService


@pytest.fixture
def service(users_session, redis_client, config):
    redis_client.flushdb()
    return worker_factory(
        UsersService,
        uow=UsersUnit.of(users_session),
        passwords=Passwords(),
        tokens=Tokens.from_config(config),
        throttle=LoginThrottle(config["REDIS_URL"], {"PAIR": "3/minute"}, redis_client=redis_client),
        sign_ups=SignUpThrottle(config["REDIS_URL"], {"SIGN_UP": "1000/hour"}, redis_client=redis_client),
        config=config,
    )


def unique_email(request) -> str:
    return f"{request.node.name[:40].replace('[', '-').replace(']', '')}@example.com"


def test_sign_up_stores_a_normalized_account_and_announces_it(service, request, outbox):
    email = unique_email(request)
    user = service.sign_up("  Ana   Popescu ", email.upper(), "correct horse")
    assert user["email"] == email and user["name"] == "Ana Popescu"
    ((event, payload),) = outbox("users")  # committed with the account, for the relay to publish
    assert event == "user_signed_up" and payload["data"] == {"user_id": user["user_id"]}
    assert service.get_user(email.title())["user_id"] == user["user_id"]


def test_sign_up_twice_with_any_case_is_a_conflict(service, request):
    email = unique_email(request)
    service.sign_up("Ana", email, "correct horse")
    with pytest.raises(Conflict, match="User already exists"):
        service.sign_up("Ana again", email.upper(), "another password")


def test_login_returns_a_token_for_that_user(service, request, config):
    email = unique_email(request)
    user = service.sign_up("Ana", email, "correct horse")
    session = service.login(email.upper(), "correct horse", "10.0.0.1")
    assert Tokens.from_config(config).verify(session["token"]) == user["user_id"]


def test_wrong_password_and_unknown_email_look_the_same(service, request):
    email = unique_email(request)
    service.sign_up("Ana", email, "correct horse")
    for who, password in ((email, "wrong password"), ("nobody@example.com", "correct horse")):
        with pytest.raises(Unauthorized, match="^Invalid email or password$"):
            service.login(who, password, "10.0.0.2")


def test_failed_logins_are_throttled_per_email_and_client(service, request):
    email = unique_email(request)
    service.sign_up("Ana", email, "correct horse")
    for _ in range(3):
        with pytest.raises(Unauthorized):
            service.login(email, "wrong password", "10.0.0.3")
    with pytest.raises(RateLimited) as info:
        service.login(email, "correct horse", "10.0.0.3")  # even the right password waits
    assert 0 < info.value.retry_after <= 60
    assert service.login(email, "correct horse", "10.0.0.4")["token"]  # another client is not blocked


def test_subscriptions_round_trip_and_are_case_insensitive(service, request):
    user_id = service.sign_up("Ana", unique_email(request), "correct horse")["user_id"]
    assert service.get_subscriptions(user_id) == []
    assert service.add_subscription(user_id, "Python") == {"skill": "Python", "created": True}
    assert service.add_subscription(user_id, "python") == {"skill": "Python", "created": False}
    service.add_subscription(user_id, "Go")
    assert service.get_subscriptions(user_id) == ["Go", "Python"]
    service.remove_subscription(user_id, "PYTHON")
    assert service.get_subscriptions(user_id) == ["Go"]
    with pytest.raises(NotFound):
        service.remove_subscription(user_id, "Rust")


@pytest.mark.parametrize("call", [
    lambda s: s.sign_up("", "a@example.com", "correct horse"),
    lambda s: s.sign_up("Ana", ["a@example.com"], "correct horse"),
    lambda s: s.login(1, "x", ""),
    lambda s: s.get_subscriptions("1"),
    lambda s: s.get_subscriptions(-1),
    lambda s: s.add_subscription(1, ""),
    lambda s: s.add_subscription(1, "<script>"),
    lambda s: s.get_user("not-an-email-or-id"),
])
def test_bad_rpc_input_raises_typed_errors(service, call):
    with pytest.raises((ValidationError, NotFound)):
        call(service)


def test_unknown_user_is_not_found(service):
    with pytest.raises(NotFound):
        service.get_subscriptions(10**9)


def test_sign_up_with_a_taken_email_takes_as_long_as_a_new_one(service, request):
    import time

    email = unique_email(request)
    started = time.perf_counter()
    service.sign_up("Ana", email, "correct horse")
    new = time.perf_counter() - started
    started = time.perf_counter()
    with pytest.raises(Conflict, match="User already exists"):  # the contract's answer, kept
        service.sign_up("Ana", email, "correct horse")
    taken = time.perf_counter() - started
    assert taken > 0.5 * new, (taken, new)  # the same argon2 hash, not a 7 ms shortcut
