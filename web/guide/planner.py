"""The route planner for guides: pick and order stops, best order, totals, variants,
publishing one as the tour's route, GPX and a printable route sheet per variant."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from datetime import timedelta
from typing import TYPE_CHECKING
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from geo.directions import describe
from geo.directions import format_distance
from geo.export import reorder
from geo.gpx import tour_to_gpx
from geo.overview import overview
from geo.planning import best_order
from geo.planning import totals
from geo.tour import Leg
from geo.tour import Stop
from geo.tour import Tour
from web import current_tour_id
from web import of_tour
from web.errors import BadRequestParameter
from web.guide import current_guide
from web.public.gpx import gpx_response
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import RouteVariant
from web.services.i18n import current_lang
from web.services.i18n import pick
from web.services.links import external_url
from web.services.models import utcnow
from web.services.params import db_int
from web.services.tour_store import all_known_legs
from web.services.tour_store import base_tour
from web.services.tour_store import bump_revision
from web.services.tour_store import catalogue
from web.services.tour_store import distance_matrix
from web.services.tour_store import leg_router
from web.services.tour_store import legs_for
from web.services.tour_store import path_json
from web.services.tour_store import refresh
from web.services.tour_store import state_of

if TYPE_CHECKING:
    from geo.network import WalkGraph

bp = Blueprint("planner", __name__, url_prefix="/guide")

NAME_MAX = 80
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _user_id() -> int | None:
    guide = current_guide()
    return guide.id if guide is not None else None


def parse_order(raw: Any, stops: dict[str, Stop]) -> list[str]:
    """Validate a planned order: known ids, no repeats, meeting point first, >= 2."""
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part]
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise BadRequestParameter(_("The stops must be a list of stop ids."))
    unknown = [item for item in raw if item not in stops]
    if unknown:
        raise BadRequestParameter(_("Unknown stop: %(id)s", id=unknown[0][:64]))
    if len(set(raw)) != len(raw):
        raise BadRequestParameter(_("A stop is listed twice."))
    meeting = next(iter(stops))
    if len(raw) < 2 or raw[0] != meeting:
        raise BadRequestParameter(
            _("A route starts at the meeting point and has at least one more stop.")
        )
    return list(raw)


def _variants() -> list[RouteVariant]:
    return list(
        db.session.scalars(
            select(RouteVariant)
            .where(RouteVariant.tour_id == current_tour_id())
            .order_by(RouteVariant.name)
        )
    )


def _published_variant_id() -> int | None:
    state = state_of(db.session)
    return state.published_variant_id if state else None


def _variant(variant_id: int) -> RouteVariant:
    variant = of_tour(db.session.get(RouteVariant, variant_id))
    if variant is None:
        abort(404, _("No such route variant."))
    return variant


def variant_tour(order: list[str]) -> Tour:
    """The tour walking ``order``, with legs reused, routed or straight."""
    stops = {stop.id: stop for stop in catalogue()}
    order = [stop_id for stop_id in order if stop_id in stops]  # files may have changed
    if len(order) < 2:
        raise BadRequestParameter(
            _("A route starts at the meeting point and has at least one more stop.")
        )
    legs = legs_for(order, stops, all_known_legs())
    return reorder(_with(stops), order, legs)


def _with(stops: dict[str, Stop]) -> Tour:
    return dataclasses.replace(base_tour(), stops=tuple(stops.values()))


def _plan_data(stops: list[Stop], order: list[str]) -> dict[str, Any]:
    matrix = distance_matrix(stops)
    tour = base_tour()
    return {
        "ids": list(matrix.ids),
        "lengths": [[round(x, 1) for x in row] for row in matrix.length_m],
        "method": matrix.method,
        "speedKmh": tour.walking_speed_kmh,
        "slotMin": tour.duration_min,
        "tileUrl": current_app.config["TILE_URL"],
        "attribution": tour.attribution,
        "legsUrl": url_for("planner.legs"),
        "legs": leg_lines(order) if len(order) >= 2 else [],
        "units": distance_units(current_lang()),
        "stops": {
            stop.id: {
                "name": pick(stop.name),
                "dwell": stop.dwell_min,
                "kind": stop.kind,
                "lat": stop.lat,
                "lon": stop.lon,
            }
            for stop in stops
        },
    }


def distance_units(lang: str) -> dict[str, str]:
    """The words of `format_distance` in ``lang``, so the planner's script writes
    distances as the pages do: '280 m', '1.3 km'."""
    metres, km = format_distance(280, lang), format_distance(1300, lang)
    return {
        "m": metres.split(" ", 1)[1],
        "km": km.split(" ", 1)[1],
        "decimal": km[1],
    }


def leg_lines(order: list[str]) -> list[dict[str, Any]]:
    """The legs walking ``order`` as the planner's map draws them, ``[lat, lon]``."""
    stops = {stop.id: stop for stop in catalogue()}
    return [
        {
            "from": leg.from_id,
            "to": leg.to_id,
            "latlngs": [[round(lat, 6), round(lon, 6)] for lon, lat in leg.coords],
            "approximate": leg.approximate,
            "length_m": round(leg.length_m, 1),
        }
        for leg in legs_for(order, stops, all_known_legs())
    ]


