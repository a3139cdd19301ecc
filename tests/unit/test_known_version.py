"""The gateway's view of the warehouse version: kept by events, refreshed when they stop."""
from jobsight.adapters.version import KnownVersion


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_events_keep_the_view_without_asking():
    clock = Clock()
    view = KnownVersion(ttl=2, clock=clock)
    view.heard("7.10.10")
    asked = []
    assert view.current(lambda: asked.append(1) or "7.9.9") == "7.10.10"
    assert asked == []


def test_an_older_event_arriving_late_does_not_move_the_view_back():
    view = KnownVersion(ttl=2, clock=Clock())
    view.heard("7.12.12")
    view.heard("7.11.11")
    assert view.current(lambda: None) == "7.12.12"
    view.heard("8.1.0")  # a re-created warehouse: its own count
    assert view.current(lambda: None) == "8.1.0"


def test_a_view_older_than_its_ttl_is_asked_for_again():
    clock = Clock()
    view = KnownVersion(ttl=2, clock=clock)
    view.heard("7.10.10")
    clock.now += 2.5  # no event for longer than the TTL: one may have been missed
    assert view.current(lambda: "7.11.11") == "7.11.11"
    assert view.stats()["asked"] == 1
    assert view.current(lambda: "7.99.99") == "7.11.11"  # fresh again: not asked


def test_with_nothing_heard_and_nobody_answering_there_is_no_version():
    view = KnownVersion(ttl=2, clock=Clock())

    def failing():
        raise TimeoutError

    assert view.current(failing) is None
    assert view.stats()["ask_failures"] == 1


def test_garbage_keys_are_ignored():
    view = KnownVersion(ttl=2, clock=Clock())
    view.heard("7.10.10")
    for bad in (None, "", "seven", "1.2", 42):
        view.heard(bad)
    assert view.current(lambda: None) == "7.10.10"
