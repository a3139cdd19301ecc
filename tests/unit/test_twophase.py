"""The two-phase-commit protocol as a pure state machine: decisions, phase two, recovery."""
import pytest

from jobsight.coordination import twophase
from jobsight.coordination.twophase import Participant, ProtocolError, Transaction


def transaction():
    return Transaction("a" * 32, [Participant("users", "subscribe"), Participant("scraper", "track_skill")])


def test_every_participant_prepared_means_commit_then_committed_once_all_are_told():
    t = transaction()
    t.on_prepared("users")
    t.on_prepared("scraper")
    assert t.decide() == twophase.COMMITTING
    assert t.to_finish() == ["users", "scraper"]
    assert t.on_finished("users") == twophase.COMMITTING
    assert t.on_finished("scraper") == twophase.COMMITTED


def test_one_missing_or_failed_prepare_means_abort():
    t = transaction()
    t.on_prepared("users")
    assert t.decide() == twophase.ABORTING
    t = transaction()
    assert t.on_prepare_failed("users", "timed out") == twophase.ABORTING
    assert t.error == "users: timed out"
    assert t.to_finish() == ["users", "scraper"]  # a lost answer may hide a prepare: tell everyone


def test_no_phase_two_without_a_decision_and_no_second_decision():
    t = transaction()
    with pytest.raises(ProtocolError):
        t.to_finish()
    t.decide()
    with pytest.raises(ProtocolError):
        t.decide()


def test_gids_are_strict_and_name_their_transaction():
    gid = twophase.participant_gid("b" * 32, "users")
    assert gid == "jobsight_2pc_" + "b" * 32 + "_users"
    assert twophase.is_our_gid(gid) and twophase.transaction_of(gid) == "b" * 32
    for bad in ("x'; DROP TABLE users; --", "jobsight_2pc_" + "b" * 31 + "_users", "other_gid", ""):
        assert not twophase.is_our_gid(bad)
    with pytest.raises(ProtocolError):
        twophase.participant_gid("b" * 32, "Users'")


def test_recovery_commits_what_the_log_decided_and_presumes_abort_for_the_rest():
    gid = lambda tid, service="users": twophase.participant_gid(tid * 32, service)  # noqa: E731
    found = [gid("1"), gid("2"), gid("3"), gid("4"), gid("5"), "somebody_elses_gid"]
    states = {"1" * 32: "committing", "2" * 32: "committed", "3" * 32: "aborting", "4" * 32: "preparing"}
    actions = {r.gid: r.action for r in twophase.resolve_in_doubt(found, states)}
    assert actions == {gid("1"): "commit", gid("2"): "commit", gid("3"): "rollback",
                       gid("4"): "rollback", gid("5"): "rollback"}  # 5: no log entry at all


def test_only_old_undecided_transactions_are_abandoned():
    entries = [("a", "preparing", 100.0), ("b", "preparing", 1.0), ("c", "committing", 100.0)]
    assert twophase.abandoned(entries, grace_seconds=30) == ["a"]
