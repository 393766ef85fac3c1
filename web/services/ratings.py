"""Walkers' ratings and where self-guided walkers stopped: checks, storage, sums.

A rating is (tour, phone, stop or the walk, score 1-5, optional comment); the
phone is known only by an HMAC of a random token it keeps in localStorage, so
a second rating from it replaces the first. "Where walkers stopped" is a count
per stop index: a phone reports the furthest stop it reached and the one it
reported before, and one walker moves from that count to the new one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import CursorResult
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy import update
from sqlalchemy.orm import Session

from geo.tour import Tour
from web.services.db import db
from web.services.db import write_transaction
from web.services.models import utcnow
from web.services.rating_models import Rating
from web.services.rating_models import StopReach
from web.services.security import clean_text

SCORES = range(1, 6)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Links in any spelling people use to advertise: a scheme, www., markup, or a
# name under a common top-level domain ("cheap-tours.com", "x.ru/y").
_LINK = re.compile(
    r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|<\s*a\b|\[url|href\s*="
    r"|\b[a-z0-9-]+\.(?:com|net|org|info|biz|ru|kg|su|io|co|me|xyz|top|site"
    r"|online|shop|ly|gl|to|cc|tk|link|click)\b)"
)
_REPEATED = re.compile(r"(.)\1{7,}", re.S)


class BadRating(ValueError):
    """A rating or report that cannot be stored as sent (HTTP 400)."""


class SpamShaped(BadRating):
    """A comment refused because it looks like spam (HTTP 422)."""


@dataclass(frozen=True)
class RatingInput:
    """A checked rating, ready to store."""

    token: str
    stop_id: str | None
    score: int
    comment: str | None


def parse_rating(body: Mapping[str, Any], tour: Tour) -> RatingInput:
    """Check a rating as the walk page sends it; raise `BadRating` if unusable."""
    token = body.get("token")
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise BadRating(
            _("This phone's rating key is missing. Reload the page and try again.")
        )
    stop_id = body.get("stop")
    if stop_id is not None and (
        not isinstance(stop_id, str) or stop_id not in {s.id for s in tour.stops}
    ):
        raise BadRating(_("There is no such stop on this walk."))
    score = body.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise BadRating(_("Choose a rating from 1 to 5."))
    return RatingInput(token, stop_id, score, check_comment(body.get("comment")))


def check_comment(value: object) -> str | None:
    """A comment as it will be stored (None if empty), or `SpamShaped` with why."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRating(_("The comment must be text."))
    comment = clean_text(value, multiline=True)
    if not comment:
        return None
    limit = int(current_app.config["RATING_COMMENT_MAX_CHARS"])
    if len(comment) > limit:
        raise SpamShaped(_("Please keep the comment under %(n)s characters.", n=limit))
    if _LINK.search(comment):
        raise SpamShaped(
            _("Please leave out links and web addresses: tell us in your own words.")
        )
    if _REPEATED.search(comment):
        raise SpamShaped(
            _("The same character many times over: please write the comment again.")
        )
    if not any(unicodedata.category(c)[0] in "LS" for c in comment):
        raise SpamShaped(_("Please write the comment in words."))
    return comment


def token_hash(token: str) -> str:
    """The stored form of a phone's token: an HMAC with the secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"rating\0" + token.encode(), hashlib.sha256).hexdigest()


def _lock(session: Session, key: str) -> None:
    # SQLite: BEGIN IMMEDIATE already serialises writers; PostgreSQL: one
    # advisory lock per key, so that two first inserts cannot race.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(key.encode())}
        )


def save_rating(tour_id: str, rating: RatingInput) -> bool:
    """Store a rating; True if it replaced this phone's earlier one."""
    digest = token_hash(rating.token)
    now = utcnow()
    with write_transaction() as session:
        _lock(session, f"rating\0{tour_id}\0{digest}")
        stop = (
            Rating.stop_id.is_(None)
            if rating.stop_id is None
            else Rating.stop_id == rating.stop_id
        )
        row = session.scalars(
            select(Rating).where(
                Rating.tour_id == tour_id, Rating.token_hash == digest, stop
            )
        ).first()
        if row is not None:
            row.score = rating.score
            row.comment = rating.comment
            row.updated_at = now
            return True
        session.add(
            Rating(
                tour_id=tour_id,
                token_hash=digest,
                stop_id=rating.stop_id,
                score=rating.score,
                comment=rating.comment,
                created_at=now,
                updated_at=now,
            )
        )
        return False


