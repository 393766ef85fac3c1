"""Tables for the guides' tools: edited stops, route variants, the published route,
calibration audit, walked-track imports awaiting review, and live walks.

The files in ``tour_data/`` stay the base; what guides change lives here and is laid
over the base by `web.services.tour_store`. ``tour_state.revision`` goes up on every
change, so each worker process notices and rebuilds its copy of the tour.
"""

from __future__ import annotations

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
from sqlalchemy import UniqueConstraint
from sqlalchemy import true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from web.services.db import db
from web.services.models import tour_id_column
from web.services.models import utcnow


class TourState(db.Model):  # type: ignore[name-defined,misc]
    """One row: the revision counter, the published order and path."""

    __tablename__ = "tour_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column(unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    # JSON list of stop ids, or None for the order in tour_data/.
    order_json: Mapped[str | None] = mapped_column(Text)
    # route.geojson FeatureCollection for that order, or None for tour_data/'s.
    path_json: Mapped[str | None] = mapped_column(Text)
    published_variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("route_variants.id", ondelete="SET NULL")
    )
    # False for a tour a guide made and has not published: guides see it, guests
    # get a 404 and no list shows it.
    published: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class StopEdit(db.Model):  # type: ignore[name-defined,misc]
    """A stop as a guide last saved it: a whole ``stops.geojson`` Feature.

    ``version`` counts saves; a save based on an older version is a conflict.
    """

    __tablename__ = "stop_edits"

    tour_id: Mapped[str] = tour_id_column(primary_key=True)
    stop_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    feature_json: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    field_verified_accuracy_m: Mapped[float | None] = mapped_column(Float)
    field_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Calibration(db.Model):  # type: ignore[name-defined,misc]
    """Audit log: a stop's pin moved in the field: who, when, from where to where."""

    __tablename__ = "calibrations"
    __table_args__ = (
        Index("ix_calibrations_tour_id_stop_at", "tour_id", "stop_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column()
    stop_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    old_lon: Mapped[float] = mapped_column(Float)
    old_lat: Mapped[float] = mapped_column(Float)
    new_lon: Mapped[float] = mapped_column(Float)
    new_lat: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[float] = mapped_column(Float)
    confirmed_poor: Mapped[bool] = mapped_column(Boolean, default=False)


class RouteVariant(db.Model):  # type: ignore[name-defined,misc]
    """A named order of stops ("short", "step-free"), meeting point first."""

    __tablename__ = "route_variants"
    __table_args__ = (
        UniqueConstraint("tour_id", "name", name="uq_route_variants_tour_id_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column()
    name: Mapped[str] = mapped_column(String(80))
    stops_json: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class TrackImport(db.Model):  # type: ignore[name-defined,misc]
    """A walked track matched to the stops, waiting for the guide's review."""

    __tablename__ = "track_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column()
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The tour revision it was matched against; applying it later is refused.
    base_revision: Mapped[int] = mapped_column(Integer)
    path_json: Mapped[str] = mapped_column(Text)
    matches_json: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime)


class LiveWalk(db.Model):  # type: ignore[name-defined,misc]
    """A guided walk in progress: guests follow ``stop_index`` by its short code."""

    __tablename__ = "live_walks"
    __table_args__ = (
        CheckConstraint("stop_index >= 0", name="stop_index_not_negative"),
        Index("ix_live_walks_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[str] = tour_id_column()
    code: Mapped[str] = mapped_column(String(12), unique=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    stop_index: Mapped[int] = mapped_column(Integer, default=0)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    guide_lon: Mapped[float | None] = mapped_column(Float)
    guide_lat: Mapped[float | None] = mapped_column(Float)
    guide_accuracy_m: Mapped[float | None] = mapped_column(Float)
    guide_position_at: Mapped[datetime | None] = mapped_column(DateTime)