@bp.get("/tours/<tour_id>/plan")
def plan() -> str:
    """The planner page: the published order, or a saved variant to work on."""
    stops = catalogue()
    current = [stop.id for stop in refresh().stops]
    # Not a 64-bit integer: no variant asked for (werkzeug drops the ValueError).
    variant_id = request.args.get("variant", type=db_int)
    loaded = None
    if variant_id is not None:
        loaded = _variant(variant_id)
        current = [
            stop_id
            for stop_id in json.loads(loaded.stops_json)
            if stop_id in {s.id for s in stops}
        ]
    variants = _variants()
    summaries = {v.id: _summary(json.loads(v.stops_json), stops) for v in variants}
    return render_template(
        "guide/plan.html",
        stops=stops,
        current=current,
        loaded=loaded,
        variants=variants,
        summaries=summaries,
        published_id=_published_variant_id(),
        data=_plan_data(stops, current),
    )


def _summary(order: list[str], stops: list[Stop]) -> dict[str, Any]:
    by_id = {stop.id: stop for stop in stops}
    order = [stop_id for stop_id in order if stop_id in by_id]
    matrix = distance_matrix([by_id[i] for i in order])
    result = totals(
        [matrix.between(a, b) for a, b in zip(order, order[1:], strict=False)],
        [by_id[i].dwell_min for i in order],
        speed_kmh=base_tour().walking_speed_kmh,
        slot_min=base_tour().duration_min,
    )
    return {"stops": len(order), "totals": result}


@bp.post("/api/tours/<tour_id>/plan/best-order")
def best() -> Response:
    """The shortest order of the posted stops from the meeting point."""
    body = request.get_json(silent=True) or {}
    stops = {stop.id: stop for stop in catalogue()}
    order = parse_order(body.get("stops"), stops)
    keep_end = bool(body.get("keepEnd", True))
    ends = [stop_id for stop_id in order if stops[stop_id].kind == "end"]
    end = ends[0] if keep_end and ends else None
    matrix = distance_matrix([stops[i] for i in order])
    result = best_order(matrix, order[0], order[1:], end=end)  # PlanningError: 400
    return jsonify(
        ok=True,
        order=list(result.order),
        length_m=round(result.length_m, 1),
        solver=result.solver,
        method=matrix.method,
    )


@bp.post("/api/tours/<tour_id>/plan/legs")
def legs() -> Response:
    """The paths of the posted order's legs, for the planner's map."""
    body = request.get_json(silent=True) or {}
    stops = {stop.id: stop for stop in catalogue()}
    order = parse_order(body.get("stops"), stops)
    return jsonify(ok=True, legs=leg_lines(order))


@bp.post("/tours/<tour_id>/plan/variants")
def save_variant() -> ResponseReturnValue:
    """Save the order under a name; the same name overwrites that variant."""
    stops = {stop.id: stop for stop in catalogue()}
    order = parse_order(request.form.get("stops", ""), stops)
    name = " ".join(request.form.get("name", "").split())
    if not name or len(name) > NAME_MAX:
        raise BadRequestParameter(
            _("Give the variant a name of 1 to %(n)s characters.", n=NAME_MAX)
        )
    with write_transaction() as session:
        variant = session.scalar(
            select(RouteVariant).where(
                RouteVariant.tour_id == current_tour_id(), RouteVariant.name == name
            )
        )
        if variant is None:
            variant = RouteVariant(
                tour_id=current_tour_id(), name=name, created_by=_user_id()
            )
            session.add(variant)
        variant.stops_json = json.dumps(order)
        variant.updated_at = utcnow()
        session.flush()
        variant_id = variant.id
    flash(_("Saved the variant “%(name)s”.", name=name))
    return redirect(url_for("planner.plan", variant=variant_id), 303)


@bp.post("/tours/<tour_id>/plan/variants/<int:variant_id>/delete")
def delete_variant(variant_id: int) -> ResponseReturnValue:
    """Delete a variant (the published route stays as it is)."""
    with write_transaction() as session:
        variant = of_tour(session.get(RouteVariant, variant_id))
        if variant is None:
            abort(404, _("No such route variant."))
        name = variant.name
        session.delete(variant)
    flash(_("Deleted the variant “%(name)s”.", name=name))
    return redirect(url_for("planner.plan"), 303)


def _tour_totals(tour: Tour) -> Any:
    return totals(
        [leg.length_m for leg in tour.legs],
        [stop.dwell_min for stop in tour.stops],
        speed_kmh=tour.walking_speed_kmh,
        slot_min=tour.duration_min,
    )


