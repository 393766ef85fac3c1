"""Great-circle distances in metres between (lon, lat) points."""

from __future__ import annotations

import math
from collections.abc import Sequence

from geo.errors import BadCoordinateError

LonLat = tuple[float, float]

EARTH_RADIUS_M = 6_371_008.8


def check_lonlat(lon: float, lat: float) -> LonLat:
    """Return ``(lon, lat)`` as floats, or raise if it is not a WGS84 position.

    Examples
    --------
    >>> check_lonlat(74.55826, 42.87766)
    (74.55826, 42.87766)
    """
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError) as exc:
        raise BadCoordinateError(f"not a number: {lon!r}, {lat!r}") from exc
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise BadCoordinateError(f"not a finite position: {lon!r}, {lat!r}")
    if not -180.0 <= lon_f <= 180.0:
        raise BadCoordinateError(f"longitude out of range: {lon_f!r}")
    if not -90.0 <= lat_f <= 90.0:
        raise BadCoordinateError(f"latitude out of range: {lat_f!r}")
    return lon_f, lat_f


def haversine_m(a: LonLat, b: LonLat) -> float:
    """Great-circle distance in metres between two ``(lon, lat)`` points.

    Examples
    --------
    >>> round(haversine_m((74.55826, 42.87766), (74.57000, 42.87500)))
    1001
    """
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def path_length_m(coords: Sequence[LonLat]) -> float:
    """Length in metres of a polyline of ``(lon, lat)`` points.

    Examples
    --------
    >>> path_length_m([(0.0, 0.0)])
    0.0
    """
    return float(
        sum(haversine_m(p, q) for p, q in zip(coords, coords[1:], strict=False))
    )


def bearing_deg(a: LonLat, b: LonLat) -> float:
    """Initial compass bearing in degrees (0 = north, 90 = east) from ``a`` to ``b``.

    Examples
    --------
    >>> round(bearing_deg((0.0, 0.0), (0.0, 1.0)))
    0
    """
    lon1, lat1 = map(math.radians, a)
    lon2, lat2 = map(math.radians, b)
    dlon = lon2 - lon1
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(
        dlon
    )
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0
