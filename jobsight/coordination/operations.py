"""The named operations each service offers to two-phase commits (the coordinator knows only
their names). Each runs in the participant's unit of work, which then prepares it."""
from __future__ import annotations

from jobsight import taxonomy
from jobsight.coordination.participant import Participant


def subscribe(uow, user_id, skill):
    """users: subscribe a user to a skill the taxonomy did not track yet, announcing it."""
    skill, created = uow.accounts.subscribe(user_id, skill)
    if created:
        uow.outbox.add("subscription_added", {"user_id": user_id, "skill": skill})
    return {"skill": skill, "created": created}


def track_skill(uow, name, aliases=()):
    """scraper: track a skill, marked as requested by users (False when someone already did)."""
    return {"skill": name, "created": taxonomy.add_skill(uow.session, name, None, list(aliases), requested=True)}


USERS = Participant("users")
USERS.register("subscribe", subscribe)
SCRAPER = Participant("scraper")
SCRAPER.register("track_skill", track_skill)
