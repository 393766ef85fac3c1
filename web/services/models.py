"""Tables: guide accounts, tour dates, registrations, guide-added events, throttling.

Times of tour dates and events are naive local wall-clock times in the tour's
time zone (``time_zone`` in tour.json, Asia/Bishkek); bookkeeping stamps are naive
UTC, shown in the tour's zone through ``web.services.i18n.tour_time``.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from web.services.db import db

# Registration states. Only CONFIRMED holds seats.
CONFIRMED = "confirmed"
WAITLIST = "waitlist"
CANCELLED = "cancelled"

# Tour date states.
SCHEDULED = "scheduled"
CALLED_OFF = "cancelled"


TOUR_ID_CHARS = 64


def default_tour_id() -> str:
    """The request's tour (`web.current_tour_id`): a row written while serving a
    tour belongs to it. The column has no default in the database."""
    from web import current_tour_id

    return current_tour_id()


def tour_id_column(*, primary_key: bool = False, unique: bool = False) -> Mapped[str]:
    """The id of the tour a row belongs to (its ``tour_data/`` folder name)."""
    return mapped_column(
        String(TOUR_ID_CHARS),
        default=default_tour_id,
        primary_key=primary_key,
        unique=unique or None,
    )


def utcnow() -> datetime:
    """Now in UTC, naive, as stored."""
    return datetime.now(UTC).replace(tzinfo=None)


class User(db.Model):  # type: ignore[name-defined,misc]
    """A guide who can sign in; the password is stored as a werkzeug hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Goes up on sign-out, a new password or removal: every session signed
    # with an older version is refused (web.guide.current_guide).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Attempt(db.Model):  # type: ignore[name-defined,misc]
    """One counted attempt (failed login, registration) for rate limiting.

    ``key`` is an HMAC of the IP address or user name, never the value itself.
    """

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_kind_key_at", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TourSession(db.Model):  # type: ignore[name-defined,misc]
    """A dated walk that guests register for."""

    __tablename__ = "tour_sessions"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("seats_taken >= 0", name="seats_not_negative"),
        # The last line of defence against overbooking; the booking code
        # never relies on it alone (see web/services/booking.py).
        CheckConstraint("seats_taken <= capacity", name="seats_within_capacity"),
        Index("ix_tour_sessions_tour_id_starts_at", "tour_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column()
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    language: Mapped[str] = mapped_column(String(8))
    capacity: Mapped[int] = mapped_column(Integer)
    seats_taken: Mapped[int] = mapped_column(Integer, default=0)
    price_amount: Mapped[int] = mapped_column(Integer, default=700)
    price_currency: Mapped[str] = mapped_column(String(3), default="KGS")
    meeting_point: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=SCHEDULED)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow
    )

    registrations: Mapped[list[Registration]] = relationship(
        back_populates="session", order_by="Registration.id"
    )

    @property
    def seats_left(self) -> int:
        """Free seats now."""
        return max(0, self.capacity - self.seats_taken)


class Registration(db.Model):  # type: ignore[name-defined,misc]
    """A guest's registration (or waitlist place) for one tour date.

    Personal data (name, phone, e-mail, note) appear only on guide pages.
    """

    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("party_size >= 1", name="party_positive"),
        Index("ix_registrations_session_status", "session_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("tour_sessions.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # The hidden per-form token: a re-submitted form finds its registration.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    party_size: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    attended: Mapped[bool | None] = mapped_column(Boolean)
    consent_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[TourSession] = relationship(back_populates="registrations")


class GuideEvent(db.Model):  # type: ignore[name-defined,misc]
    """An event in town added by a guide (the seeded ones live in tour_data/)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    description: Mapped[str | None] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
