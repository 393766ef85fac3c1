"""Tour objects as JSON / GeoJSON for the API."""

from __future__ import annotations

from typing import Any

from geo.export import stop_to_feature
from geo.tour import Stop
from geo.tour import Tour
from web.services.i18n import filled
from web.services.links import external_url

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
    _fill_texts(properties)
    if full:
        properties.setdefault("site_note", None)
        properties.setdefault("street_names", [])
    else:
        properties = {key: properties[key] for key in _SUMMARY}
    properties["url"] = external_url("pages.stop", stop_id=stop.id)
    return {**feature, "id": stop.id, "properties": properties}


def _fill_texts(props: dict[str, Any]) -> None:
    """Fill the placeholders of a stop's texts, in place (the file keeps them)."""
    for key in ("name", "summary", "narrative", "site_note"):
        if props.get(key):
            props[key] = filled(props[key])
    props["position"]["basis"] = filled(props["position"]["basis"])
    props["look_for"] = {
        lang: [filled({lang: item})[lang] for item in items]
        for lang, items in props["look_for"].items()
    }
    for names in props.get("street_names", []):
        names["old"], names["new"] = filled(names["old"]), filled(names["new"])


def tour_summary(tour: Tour) -> dict[str, Any]:
    """The tour's facts and totals, without stories."""
    return {
        "id": tour.id,
        "languages": list(tour.languages),
        "title": filled(tour.title),
        "description": filled(tour.description),
        "duration_min": tour.duration_min,
        "price": {"amount": tour.price_amount, "currency": tour.price_currency},
        "meeting_point": filled(tour.meeting_point),
        "meeting_directions": filled(tour.meeting_directions),
        "what_to_bring": filled(tour.what_to_bring),
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
        "gpx": external_url("gpx.tour_gpx"),
    }
