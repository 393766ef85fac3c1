"""Tables for media: photos and recorded narration, keyed by (tour, stop).

The files themselves are in the media store (`web.services.media_store`); a row
holds what a page needs without opening them: each rendition's key, size and bytes,
and the texts (alt text and caption per language, credit, licence).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from web.services.db import db
from web.services.models import utcnow


class Photo(db.Model):  # type: ignore[name-defined,misc]
    """One photo of a stop, in several widths and formats."""

    __tablename__ = "photos"
    __table_args__ = (Index("ix_photos_tour_stop", "tour_id", "stop_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = mapped_column(String(64))
    stop_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # sha256 of the cleaned picture: the same photo uploaded twice is one file set.
    digest: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # JSON list of {"width", "height", "format", "key", "bytes"}, narrowest first.
    renditions_json: Mapped[str] = mapped_column(Text)
    alt_json: Mapped[str] = mapped_column(Text)  # {lang: text}
    caption_json: Mapped[str] = mapped_column(Text, default="{}")  # {lang: text}
    credit: Mapped[str] = mapped_column(String(200), default="")
    licence: Mapped[str] = mapped_column(String(32))
    year: Mapped[int | None] = mapped_column(Integer)
    # "Then and now": the other photo of the pair (same stop).
    pair_id: Mapped[int | None] = mapped_column(
        ForeignKey("photos.id", ondelete="SET NULL")
    )
    original_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Recording(db.Model):  # type: ignore[name-defined,misc]
    """A stop's recorded narration in one language (its story is the transcript)."""

    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("tour_id", "stop_id", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = mapped_column(String(64))
    stop_id: Mapped[str] = mapped_column(String(64))
    lang: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(Integer)
    duration_s: Mapped[float] = mapped_column(Float)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
