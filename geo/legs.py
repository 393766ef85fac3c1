"""The tour's legs (meeting point -> stop 1 -> ... -> end) as route.geojson features."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from geo.distance import LonLat
from geo.export import leg_to_feature
from geo.routing import Route
from geo.routing import Router
from geo.tour import Leg

OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def leg_feature(from_id: str, to_id: str, route: Route) -> dict[str, Any]:
    """Return one leg as a GeoJSON LineString Feature in the route.geojson format.

    Metres are rounded to 0.1 m, and ``street_m + approximate_m == length_m``.

    Examples
    --------
    >>> line = ((74.55, 42.87), (74.55, 42.871))
    >>> route = Route(line, 111.19, 100.07, (), "streets", 0.0)
    >>> props = leg_feature("a", "b", route)["properties"]
    >>> props["length_m"], props["street_m"], props["approximate"]
    (111.2, 111.2, False)
    """
    length_m = round(route.length_m, 1)
    approximate_m = min(length_m, round(route.approximate_m, 1))
    leg = Leg(
        from_id=from_id,
        to_id=to_id,
        coords=route.coords,
        length_m=length_m,
        duration_s=route.duration_s,
        street_m=round(length_m - approximate_m, 1),
        approximate_m=approximate_m,
    )
    return leg_to_feature(leg)


def build_legs(
    router: Router, stops: Sequence[tuple[str, LonLat]]
) -> list[dict[str, Any]]:
    """Route each leg between consecutive stops and return the leg features.

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
    >>> [round(leg["properties"]["length_m"]) for leg in legs]
    [284, 290]
    """
    return [
        leg_feature(from_id, to_id, router.route(start, end))
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
    length_m = sum(leg["properties"]["length_m"] for leg in legs)
    return {
        "via": [stop_id for stop_id, _lonlat in via],
        "length_m": round(length_m, 1),
    }


def legs_collection(
    legs: Sequence[dict[str, Any]],
    *,
    generated_by: str,
    street_files: Sequence[str] = (),
    attribution: str = OSM_ATTRIBUTION,
    walks: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Wrap the legs in the route.geojson FeatureCollection with its attribution.

    Examples
    --------
    >>> legs_collection([], generated_by="flask tour build-route")["attribution"]
    '© OpenStreetMap contributors'
    """
    return {
        "type": "FeatureCollection",
        "attribution": attribution,
        "generated_by": generated_by,
        "street_files": list(street_files),
        "walks": list(walks),
        "features": list(legs),
    }


def dumps_collection(collection: dict[str, Any]) -> str:
    """Write the collection as JSON with one leg per line, so diffs stay readable.

    Examples
    --------
    >>> collection = legs_collection([{"type": "Feature"}], generated_by="x")
    >>> text = dumps_collection(collection)
    >>> json.loads(text)["features"], text.count("\\n")
    ([{'type': 'Feature'}], 2)
    """
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(leg, ensure_ascii=False) for leg in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    return opening + ",\n".join(lines) + "\n]}"
