"""The sagas Jobsight runs, step by step, over the services' clients (``clients["scraper"]``...).

track_new_skill — after the two-phase commit that subscribed a user to a skill nobody tracked
and started tracking it: re-tag the open jobs that mention it (a batch at a time, each job
announced), refresh the warehouse, then notify the skill's subscribers of those jobs. If it
fails for good it untags them, stops tracking the skill and tells the subscribers.

delete_account — revoke every token of the user (every gateway checks the revocation and closes
the user's websockets on the event it brings), then remove what the user owns. It has nothing
to undo: it retries until it is done. The warehouse keeps no per-user rows (subscriber counts
per skill only), so there is nothing of the user to remove there.
"""
from __future__ import annotations

from jobsight.coordination.sagas import AGAIN, SagaKind, Step

BACKFILL_BATCH = 200


class StepNotDone(Exception):
    """A step that must be tried again later (its service is busy)."""


def _retag(clients, data):
    batch = clients["scraper"].retag_skill(data["skill"], data.get("aliases", []), data.get("after", 0))
    return {AGAIN: batch["next"] is not None, "after": batch["next"] or 0,
            "jobs": sorted({*data.get("jobs", []), *batch["tagged"]})}


def _untag(clients, data):
    after = 0
    while after is not None:
        after = clients["scraper"].retag_skill(data["skill"], data.get("aliases", []), after, True)["next"]


def _refresh_warehouse(clients, data):
    summary = clients["etl"].catch_up()
    if "skipped" in summary:
        raise StepNotDone("the warehouse is loading: try once that load is done")
    return {"warehouse_pages": summary.get("pages", 0)}


def _backfill(clients, data):
    jobs, done = data.get("jobs", []), data.get("backfilled", 0)
    batch = jobs[done:done + BACKFILL_BATCH]
    if batch:
        payloads = clients["scraper"].get_jobs(batch)
        clients["users"].backfill_skill(data["skill"], payloads, f"saga:{data['saga']}"[:64])
    done += len(batch)
    return {AGAIN: done < len(jobs), "backfilled": done}


def _give_up_skill(clients, data):
    clients["scraper"].untrack_skill(data["skill"])
    clients["users"].notice_skill_not_tracked(data["skill"])


TRACK_NEW_SKILL = SagaKind("track_new_skill", (
    Step("retag_open_jobs", _retag, _untag),
    Step("refresh_warehouse", _refresh_warehouse),
    Step("notify_subscribers", _backfill),
), finally_compensated=_give_up_skill, max_attempts=6)


def _revoke(clients, data):
    clients["users"].revoke_tokens(data["user_id"])


def _delete(clients, data):
    return {"deleted": clients["users"].delete_account(data["user_id"], data["email"])}


DELETE_ACCOUNT = SagaKind("delete_account", (
    Step("revoke_tokens_and_close_sockets", _revoke),
    Step("remove_user_data", _delete),
), max_attempts=10**6)  # nothing to undo: a deletion asked for is carried out

KINDS = {kind.name: kind for kind in (TRACK_NEW_SKILL, DELETE_ACCOUNT)}