def parse_reach(body: Mapping[str, Any], tour: Tour) -> tuple[int, int | None]:
    """The furthest stop index reached and the one reported before (or None)."""
    count = len(tour.stops)

    def index(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRating(_("A stop number is missing or not a whole number."))
        if not 0 <= value < count:
            raise BadRating(_("There is no such stop on this walk."))
        return value

    last = index(body.get("last"))
    previous = body.get("previous")
    if previous is None:
        return last, None
    before = index(previous)
    if before == last:
        raise BadRating(_("This stop was already counted."))
    return last, before


def record_reach(tour_id: str, last: int, previous: int | None) -> None:
    """Move one walker from the count at ``previous`` (if any) to ``last``."""
    with write_transaction() as session:
        _lock(session, f"reach\0{tour_id}")
        row = session.scalars(
            select(StopReach).where(
                StopReach.tour_id == tour_id, StopReach.stop_index == last
            )
        ).first()
        if row is None:
            session.add(StopReach(tour_id=tour_id, stop_index=last, walkers=1))
        else:
            row.walkers += 1
        if previous is not None:
            session.execute(
                update(StopReach)
                .where(
                    StopReach.tour_id == tour_id,
                    StopReach.stop_index == previous,
                    StopReach.walkers > 0,
                )
                .values(walkers=StopReach.walkers - 1)
            )


@dataclass
class Comment:
    """One comment as a guide reads it."""

    score: int
    text: str
    at: datetime


@dataclass
class Summary:
    """The ratings of one stop (or of the walk, ``stop_id`` None)."""

    stop_id: str | None
    count: int = 0
    total: int = 0
    distribution: dict[int, int] = field(
        default_factory=lambda: dict.fromkeys(SCORES, 0)
    )
    comments: list[Comment] = field(default_factory=list)

    @property
    def average(self) -> float | None:
        """The mean score, or None without ratings."""
        return self.total / self.count if self.count else None


def summaries(tour: Tour) -> list[Summary]:
    """The walk's ratings first, then each stop's in walking order."""
    result = {None: Summary(None)} | {s.id: Summary(s.id) for s in tour.stops}
    rows = db.session.scalars(
        select(Rating)
        .where(Rating.tour_id == tour.id)
        .order_by(Rating.updated_at.desc(), Rating.id.desc())
    )
    for row in rows:
        summary = result.get(row.stop_id)
        if summary is None:  # a stop since removed from the tour
            continue
        summary.count += 1
        summary.total += row.score
        summary.distribution[row.score] += 1
        if row.comment:
            summary.comments.append(Comment(row.score, row.comment, row.updated_at))
    return list(result.values())


def reach_counts(tour_id: str) -> dict[int, int]:
    """Walkers per furthest stop index reached."""
    rows = db.session.execute(
        select(StopReach.stop_index, StopReach.walkers).where(
            StopReach.tour_id == tour_id
        )
    )
    return {index: walkers for index, walkers in rows}


def erase_old_tokens() -> int:
    """Forget which phone gave a rating once it is older than the retention."""
    days = float(current_app.config["RATING_TOKEN_RETENTION_DAYS"])
    before = utcnow() - timedelta(days=days)
    with write_transaction() as session:
        result = session.execute(
            update(Rating)
            .where(Rating.updated_at < before, Rating.token_hash.is_not(None))
            .values(token_hash=None)
        )
    return int(cast(CursorResult[Any], result).rowcount or 0)
