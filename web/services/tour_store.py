"""The tour as guides have changed it: ``tour_data/`` plus the database.

`web.get_tour` calls `current_tour` (registered as ``app.extensions["tour_overlay"]``).
It reads ``tour_state.revision`` once per request; when another worker has changed
the tour, this worker rebuilds its copy (and drops the drawn maps of
`web.public.pages`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from sqlalchemy import Engine
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm import scoped_session

import web
from geo.distance import LonLat
from geo.distance import haversine_m
from geo.errors import TourDataError
from geo.errors import UnknownStopError
from geo.export import reorder
from geo.export import route_collection
from geo.export import stop_to_feature
from geo.loader import legs_from_data
from geo.loader import stop_from_feature
from geo.loader import straight_legs
from geo.planning import DistanceMatrix
from geo.planning import build_matrix
from geo.tour import Leg
from geo.tour import Stop
from geo.tour import Tour
from web.services.db import db
from web.services.guide_models import StopEdit
from web.services.guide_models import TourState
from web.services.models import utcnow

log = logging.getLogger(__name__)

GENERATED_BY = "guide tools (web/services/tour_store.py)"


class EditConflictError(RuntimeError):
    """Someone else saved the stop since this guide opened it."""

    def __init__(self, stop_id: str, current_version: int):
        self.stop_id = stop_id
        self.current_version = current_version
        super().__init__(
            f"stop {stop_id!r} was changed by someone else (now version"
            f" {current_version}); reload it and apply your changes again"
        )


def init_app(app: Flask) -> None:
    """Lay the database over the tour files for every `web.get_tour` call."""
    app.extensions["tour_overlay"] = current_tour


def base_tour() -> Tour:
    """The request's tour exactly as loaded from ``tour_data/`` at start-up."""
    return web.catalogue().tour(web.current_tour_id())


def _reader() -> Session:
    """A short-lived session of its own: reading the tour never touches (or rolls
    back) the request's ``db.session``, which may hold someone's pending writes."""
    return Session(db.engine)


def read_state(engine: Engine, tour_id: str) -> tuple[int, bool]:
    """A tour's (revision, published) as the database has it now.

    Asked on every page request, so asked cheaply: the statement is compiled
    once per database and run on a pooled driver connection, without an ORM
    session or a result object (either costs more than the rest of a cached
    page's answer).
    """
    compiled = _STATE_SQL.get(engine.dialect.name)
    if compiled is None:
        statement = select(TourState.revision, TourState.published).where(
            TourState.tour_id == bindparam("tour_id")
        )
        compiled = _STATE_SQL[engine.dialect.name] = statement.compile(
            dialect=engine.dialect
        )
    values = compiled.construct_params({"tour_id": tour_id})
    positions = compiled.positiontup
    params = tuple(values[name] for name in positions) if positions else values
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(str(compiled), params)
        row = cursor.fetchone()
        cursor.close()
    finally:
        connection.close()  # back to the pool
    # No row yet: a tour as shipped, never changed, on the site.
    return (int(row[0] or 0), bool(row[1])) if row else (0, True)


_STATE_SQL: dict[str, Any] = {}


def _state(tour_id: str) -> tuple[int, bool]:
    """A tour's (revision, published), read once per request."""
    seen: dict[str, tuple[int, bool]] = g.setdefault("tour_states", {})
    if tour_id not in seen:
        seen[tour_id] = read_state(db.engine, tour_id)
    return seen[tour_id]


def _revision(tour_id: str) -> int:
    return _state(tour_id)[0]


def is_draft(tour_id: str) -> bool:
    """Whether guests are kept from the tour (read with its revision)."""
    return not _state(tour_id)[1]


def current_tour(base: Tour) -> Tour:
    """The tour with guides' changes, rebuilt only when its revision moved."""
    seen: dict[str, Tour] = g.setdefault("current_tours", {})
    if base.id in seen:
        return seen[base.id]
    revision = _revision(base.id)
    caches: dict[str, dict[str, Any]] = current_app.extensions.setdefault(
        "tour_store", {}
    )
    cache = caches.setdefault(base.id, {})
    if cache.get("revision") != revision:
        cache["tour"] = build_tour(base)
        cache["revision"] = revision
        # web.public.pages draws each map once per tour version: this one changed.
        maps = current_app.extensions.get("map_cache", {})
        for key in [key for key in maps if key[0] == base.id]:
            del maps[key]
    seen[base.id] = cache["tour"]
    return seen[base.id]


