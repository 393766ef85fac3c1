"""The one writer of each ``tour_data/`` format (`geo.loader` is the one reader).

``stops.geojson`` is `stops_collection` written by `dumps`; ``route.geojson`` is
`route_collection` written by `dumps_route` (one leg per line, for readable diffs),
whether ``flask tour build-route``, the guides' export or the database writes it.
``tour.json`` is copied as it is: nothing in the app changes it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from geo.geojson import feature_collection
from geo.geojson import line_feature
from geo.geojson import point_feature
from geo.placeholders import settle
from geo.tour import Leg
from geo.tour import Stop
from geo.tour import StopKind
from geo.tour import StreetName
from geo.tour import Text
from geo.tour import Tour

OSM_ATTRIBUTION = "© OpenStreetMap contributors"


def stop_to_feature(stop: Stop) -> dict[str, Any]:
    """One stop as a ``stops.geojson`` Feature; `geo.loader` reads it back unchanged.

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour, stop_from_feature
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> stop = tour.stops[1]
    >>> feature = stop_to_feature(stop)
    >>> path = Path("stops.geojson")
    >>> stop_from_feature(feature, tour.languages, path=path, index=1) == stop
    True
    """
    props: dict[str, Any] = {
        "id": stop.id,
        "order": stop.order,
        "kind": stop.kind,
        "name": dict(stop.name),
        "summary": dict(stop.summary),
        "narrative": dict(stop.narrative),
        "look_for": {lang: list(items) for lang, items in stop.look_for.items()},
        "dwell_min": stop.dwell_min,
        "arrival_radius_m": stop.arrival_radius_m,
        "position": {
            "quality": stop.position.quality,
            "error_m": stop.position.error_m,
            "basis": dict(stop.position.basis),
        },
    }
    if stop.site_note is not None:
        props["site_note"] = dict(stop.site_note)
    if stop.street_names:
        props["street_names"] = [
            {"old": dict(name.old), "new": dict(name.new)} for name in stop.street_names
        ]
    props["sources"] = [
        {"url": s.url, "title": s.title} if s.url else {"title": s.title}
        for s in stop.sources
    ]
    return point_feature(stop.lonlat, props)


def stops_collection(stops: Sequence[Stop]) -> dict[str, Any]:
    """The stops as the ``stops.geojson`` FeatureCollection."""
    return feature_collection(stop_to_feature(stop) for stop in stops)


def leg_to_feature(leg: Leg, *, digits: int | None = 7) -> dict[str, Any]:
    """One leg as a ``route.geojson`` LineString Feature.

    The coordinates are rounded to ``digits`` decimals; ``None`` keeps them as
    they are.

    Examples
    --------
    >>> leg = Leg("a", "b", ((74.123456789, 42.0),), 1.0, 0.8, 1.0, 0.0)
    >>> leg_to_feature(leg)["geometry"]["coordinates"]
    [[74.1234568, 42.0]]
    >>> leg_to_feature(leg, digits=None)["geometry"]["coordinates"]
    [[74.123456789, 42.0]]
    """
    properties = {
        "from": leg.from_id,
        "to": leg.to_id,
        "length_m": round(leg.length_m, 1),
        "duration_s": round(leg.duration_s),
        "street_m": round(leg.street_m, 1),
        "approximate_m": round(leg.approximate_m, 1),
        "approximate": leg.approximate,
    }
    return line_feature(leg.coords, properties, digits=digits)


def route_collection(
    legs: Sequence[Leg],
    *,
    generated_by: str,
    attribution: str = OSM_ATTRIBUTION,
    street_files: Sequence[str] = (),
    walks_m: Mapping[tuple[str, ...], float] | None = None,
) -> dict[str, Any]:
    """The legs as the ``route.geojson`` FeatureCollection.

    Examples
    --------
    >>> sorted(route_collection([], generated_by="flask tour build-route"))
    ['attribution', 'features', 'generated_by', 'street_files', 'type']
    """
    members: dict[str, Any] = {
        "attribution": attribution,
        "generated_by": generated_by,
        "street_files": list(street_files),
    }
    if walks_m is not None:
        members["walks"] = [
            {"via": list(via), "length_m": round(length_m, 1)}
            for via, length_m in walks_m.items()
        ]
    return feature_collection((leg_to_feature(leg) for leg in legs), **members)


def dumps_route(collection: dict[str, Any]) -> str:
    """``route.geojson`` as written: one leg per line, so diffs stay readable.

    Examples
    --------
    >>> collection = route_collection([], generated_by="x")
    >>> text = dumps_route({**collection, "features": [{"type": "Feature"}]})
    >>> json.loads(text)["features"], text.count("\\n")
    ([{'type': 'Feature'}], 3)
    """
    head = {key: value for key, value in collection.items() if key != "features"}
    lines = [json.dumps(leg, ensure_ascii=False) for leg in collection["features"]]
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    return opening + ",\n".join(lines) + "\n]}\n"


def settled(tour: Tour) -> Tour:
    """The tour with placeholders naming stops it no longer walks turned into words.

    A variant of fewer stops, written as data, must load on its own: a bearing to
    a dropped stop is written out, and only walks through its own stops are kept.

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> short = reorder(tour, [s.id for s in tour.stops[:3]], tour.legs[:2])
    >>> "{walk-time:" in settled(short).meeting_directions["en"]
    False
    """
    keep = {stop.id for stop in tour.stops}
    places = tour.places

    def text(value: Text) -> Text:
        return {lang: settle(item, lang, places, keep) for lang, item in value.items()}

    def items(value: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        return {
            lang: tuple(settle(item, lang, places, keep) for item in entries)
            for lang, entries in value.items()
        }

    stops = [
        dataclasses.replace(
            stop,
            name=text(stop.name),
            summary=text(stop.summary),
            narrative=text(stop.narrative),
            look_for=items(stop.look_for),
            position=dataclasses.replace(
                stop.position, basis=text(stop.position.basis)
            ),
            site_note=text(stop.site_note) if stop.site_note is not None else None,
            street_names=tuple(
                StreetName(old=text(n.old), new=text(n.new)) for n in stop.street_names
            ),
        )
        for stop in tour.stops
    ]
    walks = {via: m for via, m in tour.walks_m.items() if set(via) <= keep}
    return dataclasses.replace(
        tour,
        stops=tuple(stops),
        walks_m=walks,
        title=text(tour.title),
        description=text(tour.description),
        meeting_point=text(tour.meeting_point),
        meeting_directions=text(tour.meeting_directions),
        what_to_bring=text(tour.what_to_bring),
    )


def reorder(tour: Tour, order: Sequence[str], legs: Sequence[Leg]) -> Tour:
    """The tour walking ``order`` (a subset of its stops) along ``legs``.

    Orders are renumbered from 0; the first stop becomes the meeting point and the
    last the end, as the data format requires.

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour, straight_legs
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> ids = [tour.stops[0].id, tour.stops[2].id, tour.stops[1].id]
    >>> stops = [tour.stop(i) for i in ids]
    >>> short = reorder(tour, ids, straight_legs(stops, 4.0))
    >>> [(s.id == i, s.order, s.kind) for s, i in zip(short.stops, ids)]
    [(True, 0, 'meeting'), (True, 1, 'stop'), (True, 2, 'end')]
    """
    stops = []
    for index, stop_id in enumerate(order):
        kind: StopKind = (
            "meeting" if index == 0 else "end" if index == len(order) - 1 else "stop"
        )
        stops.append(dataclasses.replace(tour.stop(stop_id), order=index, kind=kind))
    return dataclasses.replace(tour, stops=tuple(stops), legs=tuple(legs))


def dumps(data: Any) -> str:
    """JSON as the data files are written: UTF-8 text, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