@bp.get("/tours/<tour_id>/plan/variants/<int:variant_id>/publish")
def confirm_publish(variant_id: int) -> str:
    """Ask before publishing: what guests will see, and whether it fits the slot."""
    variant = _variant(variant_id)
    tour = variant_tour(json.loads(variant.stops_json))
    published = [stop.id for stop in refresh().stops]
    planned = [stop.id for stop in tour.stops]
    names = {stop.id: pick(stop.name) for stop in catalogue()}
    return render_template(
        "guide/publish.html",
        variant=variant,
        plan=tour,
        result=_tour_totals(tour),
        added=[names[i] for i in planned if i not in published],
        left_out=[names[i] for i in published if i not in planned and i in names],
        same_order=planned == published,
        is_published=variant_id == _published_variant_id(),
    )


@bp.post("/tours/<tour_id>/plan/variants/<int:variant_id>/publish")
def publish(variant_id: int) -> ResponseReturnValue:
    """Make the variant the tour's route: the public map and pages follow it.

    Only a confirmed form publishes; anything else goes to the question first.
    """
    variant = _variant(variant_id)
    if request.form.get("confirm") != "yes":
        return redirect(url_for("planner.confirm_publish", variant_id=variant_id), 303)
    tour = variant_tour(json.loads(variant.stops_json))
    with write_transaction() as session:
        bump_revision(
            session,
            _user_id(),
            order_json=json.dumps([stop.id for stop in tour.stops]),
            path_json=path_json(tour, tour.legs),
            published_variant_id=variant_id,
        )
    flash(_("Published “%(name)s” as the tour's route.", name=variant.name))
    return redirect(url_for("planner.plan", variant=variant_id), 303)


@bp.get("/tours/<tour_id>/plan/variants/<int:variant_id>.gpx")
def variant_gpx(variant_id: int) -> Response:
    """The variant as GPX: waypoints, route and path."""
    variant = _variant(variant_id)
    tour = variant_tour(json.loads(variant.stops_json))
    urls = {stop.id: external_url("pages.stop", stop_id=stop.id) for stop in tour.stops}
    xml = tour_to_gpx(tour, current_lang(), urls=urls, home=external_url("pages.index"))
    slug = re.sub(r"[^a-z0-9]+", "-", variant.name.casefold()).strip("-") or "variant"
    return gpx_response(xml, f"{tour.id}-{slug}.gpx")


@bp.get("/tours/<tour_id>/plan/variants/<int:variant_id>/sheet")
def sheet(variant_id: int) -> str:
    """A printable route sheet: overview map, planned times, directions per leg."""
    variant = _variant(variant_id)
    tour = variant_tour(json.loads(variant.stops_json))
    start_text = request.args.get("start", "10:00")
    match = TIME_RE.match(start_text)
    if match is None:
        raise BadRequestParameter(_("Give the start time as HH:MM."))
    start = datetime(2000, 1, 1, int(match[1]), int(match[2]))
    rows = _timetable(tour, start)
    return render_template(
        "guide/sheet.html",
        variant=variant,
        plan=tour,
        rows=rows,
        start=start_text,
        overview=overview(tour, street_graph(), current_lang()),
        result=_tour_totals(tour),
    )


def street_graph() -> WalkGraph | None:
    """The streets the router plans on, or None when it only knows the tour's path."""
    router = current_app.extensions.get("router")
    if router is None or getattr(router, "source", None) != "streets":
        return None
    graph: WalkGraph = router.graph
    return graph


def _timetable(tour: Tour, start: datetime) -> list[dict[str, Any]]:
    rows = []
    clock = start
    legs_to = {leg.to_id: leg for leg in tour.legs}
    for stop in tour.stops:
        leg = legs_to.get(stop.id)
        if leg is not None:
            clock += timedelta(seconds=leg.duration_s)
        arrive = clock
        clock += timedelta(minutes=stop.dwell_min)
        rows.append(
            {
                "stop": stop,
                "arrive": arrive.strftime("%H:%M"),
                "leave": clock.strftime("%H:%M"),
                "leg": leg,
                "directions": _directions(leg, stop) if leg else [],
            }
        )
    return rows


def _directions(leg: Leg, stop: Stop) -> list[str]:
    router = current_app.extensions.get("router")
    if leg_router() is not None and router is not None:
        try:
            route = router.route(leg.coords[0], leg.coords[-1])
            return list(describe(route.directions, current_lang()))
        except (LookupError, ValueError):
            pass
    if leg.approximate:
        return [
            _(
                "No street directions: walk about %(distance)s to %(name)s"
                " (the line on the map is approximate).",
                distance=format_distance(leg.length_m, current_lang()),
                name=pick(stop.name),
            )
        ]
    return [
        _(
            "Follow the path on the map for %(distance)s.",
            distance=format_distance(leg.length_m, current_lang()),
        )
    ]
