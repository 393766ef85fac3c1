"""Personal data kept only as long as the README promises (SECURITY.md).

- A live walk's guide position: erased when the walk ends (web.public.live),
  and when it expires: on the first look at it afterwards, at start-up and by
  ``flask guide purge``.
- Registrations: names, phones, e-mails and notes erased
  ``REGISTRATION_RETENTION_DAYS`` (30) days after their tour date, at start-up
  and by ``flask guide purge``; guides can export them until then.
- Ratings: the hash of the phone's random key erased
  ``RATING_TOKEN_RETENTION_DAYS`` (30) days after the rating last changed, at
  start-up and by ``flask guide purge``; score and comment stay, anonymous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from typing import cast

import click
from flask import Flask
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import CursorResult
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update

from web.services.booking import ERASED_NAME
from web.services.booking import local_now
from web.services.db import write_transaction
from web.services.guide_models import LiveWalk
from web.services.models import Registration
from web.services.models import TourSession
from web.services.models import utcnow
from web.services.ratings import erase_old_tokens

_NO_POSITION = {
    "guide_lon": None,
    "guide_lat": None,
    "guide_accuracy_m": None,
    "guide_position_at": None,
}


@dataclass(frozen=True)
class Purged:
    """How many rows lost personal data."""

    live_walks: int
    registrations: int
    rating_keys: int


def init_app(app: Flask) -> None:
    """Purge once at start-up (when the schema is current) and add the command."""
    if app.config["DB_AUTO_UPGRADE"]:
        with app.app_context():
            purge()


def erase_expired_positions() -> int:
    """Forget the guide's position on every walk that ended or expired."""
    with write_transaction() as session:
        result = session.execute(
            update(LiveWalk)
            .where(
                or_(LiveWalk.ended_at.is_not(None), LiveWalk.expires_at <= utcnow()),
                or_(
                    LiveWalk.guide_lat.is_not(None),
                    LiveWalk.guide_lon.is_not(None),
                    LiveWalk.guide_position_at.is_not(None),
                ),
            )
            .values(_NO_POSITION)
        )
    return int(cast(CursorResult[Any], result).rowcount or 0)


def purge_registrations() -> int:
    """Erase the guests of dates more than the retention period ago."""
    days = float(current_app.config["REGISTRATION_RETENTION_DAYS"])
    before = local_now() - timedelta(days=days)
    with write_transaction() as session:
        old_dates = select(TourSession.id).where(TourSession.starts_at < before)
        result = session.execute(
            update(Registration)
            .where(
                Registration.session_id.in_(old_dates),
                Registration.erased_at.is_(None),
            )
            .values(
                name=ERASED_NAME, phone=None, email=None, note=None, erased_at=utcnow()
            )
        )
    return int(cast(CursorResult[Any], result).rowcount or 0)


def purge() -> Purged:
    """Everything that has been kept long enough."""
    return Purged(erase_expired_positions(), purge_registrations(), erase_old_tokens())


@click.command("purge")
@with_appcontext
def purge_command() -> None:
    """Erase expired live-walk positions, old registrations and rating keys now."""
    done = purge()
    click.echo(
        f"Erased the position of {done.live_walks} live walk(s) and the personal "
        f"data of {done.registrations} registration(s); forgot the phone of"
        f" {done.rating_keys} rating(s)."
    )
