"""Tour objects as JSON / GeoJSON for the API."""

from __future__ import annotations

from typing import Any

from flask import url_for

from geo.export import stop_to_feature
from geo.tour import Stop
from geo.tour import Tour

# What /api/stops tells of each stop; /api/stops/<id> has the whole feature.
_SUMMARY = (
    "id",
    "order",
    "kind",
    "name",
    "summary",
    "dwell_min",
    "arrival_radius_m",
    "position",
)


def stop_feature(stop: Stop, *, full: bool = False) -> dict[str, Any]:
    """A stop as a GeoJSON Feature with its page's ``url``.

    ``full`` gives every property of its ``stops.geojson`` feature, the story and
    its sources included (``site_note`` and ``street_names`` even when empty);
    otherwise only the summary.
    """
    feature = stop_to_feature(stop)
    properties: dict[str, Any] = feature["properties"]
    if full:
        properties.setdefault("site_note", None)
        properties.setdefault("street_names", [])
    else:
        properties = {key: properties[key] for key in _SUMMARY}
    properties["url"] = url_for("pages.stop", stop_id=stop.id, _external=True)
    return {**feature, "id": stop.id, "properties": properties}


def tour_summary(tour: Tour) -> dict[str, Any]:
    """The tour's facts and totals, without stories."""
    return {
        "id": tour.id,
        "languages": list(tour.languages),
        "title": dict(tour.title),
        "description": dict(tour.description),
        "duration_min": tour.duration_min,
        "price": {"amount": tour.price_amount, "currency": tour.price_currency},
        "meeting_point": dict(tour.meeting_point),
        "meeting_directions": dict(tour.meeting_directions),
        "what_to_bring": dict(tour.what_to_bring),
        "registration_required": tour.registration_required,
        "phone": tour.phone,
        "walking_speed_kmh": tour.walking_speed_kmh,
        "attribution": tour.attribution,
        "totals": {
            "walk_length_m": round(tour.walk_length_m, 1),
            "walk_duration_s": round(tour.walk_duration_s),
            "dwell_min": tour.dwell_min,
            "total_min": round(tour.total_min, 1),
        },
        "stops": [stop.id for stop in tour.stops],
        "gpx": url_for("gpx.tour_gpx", _external=True),
    }