def tour_revision(tour_id: str) -> int:
    """The revision of a tour as this worker serves it (0: as shipped in tour_data/).

    Caches of things drawn from the tour key on it, never on ``id()`` of objects.
    """
    caches: dict[str, dict[str, Any]] = current_app.extensions.get("tour_store", {})
    return int(caches.get(tour_id, {}).get("revision", 0))


def refresh() -> Tour:
    """Forget this request's copy and read its tour again (after a change)."""
    g.pop("current_tours", None)
    g.pop("tour_states", None)
    return current_tour(base_tour())


def edited_stops(base: Tour) -> dict[str, Stop]:
    """Every stop of the base tour, with guides' edits, by id, in base order."""
    with _reader() as session:
        edits = {
            edit.stop_id: edit
            for edit in session.scalars(
                select(StopEdit).where(StopEdit.tour_id == base.id)
            )
        }
    stops: dict[str, Stop] = {}
    for index, stop in enumerate(base.stops):
        edit = edits.pop(stop.id, None)
        edited = _edited(edit, base, index) if edit is not None else None
        stops[stop.id] = stop if edited is None else _keep_place(edited, stop)
    # The rest are stops guides added in the browser, after the files' stops.
    for index, stop_id in enumerate(sorted(edits), start=len(base.stops)):
        added = _edited(edits[stop_id], base, index)
        if added is not None:
            stops[stop_id] = dataclasses.replace(added, order=index, kind="stop")
    return stops


def _edited(edit: StopEdit, base: Tour, index: int) -> Stop | None:
    try:
        return stop_from_feature(
            json.loads(edit.feature_json),
            base.languages,
            path=Path("database: stop_edits"),
            index=index,
            tour=base,
        )
    except (TourDataError, ValueError) as exc:
        # E.g. tour.json gained a language the saved edit lacks: the files'
        # stop is shown until a guide saves the stop again (an added stop is
        # left out until then).
        log.warning("stop edit %s no longer valid: %s", edit.stop_id, exc)
        return None


def base_ids(tour_id: str | None = None) -> set[str]:
    """The ids of the stops in a tour's files (the request's tour by default)."""
    return {
        stop.id for stop in web.catalogue().tour(tour_id or web.current_tour_id()).stops
    }


def _keep_place(edited: Stop, base: Stop) -> Stop:
    return dataclasses.replace(edited, order=base.order, kind=base.kind)


def build_tour(base: Tour) -> Tour:
    """Base tour + stop edits + the published order and path."""
    stops = edited_stops(base)
    with _reader() as session:
        state = state_of(session, base.id)
        order_json = state.order_json if state else None
        path_json = state.path_json if state else None
    order = json.loads(order_json) if order_json else [s.id for s in base.stops]
    order = [stop_id for stop_id in order if stop_id in stops]
    ordered = [stops[stop_id] for stop_id in order]
    with_stops = _with_stops(base, stops)
    if len(ordered) < 2:  # the files lost the published stops: publish them again
        log.warning("published order %s no longer matches the tour files", order_json)
        order, ordered, path_json = [s.id for s in base.stops], list(base.stops), None
    legs: Sequence[Leg] | None = None
    if path_json:
        try:
            legs = legs_from_data(
                json.loads(path_json), Path("database: tour_state.path"), ordered
            )
        except (TourDataError, ValueError) as exc:
            log.warning("published path no longer matches the stops: %s", exc)
    if legs is None:
        if order == [s.id for s in base.stops]:
            legs = base.legs
        else:
            legs = straight_legs(ordered, base.walking_speed_kmh)
    return reorder(with_stops, order, legs)


def _with_stops(base: Tour, stops: dict[str, Stop]) -> Tour:
    return dataclasses.replace(base, stops=tuple(stops.values()))


def catalogue() -> list[Stop]:
    """Every stop a guide can plan with (edited), meeting point first."""
    return list(edited_stops(base_tour()).values())


def catalogue_stop(stop_id: str) -> Stop:
    """One stop of the catalogue, as edited; `UnknownStopError` (a 404) if none."""
    for stop in catalogue():
        if stop.id == stop_id:
            return stop
    raise UnknownStopError(stop_id)


# --- legs -------------------------------------------------------------------------

RouteLeg = Callable[[str, LonLat, str, LonLat], Leg]


