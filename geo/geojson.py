"""GeoJSON objects, built in one place: Features and FeatureCollections.

Coordinates are ``(lon, lat)`` as everywhere in ``geo``; ``digits`` rounds them
(``None`` keeps them as they are).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from typing import Any

from geo.distance import LonLat


def _position(point: LonLat, digits: int | None) -> list[float]:
    lon, lat = point
    if digits is None:
        return [lon, lat]
    return [round(lon, digits), round(lat, digits)]


def point_feature(
    point: LonLat, properties: dict[str, Any], *, digits: int | None = None
) -> dict[str, Any]:
    """A Point Feature.

    >>> point_feature((74.5, 42.8), {"id": "a"})["geometry"]
    {'type': 'Point', 'coordinates': [74.5, 42.8]}
    """
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": _position(point, digits)},
        "properties": properties,
    }


def line_feature(
    coords: Sequence[LonLat], properties: dict[str, Any], *, digits: int | None = None
) -> dict[str, Any]:
    """A LineString Feature.

    >>> line = ((74.123456789, 42.0), (74.2, 42.1))
    >>> line_feature(line, {}, digits=7)["geometry"]["coordinates"]
    [[74.1234568, 42.0], [74.2, 42.1]]
    """
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [_position(point, digits) for point in coords],
        },
        "properties": properties,
    }


def feature_collection(
    features: Iterable[dict[str, Any]], **members: Any
) -> dict[str, Any]:
    """A FeatureCollection; ``members`` (attribution ...) come before the features.

    >>> feature_collection([], attribution="OSM")
    {'type': 'FeatureCollection', 'attribution': 'OSM', 'features': []}
    """
    return {"type": "FeatureCollection", **members, "features": list(features)}
