"""One two-phase-commit trial in a process of its own, killed (SIGKILL) at a chosen point:
``python -m tests.integration.twophase_trial POINT USER_ID SKILL`` with the suite's environment.

The participants are the services' real registered operations on the real users_db and
jobs_db; only the transport is a direct call instead of RPC, so the process that dies holds
the coordinator and the participant at once, as a crash of either would leave them.
"""
import os
import signal
import sys

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from jobsight import config as config_module
from jobsight.adapters.units import CoordinatorUnit, JobsUnit, UsersUnit  # noqa: F401
from jobsight.coordination.log import TransactionLog
from jobsight.coordination.participant import Participant
from jobsight.coordination.runner import Coordinator, TransactionAborted
from jobsight.coordination.twophase import Participant as Part
from jobsight.coordination.operations import SCRAPER, USERS

POINTS = ("participant_before_prepare", "participant_after_prepare", "coordinator_before_decision",
          "coordinator_after_decision", "coordinator_after_first_commit", "none")


def die():
    os.kill(os.getpid(), signal.SIGKILL)


class Local:
    """A participant called directly: what its prepare/finish/in_doubt RPCs do."""

    def __init__(self, participant, engine, unit_class, kill_before=False, kill_after=False):
        self.participant, self.engine, self.unit_class = participant, engine, unit_class
        self.kill_before, self.kill_after = kill_before, kill_after

    def prepare(self, gid, operation, arguments):
        sessions = sessionmaker(bind=self.engine)
        with self.unit_class(sessions) as unit:
            if self.kill_before:  # its work done in an open transaction, not yet prepared
                self.participant._operations[operation](unit, **arguments)
                unit.session.flush()
                die()
            answer = self.participant.prepare(unit, gid, operation, arguments)
        if self.kill_after:
            die()
        return answer

    def finish(self, gid, commit):
        return Participant.finish(self.engine, gid, commit)

    def in_doubt(self):
        return Participant.in_doubt(self.engine)


def clients(config, point="none"):
    engines = {name: create_engine(config_module.db_uri(config, name)) for name in ("users", "jobs", "coordinator")}
    return engines, {
        "users": Local(USERS, engines["users"], UsersUnit),
        "scraper": Local(SCRAPER, engines["jobs"], JobsUnit, kill_before=point == "participant_before_prepare",
                         kill_after=point == "participant_after_prepare"),
    }


def main(point, user_id, skill):
    config = config_module.load()
    engines, participants = clients(config, point)
    crash_at = point.removeprefix("coordinator_")

    def checkpoint(name):
        if name == crash_at:
            die()

    coordinator = Coordinator(TransactionLog(engines["coordinator"]), participants, checkpoint)
    try:
        coordinator.run([Part("users", "subscribe", {"user_id": user_id, "skill": skill}),
                         Part("scraper", "track_skill", {"name": skill, "aliases": [skill.lower()]})])
    except TransactionAborted:
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
