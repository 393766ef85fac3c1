"""Tour objects as JSON / GeoJSON for the API."""

from __future__ import annotations

from typing import Any

from flask import url_for

from geo.tour import Leg
from geo.tour import Stop
from geo.tour import Tour


def stop_feature(stop: Stop, *, full: bool = False) -> dict[str, Any]:
    """A stop as a GeoJSON Feature; ``full`` adds the story and its sources."""
    properties: dict[str, Any] = {
        "id": stop.id,
        "order": stop.order,
        "kind": stop.kind,
        "name": dict(stop.name),
        "summary": dict(stop.summary),
        "dwell_min": stop.dwell_min,
        "arrival_radius_m": stop.arrival_radius_m,
        "position": {
            "quality": stop.position.quality,
            "error_m": stop.position.error_m,
            "basis": dict(stop.position.basis),
        },
        "url": url_for("pages.stop", stop_id=stop.id, _external=True),
    }
    if full:
        properties.update(
            narrative=dict(stop.narrative),
            look_for={lang: list(items) for lang, items in stop.look_for.items()},
            site_note=dict(stop.site_note) if stop.site_note else None,
            street_names=[
                {"old": dict(name.old), "new": dict(name.new)}
                for name in stop.street_names
            ],
            sources=[{"url": s.url, "title": s.title} for s in stop.sources],
        )
    return {
        "type": "Feature",
        "id": stop.id,
        "geometry": {"type": "Point", "coordinates": list(stop.lonlat)},
        "properties": properties,
    }


def leg_feature(leg: Leg) -> dict[str, Any]:
    """A leg as a GeoJSON LineString Feature."""
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [list(point) for point in leg.coords],
        },
        "properties": {
            "from": leg.from_id,
            "to": leg.to_id,
            "length_m": round(leg.length_m, 1),
            "duration_s": round(leg.duration_s),
            "street_m": round(leg.street_m, 1),
            "approximate_m": round(leg.approximate_m, 1),
            "approximate": leg.approximate,
        },
    }


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
