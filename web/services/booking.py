"""Registrations for tour dates: seats are counted inside the database transaction.

A booking takes its seats with one conditional ``UPDATE``::

    UPDATE tour_sessions SET seats_taken = seats_taken + :n
    WHERE id = :id AND status = 'scheduled' AND seats_taken + :n <= capacity

On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (one writer at a
time); on PostgreSQL the row lock of the ``UPDATE`` serialises concurrent
bookings of the same date and the ``WHERE`` is re-checked on the newest row.
Either way the last seats cannot be sold twice, and a CHECK constraint
(``seats_taken <= capacity``) backs this up. A per-form token makes re-submits
and double clicks return the first registration instead of a second one.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import joinedload

from web.services.db import db
from web.services.db import write_transaction
from web.services.i18n import tour_zone
from web.services.models import CALLED_OFF
from web.services.models import CANCELLED
from web.services.models import CONFIRMED
from web.services.models import SCHEDULED
from web.services.models import WAITLIST
from web.services.models import Registration
from web.services.models import TourSession
from web.services.models import utcnow

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
ERASED_NAME = "—"


log = logging.getLogger(__name__)


class BookingError(Exception):
    """A booking request that cannot be carried out as asked."""


class DateNotFound(BookingError, LookupError):
    """No tour date with this id."""


class DateClosed(BookingError):
    """The date was called off or has already started."""

    def __init__(self, reason: str):
        self.reason = reason  # "cancelled" or "past"
        super().__init__(f"date is {reason}")


class NotEnoughSeats(BookingError):
    """Fewer seats are free than the party needs."""

    def __init__(self, seats_left: int):
        self.seats_left = seats_left
        super().__init__(f"only {seats_left} seats left")


class RegistrationNotFound(BookingError, LookupError):
    """No registration with this code."""


class CapacityBelowTaken(BookingError):
    """A guide tried to set fewer seats than are already taken."""

    def __init__(self, seats_taken: int):
        self.seats_taken = seats_taken
        super().__init__(f"{seats_taken} seats are already taken")


@dataclass(frozen=True)
class Guest:
    """What a guest typed, already cleaned and validated."""

    name: str
    phone: str | None
    email: str | None
    party_size: int
    language: str
    note: str | None


@dataclass(frozen=True)
class Booked:
    """The outcome of a registration: its code and state."""

    code: str
    status: str
    created: bool
    promoted: tuple[str, ...] = ()


def local_now() -> datetime:
    """Now as a naive wall-clock time in the tour's time zone."""
    return datetime.now(tour_zone()).replace(tzinfo=None)


