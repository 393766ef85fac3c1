"""JSON API under /api; every error has the shape {"ok": false, "error", "status"}."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import url_for

from geo.export import leg_to_feature
from geo.geojson import feature_collection
from geo.routing import route_feature
from web import catalogue
from web import get_tour
from web import public_tour_ids
from web.services.i18n import current_lang
from web.services.routing import requested_route
from web.services.routing import wants_route
from web.services.serialize import stop_feature
from web.services.serialize import tour_summary

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/tours")
def tours() -> Response:
    """Return every tour: id, title, totals and where its data and pages are."""
    listed = []
    for tour_id in public_tour_ids():
        tour = get_tour(tour_id)
        listed.append(
            {
                "id": tour.id,
                "title": dict(tour.title),
                "duration_min": tour.duration_min,
                "walk_length_m": round(tour.walk_length_m, 1),
                "price": {"amount": tour.price_amount, "currency": tour.price_currency},
                "url": url_for("api.tour", tour_id=tour.id, _external=True),
                "page": url_for("pages.index", tour_id=tour.id, _external=True),
            }
        )
    return jsonify({"default": catalogue().default_id, "tours": listed})


@bp.get("/tours/<tour_id>")
def tour() -> Response:
    """Return the tour's facts and totals."""
    return jsonify(tour_summary(get_tour()))


@bp.get("/tours/<tour_id>/stops")
def stops() -> Response:
    """Return the stops as a GeoJSON FeatureCollection, in walking order."""
    return _geojson(feature_collection(stop_feature(s) for s in get_tour().stops))


@bp.get("/tours/<tour_id>/stops/<stop_id>")
def stop(stop_id: str) -> Response:
    """Return one stop with its story and sources."""
    return _geojson(stop_feature(get_tour().stop(stop_id), full=True))


@bp.get("/tours/<tour_id>/route")
def route() -> Response:
    """Return the tour's legs, or the route between ``from`` and ``to`` if given."""
    if wants_route():
        return _geojson(route_feature(requested_route(), current_lang()))
    tour = get_tour()
    return _geojson(
        feature_collection(
            (leg_to_feature(leg, digits=None) for leg in tour.legs),
            attribution=tour.attribution,
        )
    )


def _geojson(data: object) -> Response:
    response = jsonify(data)
    response.mimetype = "application/geo+json"
    return response


@bp.route("/", defaults={"rest": ""})
@bp.route("/<path:rest>")
def not_found(rest: str) -> Response:
    """Unknown API paths answer in the API's error shape, not with a page."""
    abort(404, f"no such API endpoint: /api/{rest}")
