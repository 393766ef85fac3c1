"""The tour's legs (meeting point -> stop 1 -> ... -> end), routed over the streets.

`geo.export.route_collection` writes them as ``route.geojson``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from geo.distance import LonLat
from geo.routing import Route
from geo.routing import Router
from geo.tour import Leg


def route_leg(from_id: str, to_id: str, route: Route) -> Leg:
    """One leg from a route between two stops.

    Metres are rounded to 0.1 m, and ``street_m + approximate_m == length_m``.

    Examples
    --------
    >>> line = ((74.55, 42.87), (74.55, 42.871))
    >>> route = Route(line, 111.19, 100.07, (), "streets", 0.0)
    >>> leg = route_leg("a", "b", route)
    >>> leg.length_m, leg.street_m, leg.approximate
    (111.2, 111.2, False)
    """
    length_m = round(route.length_m, 1)
    approximate_m = min(length_m, round(route.approximate_m, 1))
    return Leg(
        from_id=from_id,
        to_id=to_id,
        coords=route.coords,
        length_m=length_m,
        duration_s=route.duration_s,
        street_m=round(length_m - approximate_m, 1),
        approximate_m=approximate_m,
    )


def build_legs(router: Router, stops: Sequence[tuple[str, LonLat]]) -> list[Leg]:
    """Route each leg between consecutive stops.

    Parameters
    ----------
    router
        The router over the street graph (or the tour path).
    stops
        ``(id, (lon, lat))`` in walking order, meeting point first.

    Raises
    ------
    TooFarFromStreetsError, NoRouteError
        When a stop cannot be reached over the graph.

    Examples
    --------
    >>> from geo.network import Street
    >>> from geo.network import graph_from_lines
    >>> line = [(74.55826, 42.87766), (74.55798, 42.87511), (74.55771, 42.87251)]
    >>> router = Router(graph_from_lines([(line, Street(names={"": "chuy"}))]))
    >>> legs = build_legs(router, [("a", line[0]), ("b", line[1]), ("c", line[2])])
    >>> [round(leg.length_m) for leg in legs]
    [284, 290]
    """
    return [
        route_leg(from_id, to_id, router.route(start, end))
        for (from_id, start), (to_id, end) in zip(stops, stops[1:], strict=False)
    ]


def build_walk(router: Router, via: Sequence[tuple[str, LonLat]]) -> dict[str, Any]:
    """Route a walk through stops for a ``{walk-...}`` placeholder; sum its length.

    Examples
    --------
    >>> from geo.network import Street
    >>> from geo.network import graph_from_lines
    >>> line = [(74.55826, 42.87766), (74.55798, 42.87511), (74.55771, 42.87251)]
    >>> router = Router(graph_from_lines([(line, Street(names={"": "chuy"}))]))
    >>> build_walk(router, [("c", line[2]), ("b", line[1]), ("a", line[0])])
    {'via': ['c', 'b', 'a'], 'length_m': 574.4}
    """
    legs = build_legs(router, via)
    length_m = sum(round(leg.length_m, 1) for leg in legs)
    return {
        "via": [stop_id for stop_id, _lonlat in via],
        "length_m": round(length_m, 1),
    }
