"""Units of work, one kind per owning database: the transaction an entrypoint opens, with the
repositories that work inside it hanging off it. The entrypoint commits, then dispatches;
repositories and domain functions never commit on their own."""
from __future__ import annotations

from functools import cached_property
from typing import Callable

from sqlalchemy.orm import Session

from jobsight.accounts import Accounts
from jobsight.db.coordinator import CoordinatorBase
from jobsight.db.jobs import JobsBase
from jobsight.db.users import UsersBase
from jobsight.db.warehouse import WarehouseBase
from jobsight.ingestion.repository import JobRepository, SourceRunRepository
from jobsight.outbox import Outbox
from jobsight.notifications import Inbox, ProcessedEvents, SavedSearches, Subscribers


class Unit:
    """One transaction on one database; ``session`` opens lazily."""

    base = None  # the declarative base of the database this unit works on

    def __init__(self, session_factory: Callable[[], Session], fresh: Callable[[], Session] | None = None,
                 on_events: Callable[[], None] | None = None):
        self._session_factory = session_factory
        self._fresh = fresh or session_factory
        self._on_events = on_events
        self._wrote_events = False

    @classmethod
    def of(cls, session: Session) -> "Unit":
        """A unit over a session the caller already has (tests, tools)."""
        return cls(lambda: session)

    @cached_property
    def session(self) -> Session:
        return self._session_factory()

    @cached_property
    def outbox(self) -> Outbox:
        """Events to announce, written in this unit's transaction (jobsight.outbox)."""
        return Outbox(self.session, on_add=self._noted_event)

    def _noted_event(self) -> None:
        self._wrote_events = True

    @property
    def engine(self):
        return self.session.get_bind()

    def commit(self) -> None:
        self.session.commit()
        if self._wrote_events:
            self._wrote_events = False
            if self._on_events is not None:
                self._on_events()

    def rollback(self) -> None:
        self.session.rollback()
        self._wrote_events = False

    def another(self) -> "Unit":
        """A unit of the same kind on a session of its own, for work that commits in several
        transactions (an ingestion run commits each batch); use it as a context manager."""
        return type(self)(self._fresh, self._fresh, self._on_events)

    def __enter__(self) -> "Unit":
        return self

    def __exit__(self, *exc) -> None:
        if "session" in self.__dict__:
            self.session.rollback()  # anything not committed is dropped
            self.session.close()


class JobsUnit(Unit):
    base = JobsBase

    @cached_property
    def jobs(self) -> JobRepository:
        return JobRepository(self.session)

    @cached_property
    def runs(self) -> SourceRunRepository:
        return SourceRunRepository(self.session)


class UsersUnit(Unit):
    base = UsersBase

    @cached_property
    def accounts(self) -> Accounts:
        return Accounts(self.session)

    @cached_property
    def searches(self) -> SavedSearches:
        return SavedSearches(self.session)

    @cached_property
    def inbox(self) -> Inbox:
        return Inbox(self.session)

    @cached_property
    def subscribers(self) -> Subscribers:
        return Subscribers(self.session)

    @cached_property
    def processed(self) -> ProcessedEvents:
        return ProcessedEvents(self.session)


class CoordinatorUnit(Unit):
    base = CoordinatorBase


class WarehouseUnit(Unit):
    """The insights service's reads of warehouse_db (ETL writes it through jobsight.warehouse.store)."""
    base = WarehouseBase
