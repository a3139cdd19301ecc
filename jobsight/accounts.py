"""Accounts and skill subscriptions: the users service's domain logic over users_db."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jobsight import validate
from jobsight.auth import validate_email, validate_password
from jobsight.db.users import Subscription, User
from jobsight.errors import Conflict, NotFound, ValidationError
from jobsight.normalize.skills import skill_name

MAX_NAME_LENGTH = 100


def validate_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Name is required")
    name = " ".join(name.split())
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(f"Name too long (at most {MAX_NAME_LENGTH} characters)")
    return name


def user_to_dict(user: User) -> dict:
    return {
        "user_id": user.id,
        "name": user.name,
        "email": user.email,
        "created_at": user.created_at.isoformat() if user.created_at else None,
        "subscriptions": sorted(s.skill for s in user.subscriptions),
    }


def check_new_account(name, email, password, password_min_length: int = 8) -> tuple[str, str, str]:
    return validate_name(name), validate_email(email), validate_password(password, password_min_length)


class Accounts:
    """The users and their skill subscriptions in users_db (the caller commits)."""

    def __init__(self, session: Session):
        self.session = session

    def email_taken(self, email: str) -> bool:
        return self.session.scalar(select(User.id).where(User.email == email)) is not None

    def create(self, name: str, email: str, password_hash: str) -> User:
        user = User(name=name, email=email, password_hash=password_hash)
        try:
            with self.session.begin_nested():  # a savepoint: the race's loser keeps its transaction
                self.session.add(user)
        except IntegrityError:
            # Two sign-ups with one email racing: the unique index decides.
            raise Conflict("User already exists")
        return user

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(User.email == email))

    def get(self, user_id) -> User:
        user = self.session.get(User, validate.positive_id(user_id, "user_id"))
        if user is None:
            raise NotFound("User not found")
        return user

    def find(self, email_or_id) -> dict:
        """Operator lookup by id or (any-case) email."""
        if isinstance(email_or_id, str) and "@" in email_or_id:
            user = self.by_email(validate_email(email_or_id))
            if user is None:
                raise NotFound("User not found")
        else:
            try:
                user_id = int(email_or_id)
            except (TypeError, ValueError):
                raise ValidationError("Give an email address or a numeric user id")
            user = self.get(user_id)
        return user_to_dict(user)

    def subscriptions(self, user_id: int) -> list[str]:
        self.get(user_id)
        rows = self.session.scalars(
            select(Subscription.skill).where(Subscription.user_id == user_id).order_by(Subscription.skill_key))
        return list(rows)

    def subscribe(self, user_id: int, skill) -> tuple[str, bool]:
        """Add a skill subscription; returns (skill, created). Subscribing twice is a no-op."""
        skill = skill_name(skill)
        self.get(user_id)
        key = skill.lower()
        existing = self.session.scalar(
            select(Subscription).where(Subscription.user_id == user_id, Subscription.skill_key == key))
        if existing is not None:
            return existing.skill, False
        try:
            with self.session.begin_nested():
                self.session.add(Subscription(user_id=user_id, skill=skill, skill_key=key))
        except IntegrityError:  # the same subscription added concurrently
            return skill, False
        return skill, True

    def delete(self, user_id: int) -> dict | None:
        """Remove an account and everything it owns in users_db (subscriptions, saved searches and
        notifications go with it, by cascade). None when it is already gone."""
        user = self.session.get(User, validate.positive_id(user_id, "user_id"))
        if user is None:
            return None
        gone = {"user_id": user.id, "email": user.email, "subscriptions": len(user.subscriptions)}
        self.session.delete(user)
        self.session.flush()
        return gone

    def subscribers_per_skill(self) -> dict[str, int]:
        """How many users subscribe to each skill (spellings differing only in case count as one)."""
        rows = self.session.execute(
            select(func.min(Subscription.skill), func.count()).group_by(Subscription.skill_key))
        return {skill: n for skill, n in rows}

    def unsubscribe(self, user_id: int, skill) -> bool:
        skill = skill_name(skill)
        self.get(user_id)
        sub = self.session.scalar(
            select(Subscription).where(Subscription.user_id == user_id, Subscription.skill_key == skill.lower()))
        if sub is None:
            raise NotFound("Not subscribed to this skill")
        self.session.delete(sub)
        self.session.flush()
        return True