def leg_router() -> RouteLeg | None:
    """Route one leg over the streets, or None when the app has no street data.

    The router is the one `web.services.routing` builds at start-up
    (``extensions["router"]``); one that only follows the tour's own path is no
    help for a new order.
    """
    router = current_app.extensions.get("router")
    if router is None or getattr(router, "source", None) != "streets":
        return None

    def route(from_id: str, start: LonLat, to_id: str, end: LonLat) -> Leg:
        found = router.route(start, end)
        return Leg(
            from_id=from_id,
            to_id=to_id,
            coords=tuple(found.coords),
            length_m=found.length_m,
            duration_s=found.duration_s,
            street_m=found.street_m,
            approximate_m=found.approximate_m,
        )

    return route


def legs_for(
    order: Sequence[str], stops: dict[str, Stop], known: Sequence[Leg]
) -> list[Leg]:
    """Legs joining ``order``: a known leg between the same pins when there is one,
    else the street router, else a straight (approximate) line."""
    speed = base_tour().walking_speed_kmh
    router = leg_router()
    legs = []
    for a, b in zip(order, order[1:], strict=False):
        start, end = stops[a], stops[b]
        leg = _known_leg(known, start, end)
        if leg is None and router is not None:
            try:
                leg = router(a, start.lonlat, b, end.lonlat)
            except (LookupError, ValueError):
                leg = None
        if leg is None:
            leg = straight_legs([start, end], speed)[0]
        legs.append(leg)
    return legs


def _known_leg(known: Sequence[Leg], start: Stop, end: Stop) -> Leg | None:
    for leg in known:
        if leg.from_id == start.id and leg.to_id == end.id:
            if _near(leg.coords[0], start.lonlat) and _near(leg.coords[-1], end.lonlat):
                return leg
        if leg.from_id == end.id and leg.to_id == start.id:
            if _near(leg.coords[-1], start.lonlat) and _near(leg.coords[0], end.lonlat):
                coords = tuple(reversed(leg.coords))
                return Leg(
                    start.id,
                    end.id,
                    coords,
                    leg.length_m,
                    leg.duration_s,
                    leg.street_m,
                    leg.approximate_m,
                )
    return None


def _near(a: LonLat, b: LonLat, limit_m: float = 30.0) -> bool:
    return haversine_m(a, b) <= limit_m


def all_known_legs() -> list[Leg]:
    """Legs worth reusing: the current path and the files' path."""
    return [*current_tour(base_tour()).legs, *base_tour().legs]


def distance_matrix(stops: Sequence[Stop]) -> DistanceMatrix:
    """Stop-to-stop walking lengths: streets when routed, else straight x 1.3."""
    router = leg_router()
    by_position = {stop.lonlat: stop.id for stop in stops}

    def street(a: LonLat, b: LonLat) -> float:
        assert router is not None
        return router(by_position[a], a, by_position[b], b).length_m

    points = {stop.id: stop.lonlat for stop in stops}
    return build_matrix(points, leg_length=street if router else None)


# --- writes -------------------------------------------------------------------------


def state_of(
    session: Session | scoped_session[Any], tour_id: str | None = None
) -> TourState | None:
    """The state row of a tour (the request's by default); None before its first
    change."""
    tour_id = tour_id or web.current_tour_id()
    return session.execute(
        select(TourState).where(TourState.tour_id == tour_id)
    ).scalar_one_or_none()


