"""users_db: accounts and what each user subscribes to (owned by the users service)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Float, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UsersBase(DeclarativeBase):
    pass


class User(UsersBase):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254), unique=True)  # normalized: trimmed, lowercase
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    subscriptions: Mapped[list["Subscription"]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Subscription(UsersBase):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "skill_key", name="uq_subscriptions_user_skill"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(64))
    skill_key: Mapped[str] = mapped_column(String(64), index=True)  # lowercase, for matching
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    user: Mapped[User] = relationship(back_populates="subscriptions")


class SavedSearch(UsersBase):
    """Keywords (matched against job titles like search does) plus optional filters."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    keywords: Mapped[str] = mapped_column(Text)  # normalized
    term_count: Mapped[int] = mapped_column(Integer)  # keyword terms a title must match (jobsight.textmatch)
    location: Mapped[str | None] = mapped_column(Text)
    remote: Mapped[str | None] = mapped_column(String(10))  # remote | hybrid | onsite
    salary_min: Mapped[float | None] = mapped_column(Float)  # annual, base currency
    skills: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SavedSearchTerm(UsersBase):
    """A saved search's keyword terms: ``position`` is the keyword word, each of its rows a term
    that satisfies it (the word, or a synonym its misspelling is close to), with the edits a
    title word may be away from it."""

    __tablename__ = "saved_search_terms"

    search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    term: Mapped[str] = mapped_column(Text, primary_key=True)
    typos: Mapped[int] = mapped_column(SmallInteger)


class SavedSearchKey(UsersBase):
    """Inverted index of the terms: each term's deletion set (jobsight.textmatch.deletions), so a
    new title finds the searches it may match through its own keys."""

    __tablename__ = "saved_search_keys"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class Notification(UsersBase):
    """One per user and canonical job, whatever number of subscriptions or boards matched."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "job_id", name="uq_notifications_user_job"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    job_id: Mapped[int | None] = mapped_column(BigInteger)  # None for a notice
    kind: Mapped[str] = mapped_column(Text, default="job", server_default="job")  # job | skill_not_tracked
    subject: Mapped[str | None] = mapped_column(Text)  # what a notice is about (a skill)
    job: Mapped[dict] = mapped_column(JSONB)  # the summary shown to the user
    reasons: Mapped[list] = mapped_column(JSONB)
    event_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProcessedEvent(UsersBase):
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(40))
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
