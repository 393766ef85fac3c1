"""GPX downloads for navigation apps."""

from __future__ import annotations

from flask import Blueprint
from flask import Response

from geo.gpx import tour_to_gpx
from web import get_tour
from web.services.i18n import current_lang
from web.services.i18n import pick
from web.services.links import external_url
from web.services.media import stop_photos
from web.services.routing import requested_route
from web.services.routing import route_gpx as write_route_gpx

bp = Blueprint("gpx", __name__)

GPX_MIMETYPE = "application/gpx+xml"


def gpx_response(xml: str, filename: str) -> Response:
    """Serve GPX as a download with a file name."""
    response = Response(xml, mimetype=GPX_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/tours/<tour_id>/tour.gpx")
def tour_gpx() -> Response:
    """Download the whole walk: stops, route and path."""
    tour = get_tour()
    urls = {stop.id: external_url("pages.stop", stop_id=stop.id) for stop in tour.stops}
    lang = current_lang()
    photos = {
        stop.id: [
            (
                external_url("media.file", key=p.pick("jpeg", 960)["key"]),
                pick(p.alt, lang),
            )
            for p in stop_photos(tour.id, stop.id)
        ]
        for stop in tour.stops
    }
    xml = tour_to_gpx(
        tour,
        lang,
        urls=urls,
        home=external_url("pages.index"),
        photos=photos,
    )
    return gpx_response(xml, f"{tour.id}-walk.gpx")


@bp.get("/tours/<tour_id>/route.gpx")
def route_gpx() -> Response:
    """Download the walking route between ``from`` and ``to``, as for /api/route."""
    xml = write_route_gpx(requested_route(), current_lang())
    return gpx_response(xml, "walking-route.gpx")
