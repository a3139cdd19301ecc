"""Two-phase commit, as a pure state machine: what the coordinator does next, and how it
resolves what a crash left in doubt. No database and no network here.

A transaction has a global id (gid) and participants, each a named operation of a service.

    preparing ──all prepared──► committing ──every participant committed──► committed
        │                                                     (COMMIT PREPARED)
        └─a prepare failed or timed out──► aborting ──every participant rolled back──► aborted
                                                           (ROLLBACK PREPARED)

The decision (committing or aborting) is logged durably before phase two starts. Presumed
abort: a transaction with no logged decision aborts, so a coordinator that dies before deciding
leaves nothing that can commit. Recovery, like Citus's, matches the participants'
``pg_prepared_xacts`` under our gid prefix against the log.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

GID_PREFIX = "jobsight_2pc_"
PREPARING, COMMITTING, ABORTING, COMMITTED, ABORTED = "preparing", "committing", "aborting", "committed", "aborted"
DECIDED = (COMMITTING, ABORTING)
FINISHED = (COMMITTED, ABORTED)
STATES = (PREPARING, *DECIDED, *FINISHED)
_GID = re.compile(rf"^{GID_PREFIX}[0-9a-f]{{32}}_[a-z]{{1,20}}$")


class ProtocolError(Exception):
    """A transition the protocol does not allow (a bug, not an outage)."""


@dataclass(frozen=True)
class Participant:
    service: str    # the nameko service that owns the database
    operation: str  # a name the service registered (jobsight.coordination.participant)
    arguments: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"service": self.service, "operation": self.operation, "arguments": self.arguments}

    @classmethod
    def from_dict(cls, data: dict) -> "Participant":
        return cls(data["service"], data["operation"], dict(data.get("arguments") or {}))


def new_transaction_id() -> str:
    return uuid.uuid4().hex


def participant_gid(transaction_id: str, service: str) -> str:
    """The PostgreSQL gid of one participant's prepared transaction."""
    gid = f"{GID_PREFIX}{transaction_id}_{service}"
    if not _GID.match(gid):
        raise ProtocolError(f"not a valid gid: {gid!r}")
    return gid


def is_our_gid(gid: str) -> bool:
    return bool(_GID.match(gid or ""))


def transaction_of(gid: str) -> str:
    """The transaction id a participant gid belongs to."""
    if not is_our_gid(gid):
        raise ProtocolError(f"not one of ours: {gid!r}")
    return gid[len(GID_PREFIX):].split("_", 1)[0]


@dataclass
class Transaction:
    """One transaction's state, as the coordinator's log holds it."""

    id: str
    participants: list[Participant]
    state: str = PREPARING
    prepared: set[str] = field(default_factory=set)   # services that answered their prepare
    finished: set[str] = field(default_factory=set)   # services committed / rolled back in phase two
    error: str | None = None

    def gid(self, service: str) -> str:
        return participant_gid(self.id, service)

    @property
    def services(self) -> list[str]:
        return [p.service for p in self.participants]

    # -- phase one -----------------------------------------------------------------------

    def on_prepared(self, service: str) -> None:
        self._expect(PREPARING)
        self.prepared.add(service)

    def decide(self) -> str:
        """After phase one: committing when every participant prepared, else aborting."""
        self._expect(PREPARING)
        self.state = COMMITTING if set(self.services) <= self.prepared else ABORTING
        return self.state

    def on_prepare_failed(self, service: str, error: str) -> str:
        """A prepare that failed or did not answer in time: abort."""
        self._expect(PREPARING)
        self.error = f"{service}: {error}"
        self.state = ABORTING
        return self.state

    # -- phase two -----------------------------------------------------------------------

    def to_finish(self) -> list[str]:
        """Services phase two must still tell (every participant: a prepare may have succeeded
        even when its answer was lost)."""
        if self.state not in DECIDED:
            raise ProtocolError(f"transaction {self.id} is {self.state}: no decision to carry out")
        return [s for s in self.services if s not in self.finished]

    def on_finished(self, service: str) -> str:
        if self.state not in DECIDED:
            raise ProtocolError(f"transaction {self.id} is {self.state}")
        self.finished.add(service)
        if set(self.services) <= self.finished:
            self.state = COMMITTED if self.state == COMMITTING else ABORTED
        return self.state

    def _expect(self, state: str) -> None:
        if self.state != state:
            raise ProtocolError(f"transaction {self.id} is {self.state}, not {state}")


@dataclass(frozen=True)
class Resolution:
    gid: str
    action: str  # "commit" or "rollback"
    reason: str


def resolve_in_doubt(prepared_gids: list[str], logged_states: dict[str, str]) -> list[Resolution]:
    """What to do with each prepared transaction of ours found at a participant.

    ``logged_states`` maps transaction ids to their state in the coordinator's log. Committing
    (or committed: phase two was cut short after the log said so) means commit; anything else,
    no entry included, means roll back (presumed abort)."""
    resolutions = []
    for gid in prepared_gids:
        if not is_our_gid(gid):
            continue
        state = logged_states.get(transaction_of(gid))
        if state in (COMMITTING, COMMITTED):
            resolutions.append(Resolution(gid, "commit", f"the log says {state}"))
        else:
            reason = f"the log says {state}" if state else "no decision logged (presumed abort)"
            resolutions.append(Resolution(gid, "rollback", reason))
    return resolutions


def abandoned(entries: list[tuple[str, str, float]], grace_seconds: float) -> list[str]:
    """Transactions still ``preparing`` after ``grace_seconds`` (entries: id, state, age in
    seconds): their coordinator died or gave up before deciding. Recovery logs *aborting* for
    them first, with a conditional update, so a late coordinator cannot commit them after all."""
    return [tid for tid, state, age in entries if state == PREPARING and age > grace_seconds]
