"""``TransactionParticipant``: the RPCs a service takes part in two-phase commits with.

A service class inherits it and sets ``participant`` (a ``jobsight.coordination.participant.
Participant`` with its named operations registered); its ``uow`` provides the database.
"""
from __future__ import annotations

from nameko.rpc import rpc

from jobsight.coordination.participant import Participant
from jobsight.errors import JobsightError


class TransactionParticipant:
    participant: Participant

    @rpc(expected_exceptions=JobsightError)
    def prepare(self, gid, operation, arguments=None):
        """Phase one: do ``operation`` and ``PREPARE TRANSACTION gid``."""
        with self.uow.another() as unit:
            return self.participant.prepare(unit, gid, operation, arguments or {})

    @rpc(expected_exceptions=JobsightError)
    def finish(self, gid, commit):
        """Phase two: ``COMMIT PREPARED`` (commit true) or ``ROLLBACK PREPARED``; False when
        nothing is prepared under ``gid`` any more."""
        done = Participant.finish(self.uow.engine, gid, bool(commit))
        relay = getattr(self, "relay", None)
        if done and commit and relay is not None:
            relay.wake()  # the committed transaction may have written events
        return done

    @rpc
    def in_doubt(self):
        """Our prepared transactions in this service's database, oldest first."""
        return Participant.in_doubt(self.uow.engine)