def new_code() -> str:
    """A random registration code, 8 characters from a 32-letter alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a guest typed as a code, compared as stored.

    >>> normalise_code(" abcd-efgh ")
    'ABCDEFGH'
    """
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def format_code(code: str) -> str:
    """A code as shown: two groups of four.

    >>> format_code("ABCDEFGH")
    'ABCD-EFGH'
    """
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def _take_seats(session: Session, session_id: int, seats: int) -> bool:
    result = session.execute(
        update(TourSession)
        .where(
            TourSession.id == session_id,
            TourSession.status == SCHEDULED,
            TourSession.seats_taken + seats <= TourSession.capacity,
        )
        .values(seats_taken=TourSession.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _free_seats(session: Session, session_id: int, seats: int) -> None:
    session.execute(
        update(TourSession)
        .where(TourSession.id == session_id)
        .values(seats_taken=TourSession.seats_taken - seats)
        .execution_options(synchronize_session=False)
    )


def _seats_left(session: Session, session_id: int) -> int:
    left = session.scalar(
        select(TourSession.capacity - TourSession.seats_taken).where(
            TourSession.id == session_id
        )
    )
    return max(0, int(left or 0))


def _promote(session: Session, session_id: int) -> list[str]:
    """Give freed seats to the waitlist, first come first served, whoever fits."""
    promoted = []
    waiting = session.scalars(
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status == WAITLIST)
        .order_by(Registration.id)
        .with_for_update()
    ).all()
    for registration in waiting:
        if _take_seats(session, session_id, registration.party_size):
            registration.status = CONFIRMED
            promoted.append(registration.code)
    return promoted


def _tell_moved_up(codes: list[str] | tuple[str, ...]) -> None:
    """Mail every party just moved up from the waitlist, whoever freed the seats.

    Called after the transaction that moved them has committed, so a mail never
    announces a seat that was rolled back.
    """
    from web.services import mail  # mail reads registrations through this module

    for code in codes:
        log.info("registration %s moved from the waitlist", code)
        mail.send_confirmation(code)


def _open_date(session: Session, session_id: int, now: datetime) -> TourSession:
    tour_date = session.get(TourSession, session_id)
    if tour_date is None:
        raise DateNotFound(session_id)
    if tour_date.status == CALLED_OFF:
        raise DateClosed("cancelled")
    if tour_date.starts_at <= now:
        raise DateClosed("past")
    return tour_date


def register(
    session_id: int, guest: Guest, form_token: str, *, waitlist: bool, now: datetime
) -> Booked:
    """Register a party, or put it on the waitlist when ``waitlist`` and full.

    Raises `NotEnoughSeats` when the seats are not there and the guest did not
    ask for the waitlist; nothing is stored then.
    """
    for _attempt in range(5):
        try:
            with write_transaction() as session:
                existing = session.scalar(
                    select(Registration).where(Registration.form_token == form_token)
                )
                if existing is not None:
                    return Booked(existing.code, existing.status, created=False)
                _open_date(session, session_id, now)
                if _take_seats(session, session_id, guest.party_size):
                    status = CONFIRMED
                elif waitlist:
                    status = WAITLIST
                else:
                    raise NotEnoughSeats(_seats_left(session, session_id))
                registration = Registration(
                    session_id=session_id,
                    code=new_code(),
                    form_token=form_token,
                    name=guest.name,
                    phone=guest.phone,
                    email=guest.email,
                    party_size=guest.party_size,
                    language=guest.language,
                    note=guest.note,
                    status=status,
                )
                session.add(registration)
                session.flush()
                return Booked(registration.code, status, created=True)
        except IntegrityError:
            # The same form submitted twice at the same moment (PostgreSQL),
            # or a code collision: the next round finds the first or retries.
            continue
    raise BookingError("could not store the registration")


def find(code: str) -> Registration | None:
    """The registration with this code (any state), with its date loaded."""
    return db.session.scalar(
        select(Registration)
        .options(joinedload(Registration.session))
        .where(Registration.code == normalise_code(code))
    )


def cancel(code: str, *, now: datetime) -> Booked:
    """Cancel by code; freed seats go to the waitlist (who are mailed).

    Cancelling twice is harmless.
    """
    with write_transaction() as session:
        registration = session.scalar(
            select(Registration)
            .where(Registration.code == normalise_code(code))
            .with_for_update()
        )
        if registration is None:
            raise RegistrationNotFound(code)
        if registration.status == CANCELLED:
            return Booked(registration.code, CANCELLED, created=False)
        tour_date = session.get(TourSession, registration.session_id)
        assert tour_date is not None
        if tour_date.starts_at <= now:
            raise DateClosed("past")
        booked = Booked(
            registration.code,
            CANCELLED,
            created=False,
            promoted=tuple(_cancel_registration(session, registration)),
        )
    _tell_moved_up(booked.promoted)
    return booked


def _cancel_registration(session: Session, registration: Registration) -> list[str]:
    was = registration.status
    registration.status = CANCELLED
    registration.cancelled_at = utcnow()
    if was != CONFIRMED:
        return []
    _free_seats(session, registration.session_id, registration.party_size)
    return _promote(session, registration.session_id)


# ----------------------------------------------------------------- for guides


def update_date(session_id: int, **fields: object) -> list[str]:
    """Change a date; capacity may not drop below the seats already taken.

    More seats move the waitlist up; the codes moved up are returned (and mailed).
    """
    with write_transaction() as session:
        tour_date = session.get(TourSession, session_id, with_for_update=True)
        if tour_date is None:
            raise DateNotFound(session_id)
        capacity = fields.get("capacity")
        if isinstance(capacity, int) and capacity < tour_date.seats_taken:
            raise CapacityBelowTaken(tour_date.seats_taken)
        for name, value in fields.items():
            setattr(tour_date, name, value)
        session.flush()
        promoted = (
            _promote(session, session_id) if tour_date.status == SCHEDULED else []
        )
    _tell_moved_up(promoted)
    return promoted


def set_date_status(session_id: int, status: str) -> None:
    """Call a date off (or schedule it again); registrations are kept."""
    with write_transaction() as session:
        tour_date = session.get(TourSession, session_id, with_for_update=True)
        if tour_date is None:
            raise DateNotFound(session_id)
        tour_date.status = status


def set_attendance(registration_id: int, attended: bool | None) -> None:
    """Mark whether a registered party came."""
    with write_transaction() as session:
        registration = session.get(Registration, registration_id)
        if registration is None:
            raise RegistrationNotFound(str(registration_id))
        registration.attended = attended


def erase(registration_id: int, *, now: datetime) -> None:
    """Delete a person's data on request; an upcoming place is cancelled too, and
    whoever moves up from the waitlist is mailed."""
    with write_transaction() as session:
        registration = session.get(Registration, registration_id, with_for_update=True)
        if registration is None:
            raise RegistrationNotFound(str(registration_id))
        tour_date = session.get(TourSession, registration.session_id)
        assert tour_date is not None
        promoted = []
        if registration.status != CANCELLED and tour_date.starts_at > now:
            promoted = _cancel_registration(session, registration)
        registration.name = ERASED_NAME
        registration.phone = None
        registration.email = None
        registration.note = None
        registration.erased_at = utcnow()
    _tell_moved_up(promoted)


@dataclass(frozen=True)
class Totals:
    """Numbers for one date, for the guide."""

    registrations: int
    people: int
    waitlist_people: int
    attended_people: int
    cancelled: int


def totals(session_id: int) -> Totals:
    """Count registrations and people by state for one date."""
    rows = db.session.execute(
        select(
            Registration.status,
            func.count(Registration.id),
            func.coalesce(func.sum(Registration.party_size), 0),
        )
        .where(Registration.session_id == session_id)
        .group_by(Registration.status)
    ).all()
    by_status = {status: (int(count), int(people)) for status, count, people in rows}
    attended = db.session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.session_id == session_id,
            Registration.status == CONFIRMED,
            Registration.attended.is_(True),
        )
    )
    return Totals(
        registrations=by_status.get(CONFIRMED, (0, 0))[0],
        people=by_status.get(CONFIRMED, (0, 0))[1],
        waitlist_people=by_status.get(WAITLIST, (0, 0))[1],
        attended_people=int(attended or 0),
        cancelled=by_status.get(CANCELLED, (0, 0))[0],
    )
