"""Throttles that protect people (jobsight.ratelimit on the real Redis): a guesser at one
address waits longer and longer, the owner elsewhere gets in, a distributed guess leaves the
owner's known devices in, one address cannot stuff credentials or sign up without end."""
import time
import uuid

import pytest

from jobsight.errors import RateLimited
from jobsight.ratelimit import LoginThrottle, SignUpThrottle


@pytest.fixture
def email():
    return f"t-{uuid.uuid4().hex[:10]}@example.com"


def throttle(config, redis_client, **settings):
    return LoginThrottle(config["REDIS_URL"], settings, redis_client=redis_client)


def fail(limiter, email, client, times=1):
    for _ in range(times):
        limiter.check(email, client)
        limiter.record_failure(email, client)


def test_the_guessing_address_is_refused_and_the_owner_elsewhere_is_not(config, redis_client, email):
    limiter = throttle(config, redis_client, PAIR="5/minute")
    fail(limiter, email, "198.51.100.7", 5)
    with pytest.raises(RateLimited) as refused:
        limiter.check(email, "198.51.100.7")  # even with the right password
    assert 0 < refused.value.retry_after <= 60
    limiter.check(email, "203.0.113.9")  # the owner, somewhere else


def test_the_wait_grows_with_the_failures(config, redis_client, email):
    limiter = throttle(config, redis_client, PAIR="3/2 seconds;5/hour")
    fail(limiter, email, "198.51.100.8", 3)
    with pytest.raises(RateLimited) as first:
        limiter.check(email, "198.51.100.8")
    assert first.value.retry_after <= 2
    time.sleep(2.2)
    fail(limiter, email, "198.51.100.8", 2)
    with pytest.raises(RateLimited) as second:
        limiter.check(email, "198.51.100.8")
    assert second.value.retry_after > 60  # the hour's tier now


def test_a_distributed_guess_leaves_the_owners_known_devices_in(config, redis_client, email):
    limiter = throttle(config, redis_client, ACCOUNT="4/hour")
    limiter.check(email, "203.0.113.1")
    limiter.record_success(email, "203.0.113.1")  # the owner's laptop, last week
    for n in range(4):
        fail(limiter, email, f"198.51.100.{20 + n}")
    with pytest.raises(RateLimited):
        limiter.check(email, "198.51.100.99")  # a new address: not while the guessing goes on
    limiter.check(email, "203.0.113.1")  # the laptop still gets in


def test_one_address_cannot_stuff_credentials_across_accounts(config, redis_client):
    limiter = throttle(config, redis_client, CLIENT="3/hour")
    emails = [f"s-{uuid.uuid4().hex[:8]}@example.com" for _ in range(4)]
    for other in emails[:3]:
        fail(limiter, other, "198.51.100.50")
    with pytest.raises(RateLimited):
        limiter.check(emails[3], "198.51.100.50")
    limiter.check(emails[3], "198.51.100.51")


def test_sign_ups_are_limited_per_address(config, redis_client):
    limiter = SignUpThrottle(config["REDIS_URL"], {"SIGN_UP": "2/hour"}, redis_client=redis_client)
    address = f"198.51.100.{uuid.uuid4().int % 200}"
    limiter.hit(address)
    limiter.hit(address)
    with pytest.raises(RateLimited) as refused:
        limiter.hit(address)
    assert refused.value.retry_after > 0
    limiter.hit("203.0.113.77" + uuid.uuid4().hex[:4])


def test_forgetting_an_account_drops_its_counters(config, redis_client, email):
    limiter = throttle(config, redis_client, PAIR="2/hour")
    fail(limiter, email, "198.51.100.60", 2)
    with pytest.raises(RateLimited):
        limiter.check(email, "198.51.100.60")
    assert limiter.forget(email) > 0
    limiter.check(email, "198.51.100.60")
