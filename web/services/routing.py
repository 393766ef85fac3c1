"""The app's router: which street files, built once; routes asked for by a request."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from flask import Flask
from flask import current_app
from flask import request

from geo.directions import describe
from geo.errors import StreetDataError
from geo.gpx import Waypoint
from geo.gpx import path_to_gpx
from geo.osm import BBox
from geo.osm import bbox_around
from geo.routing import Route
from geo.routing import Router
from geo.routing import resolve_place
from geo.routing import street_router
from geo.routing import tour_path_router
from geo.tour import Tour
from web import tour_folder
from web.errors import BadRequestParameter
from web.services.i18n import pick
from web.services.tour_store import catalogue

log = logging.getLogger(__name__)

FETCHED_NAME = "streets.osm"
SHARED_SKELETON = Path("shared", "geodata", "bishkek_west_arterials_skeleton.osm")
CONNECTORS_NAME = "connectors.osm"
MAX_PLACE_CHARS = 200


def tour_of(app: Flask) -> Tour:
    """The tour loaded at start-up."""
    tour: Tour = app.extensions["tour"]
    return tour


def base_street_files(app: Flask) -> list[Path]:
    """Street files to route on, before the tour's own connectors.

    In order of preference: ``STREET_FILES`` (a list, or paths joined with
    ``os.pathsep``; an empty list means none), then what ``flask tour
    fetch-streets`` saved in the instance folder, then the district skeleton in
    ``../shared/geodata`` if it is there.
    """
    configured = app.config.get("STREET_FILES")
    if isinstance(configured, str):
        configured = [part for part in configured.split(os.pathsep) if part]
    if configured is not None:
        return [Path(path) for path in configured]
    fetched = Path(app.instance_path) / FETCHED_NAME
    if fetched.is_file():
        return [fetched]
    shared = Path(app.root_path).parent / SHARED_SKELETON
    return [shared] if shared.is_file() else []


def street_files(app: Flask, base: Sequence[Path]) -> list[Path]:
    """Add the tour's hand-drawn connector ways (``tour_data/connectors.osm``)."""
    connectors = tour_folder(app) / CONNECTORS_NAME
    return [*base, connectors] if connectors.is_file() else list(base)


def tour_bbox(app: Flask) -> BBox:
    """The tour's stops plus ``STREETS_MARGIN_M`` on every side."""
    margin_m = float(app.config["STREETS_MARGIN_M"])
    return bbox_around((stop.lonlat for stop in tour_of(app).stops), margin_m=margin_m)


def init_app(app: Flask) -> None:
    """Build the router once, at start-up, into ``app.extensions["router"]``."""
    app.extensions["router"] = make_router(app)


def make_router(app: Flask) -> Router:
    """Route on the street files if there are any, else along the tour's own path.

    A broken street file does not stop the guide: it is logged, and routes follow
    the tour path, labelled ``tour-path``.
    """
    tour = tour_of(app)
    base = base_street_files(app)
    if base:
        try:
            return street_router(
                street_files(app, base),
                walking_speed_kmh=tour.walking_speed_kmh,
                bbox=tour_bbox(app),
            )
        except StreetDataError as exc:
            log.error("street data unusable, routing along the tour path: %s", exc)
    legs = [(leg.coords, leg.approximate_m >= leg.length_m) for leg in tour.legs]
    return tour_path_router(legs, walking_speed_kmh=tour.walking_speed_kmh)


def get_router() -> Router:
    """The router built at start-up."""
    router: Router = current_app.extensions["router"]
    return router


def wants_route() -> bool:
    """True when the request asks for a route between two places."""
    return "from" in request.args or "to" in request.args


def _place(name: str) -> str:
    value = request.args.get(name, "").strip()
    if not value:
        raise BadRequestParameter(
            f"'{name}' is missing: give '<lat>,<lon>' or a stop id for both from and to"
        )
    if len(value) > MAX_PLACE_CHARS:
        raise BadRequestParameter(f"'{name}' is too long")
    return value


def requested_route() -> Route:
    """Route between the request's ``from`` and ``to`` (each ``lat,lon`` or a stop id).

    Bad input raises the domain errors (or `BadRequestParameter`), which the error
    handlers turn into 4xx answers.
    """
    # Every stop, including those left out of the published route, where guides
    # last put its pin (field calibration) -- see web/services/tour_store.py.
    stops = {stop.id: stop.lonlat for stop in catalogue()}
    orig = resolve_place(_place("from"), stops)
    dest = resolve_place(_place("to"), stops)
    return get_router().route(orig, dest)


def place_label(name: str, lang: str) -> str:
    """A stop's name, or the ``lat,lon`` as given, for the request's place ``name``."""
    value = request.args.get(name, "").strip()
    for stop in tour_of(current_app).stops:
        if stop.id == value:
            return pick(stop.name, lang)
    return value


def route_gpx(route: Route, lang: str) -> str:
    """The route as GPX: start and end as waypoints, the directions as description."""
    start, end = place_label("from", lang), place_label("to", lang)
    directions = "\n".join(describe(route.directions, lang))
    return path_to_gpx(
        name=f"{start} → {end}",
        description=directions,
        waypoints=[
            Waypoint(route.coords[0], start, directions, symbol="Flag, Green"),
            Waypoint(route.coords[-1], end, "", symbol="Flag, Blue"),
        ],
        track=route.coords,
    )
