"""Sagas as a pure state machine: forward, batches, retries with backoff, compensation."""
from datetime import datetime, timezone

from jobsight.coordination import sagas
from jobsight.coordination.sagas import SagaKind, SagaRecord, Step, advance, current_work

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
KIND = SagaKind("demo", (Step("a", lambda c, d: {"a": 1}, lambda c, d: None),
                         Step("b", lambda c, d: {"b": 2}, lambda c, d: None)),
                finally_compensated=lambda c, d: None, max_attempts=3)


def test_steps_run_in_order_and_merge_their_answers():
    record = SagaRecord("s", "demo")
    advance(KIND, record, {"a": 1}, now=NOW)
    assert (record.state, record.step, record.data) == (sagas.RUNNING, 1, {"a": 1})
    advance(KIND, record, {"b": 2}, now=NOW)
    assert (record.state, record.data) == (sagas.DONE, {"a": 1, "b": 2})
    assert current_work(KIND, record) is None


def test_a_batched_step_runs_again_until_it_says_it_is_done():
    record = SagaRecord("s", "demo")
    advance(KIND, record, {sagas.AGAIN: True, "next": 500}, now=NOW)
    assert (record.step, record.data) == (0, {"next": 500})
    advance(KIND, record, {"next": None}, now=NOW)
    assert record.step == 1


def test_a_failing_step_backs_off_then_compensates_everything_done():
    record = SagaRecord("s", "demo")
    advance(KIND, record, {}, now=NOW)  # step a done
    advance(KIND, record, error="etl away", now=NOW)
    assert (record.state, record.attempts, record.error) == (sagas.RUNNING, 1, "etl away")
    advance(KIND, record, error="etl away", now=NOW)
    assert (record.next_try_at - NOW).total_seconds() == 1.0  # 0.5 s, then 1 s, ...
    advance(KIND, record, error="etl away", now=NOW)
    assert (record.state, record.step) == (sagas.COMPENSATING, 1)
    assert current_work(KIND, record) is KIND.steps[1].compensation
    advance(KIND, record, now=NOW)
    assert current_work(KIND, record) is KIND.steps[0].compensation
    advance(KIND, record, now=NOW)
    assert current_work(KIND, record) is KIND.finally_compensated  # e.g. tell the user
    advance(KIND, record, now=NOW)
    assert record.state == sagas.COMPENSATED and current_work(KIND, record) is None


def test_a_failing_compensation_is_retried_not_skipped():
    record = SagaRecord("s", "demo", state=sagas.COMPENSATING, step=0)
    for _ in range(10):
        advance(KIND, record, error="scraper away", now=NOW)
    assert (record.state, record.step) == (sagas.COMPENSATING, 0)
    assert sagas.backoff(20) == 30.0  # capped