def bump_revision(
    session: Session, user_id: int | None, *, tour_id: str | None = None, **changes: Any
) -> int:
    """Raise a tour's revision (the request's tour by default), applying
    ``changes`` to its state row."""
    tour_id = tour_id or web.current_tour_id()
    values = {"revision": TourState.revision + 1, "updated_at": utcnow(), **changes}
    values["updated_by"] = user_id
    result = session.execute(
        update(TourState).where(TourState.tour_id == tour_id).values(**values)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        # A tour's first change (the migration made the default tour's row).
        values["revision"] = 1
        session.add(TourState(tour_id=tour_id, **values))
        session.flush()
        return 1
    return int(
        session.execute(
            select(TourState.revision).where(TourState.tour_id == tour_id)
        ).scalar_one()
    )


def stop_version(stop_id: str) -> int:
    """How many times the stop was saved in the browser (0: as in the files)."""
    with _reader() as session:
        version = session.execute(
            select(StopEdit.version).where(
                StopEdit.tour_id == web.current_tour_id(), StopEdit.stop_id == stop_id
            )
        ).scalar()
    return int(version or 0)


def field_verified(stop_id: str) -> tuple[float, Any] | None:
    """(accuracy in metres, when) if the stop's pin was set in the field."""
    with _reader() as session:
        row = session.execute(
            select(
                StopEdit.field_verified_accuracy_m, StopEdit.field_verified_at
            ).where(
                StopEdit.tour_id == web.current_tour_id(), StopEdit.stop_id == stop_id
            )
        ).first()
    if row is None or row[0] is None:
        return None
    return float(row[0]), row[1]


def save_stop(
    session: Session,
    stop: Stop,
    *,
    expected_version: int,
    user_id: int | None,
    verified_accuracy_m: float | None = None,
) -> int:
    """Store ``stop`` if nobody saved it since ``expected_version``; return the new one.

    Raises
    ------
    EditConflictError
        When the stored version is not ``expected_version``.
    """
    feature = json.dumps(stop_to_feature(stop), ensure_ascii=False)
    values: dict[str, Any] = {
        "feature_json": feature,
        "version": expected_version + 1,
        "updated_at": utcnow(),
        "updated_by": user_id,
    }
    if verified_accuracy_m is not None:
        values["field_verified_accuracy_m"] = verified_accuracy_m
        values["field_verified_at"] = utcnow()
    if expected_version == 0:
        exists = session.execute(
            select(StopEdit.version).where(
                StopEdit.tour_id == web.current_tour_id(), StopEdit.stop_id == stop.id
            )
        ).scalar()
        if exists is not None:
            raise EditConflictError(stop.id, int(exists))
        try:
            with session.begin_nested():
                session.add(
                    StopEdit(tour_id=web.current_tour_id(), stop_id=stop.id, **values)
                )
        except IntegrityError:
            raise EditConflictError(stop.id, stop_version(stop.id)) from None
        return 1
    result = session.execute(
        update(StopEdit)
        .where(
            StopEdit.tour_id == web.current_tour_id(),
            StopEdit.stop_id == stop.id,
            StopEdit.version == expected_version,
        )
        .values(**values)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.execute(
            select(StopEdit.version).where(
                StopEdit.tour_id == web.current_tour_id(), StopEdit.stop_id == stop.id
            )
        ).scalar()
        raise EditConflictError(stop.id, int(current or 0))
    return expected_version + 1


def path_json(tour: Tour, legs: Sequence[Leg]) -> str:
    """The legs as stored in ``tour_state.path_json`` (route.geojson format)."""
    return json.dumps(
        route_collection(legs, attribution=tour.attribution, generated_by=GENERATED_BY),
        ensure_ascii=False,
    )


def reroute_stop(
    session: Session, tour: Tour, moved: Stop, user_id: int | None
) -> None:
    """Recompute the legs that touch ``moved`` (its pin changed) and store the path."""
    stops = {stop.id: stop for stop in tour.stops}
    stops[moved.id] = moved
    order = [stop.id for stop in tour.stops]
    untouched = [leg for leg in tour.legs if moved.id not in (leg.from_id, leg.to_id)]
    known = [*untouched, *(leg for leg in base_tour().legs if _same_pins(leg, stops))]
    legs = legs_for(order, stops, known)
    bump_revision(
        session,
        user_id,
        order_json=json.dumps(order),
        path_json=path_json(tour, legs),
    )


def insert_before_end(
    session: Session, tour: Tour, added: Stop, user_id: int | None
) -> None:
    """Walk ``added`` last before the end stop, routing the legs on either side."""
    order = [stop.id for stop in tour.stops]
    order.insert(len(order) - 1, added.id)
    stops = {stop.id: stop for stop in tour.stops}
    stops[added.id] = added
    legs = legs_for(order, stops, [*tour.legs, *base_tour().legs])
    bump_revision(
        session,
        user_id,
        order_json=json.dumps(order),
        path_json=path_json(tour, legs),
    )


# --- drafts -------------------------------------------------------------------------


def draft_ids() -> frozenset[str]:
    """The tours guides made and have not published (read once per request)."""
    if "draft_ids" not in g:
        with db.engine.connect() as connection:
            rows = connection.execute(
                select(TourState.tour_id).where(TourState.published.is_(False))
            )
            g.draft_ids = frozenset(row[0] for row in rows)
    found: frozenset[str] = g.draft_ids
    return found


def set_published(
    session: Session, tour_id: str, published: bool, user_id: int | None
) -> None:
    """Show a tour to guests, or hide it again (a new revision either way)."""
    bump_revision(session, user_id, tour_id=tour_id, published=published)
    g.pop("draft_ids", None)
    g.pop("tour_states", None)


def _same_pins(leg: Leg, stops: dict[str, Stop]) -> bool:
    start, end = stops.get(leg.from_id), stops.get(leg.to_id)
    return (
        start is not None
        and end is not None
        and _near(leg.coords[0], start.lonlat, 1.0)
        and _near(leg.coords[-1], end.lonlat, 1.0)
    )
