"""Two-phase commit carried out: the coordinator's side, over its log and its participants.

``participants`` maps a service name to a client with ``prepare(gid, operation, arguments)``,
``finish(gid, commit)`` and ``in_doubt()``: the services' RPCs in the coordinator service, direct
calls in tests and tools. ``checkpoint(name)`` is called at each step where a crash would leave
something to recover (tests kill the process there); it does nothing otherwise.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from jobsight.coordination import twophase
from jobsight.coordination.log import TransactionLog
from jobsight.coordination.twophase import ABORTING, COMMITTING, Participant, Transaction

log = logging.getLogger("jobsight.coordination")
CHECKPOINTS = ("before_prepare", "after_prepare", "before_decision", "after_decision", "after_first_commit")


class TransactionAborted(Exception):
    """The transaction was rolled back everywhere; ``reason`` says why."""

    def __init__(self, transaction_id: str, reason: str):
        super().__init__(reason)
        self.transaction_id, self.reason = transaction_id, reason


@dataclass
class Outcome:
    transaction_id: str
    state: str
    answers: dict  # service -> what its prepare answered


def _nothing(name: str) -> None:
    pass


class Coordinator:
    def __init__(self, log_: TransactionLog, participants: dict, checkpoint: Callable[[str], None] = _nothing):
        self.log = log_
        self.participants = participants
        self.checkpoint = checkpoint

    def run(self, parts: list[Participant], payload: dict | None = None, deadline: float | None = None) -> Outcome:
        """Commit ``parts`` atomically, or raise ``TransactionAborted`` with nothing applied.

        ``deadline`` (a ``time.time()``): past it the transaction aborts instead of committing,
        so a caller that gave up waiting never finds its change made after all."""
        unknown = {p.service for p in parts} - set(self.participants)
        if unknown:
            raise ValueError(f"no participant client for {sorted(unknown)}")
        transaction = Transaction(twophase.new_transaction_id(), list(parts))
        self.log.begin(transaction, payload)
        answers: dict = {}
        for part in parts:
            self.checkpoint("before_prepare")
            try:
                answers[part.service] = self.participants[part.service].prepare(
                    transaction.gid(part.service), part.operation, part.arguments)
            except Exception as exc:  # refused, failed or silent: abort
                transaction.on_prepare_failed(part.service, getattr(exc, "message", None) or type(exc).__name__)
                break
            transaction.on_prepared(part.service)
            self.checkpoint("after_prepare")
        self.checkpoint("before_decision")
        if transaction.state != ABORTING and deadline is not None and time.time() > deadline:
            transaction.on_prepare_failed("coordinator", "the caller's deadline passed")
        wanted = transaction.state if transaction.state == ABORTING else transaction.decide()
        transaction.state = self.log.decide(transaction.id, wanted, error=transaction.error)
        self.checkpoint("after_decision")
        self.finish(transaction)
        if transaction.state != twophase.COMMITTED:
            raise TransactionAborted(transaction.id, transaction.error or "aborted")
        return Outcome(transaction.id, transaction.state, answers)

    def finish(self, transaction: Transaction) -> None:
        """Phase two: tell every participant the logged decision; a participant that cannot be
        reached now is told by recovery later (its prepared transaction waits)."""
        commit = transaction.state in (COMMITTING, twophase.COMMITTED)
        for service in transaction.to_finish() if transaction.state in twophase.DECIDED else []:
            try:
                self.participants[service].finish(transaction.gid(service), commit)
            except Exception as exc:
                log.warning("phase two of %s at %s failed (%s); recovery will finish it", transaction.id, service,
                            type(exc).__name__, extra={"gid": transaction.gid(service)})
                return
            transaction.on_finished(service)
            if commit:
                self.checkpoint("after_first_commit")
        self.log.finish(transaction.id, transaction.state)

    def recover(self, grace_seconds: float) -> dict:
        """Resolve everything a crash left: undecided transactions older than ``grace_seconds``
        are aborted (presumed abort), decided ones are finished, and every prepared transaction
        of ours at a participant is committed or rolled back as the log says."""
        summary = {"aborted": 0, "finished": 0, "committed": 0, "rolled_back": 0, "unreachable": []}
        unfinished = self.log.unfinished()
        for transaction_id in twophase.abandoned([(t.id, t.state, age) for t, age in unfinished], grace_seconds):
            if self.log.decide(transaction_id, ABORTING, error="abandoned before a decision") == ABORTING:
                summary["aborted"] += 1
        prepared: dict[str, list[str]] = {}
        for service, client in self.participants.items():
            try:
                prepared[service] = [entry["gid"] for entry in client.in_doubt()]
            except Exception:
                summary["unreachable"].append(service)
        states = self.log.states({twophase.transaction_of(g) for gids in prepared.values() for g in gids})
        young = {t.id for t, age in unfinished if t.state == twophase.PREPARING and age <= grace_seconds}
        for service, gids in prepared.items():
            for resolution in twophase.resolve_in_doubt(gids, states):
                if twophase.transaction_of(resolution.gid) in young:
                    continue  # its coordinator is still preparing it
                try:
                    self.participants[service].finish(resolution.gid, resolution.action == "commit")
                except Exception:
                    summary["unreachable"].append(service)
                    continue
                summary["committed" if resolution.action == "commit" else "rolled_back"] += 1
        if not summary["unreachable"]:
            # Nothing of ours is prepared anywhere now but what young transactions hold: every
            # decided transaction has been carried out.
            for transaction, _ in self.log.unfinished():
                if transaction.state in twophase.DECIDED:
                    done = twophase.COMMITTED if transaction.state == COMMITTING else twophase.ABORTED
                    self.log.finish(transaction.id, done)
                    summary["finished"] += 1
        return summary
