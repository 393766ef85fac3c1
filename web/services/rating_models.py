"""Tables for walkers' feedback: ratings per stop and for the walk, and where
self-guided walkers stopped following (counts only).

No account and no cookie: a rating carries an HMAC of a random token the phone
keeps for the tour, so that the same phone replaces its own rating; the hash
is erased after ``RATING_TOKEN_RETENTION_DAYS`` (web.services.privacy).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy import literal_column
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from web.services.db import db
from web.services.models import utcnow


class Rating(db.Model):  # type: ignore[name-defined,misc]
    """One phone's score (1-5) and optional comment for a stop, or the walk."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score >= 1 AND score <= 5", name="score_range"),
        # One rating per phone, tour and stop; the walk's (no stop) counts as ''.
        # Rows whose token was erased (NULL) never collide.
        Index(
            "uq_ratings_device",
            "tour_id",
            "token_hash",
            func.coalesce(literal_column("stop_id"), ""),
            unique=True,
        ),
        Index("ix_ratings_tour_stop", "tour_id", "stop_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64))
    stop_id: Mapped[str | None] = mapped_column(String(64))  # None: the whole walk
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class StopReach(db.Model):  # type: ignore[name-defined,misc]
    """How many self-guided walkers got no further than the stop at ``stop_index``."""

    __tablename__ = "stop_reach"
    __table_args__ = (
        UniqueConstraint("tour_id", "stop_index"),
        CheckConstraint("walkers >= 0", name="walkers_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = mapped_column(String(64))
    stop_index: Mapped[int] = mapped_column(Integer)
    walkers: Mapped[int] = mapped_column(Integer, default=0)
