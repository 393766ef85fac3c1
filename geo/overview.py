"""A printable overview map: the walking path, the numbered stops and the streets the
path was built from, projected onto an SVG canvas (prints anywhere, needs no tiles)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from geo.directions import street_label
from geo.distance import LonLat
from geo.network import Street
from geo.tour import Tour

if TYPE_CHECKING:
    from geo.network import WalkGraph

PAD_PX = 24.0
LABEL_GAP_PX = 48.0


@dataclass(frozen=True)
class Line:
    """One leg as SVG polyline points."""

    points: str
    approximate: bool


@dataclass(frozen=True)
class Pin:
    """A numbered stop on the canvas."""

    x: float
    y: float
    n: int
    kind: str


@dataclass(frozen=True)
class Label:
    """A street's name, centred at (x, y) and turned along the street."""

    x: float
    y: float
    angle_deg: float
    text: str


@dataclass(frozen=True)
class Overview:
    """Everything the route sheet draws; ``streets`` is one SVG path (``d``)."""

    width: int
    height: int
    lines: tuple[Line, ...]
    stops: tuple[Pin, ...]
    streets: str
    names: tuple[Label, ...]


class _Canvas:
    """Equirectangular projection of a lon/lat box onto width x height pixels."""

    def __init__(self, points: Sequence[LonLat], width: int, height: int):
        self.west = min(p[0] for p in points)
        self.south = min(p[1] for p in points)
        self.kx = math.cos(math.radians(sum(p[1] for p in points) / len(points)))
        span_x = max((max(p[0] for p in points) - self.west) * self.kx, 1e-6)
        span_y = max(max(p[1] for p in points) - self.south, 1e-6)
        self.scale = min((width - 2 * PAD_PX) / span_x, (height - 2 * PAD_PX) / span_y)
        self.width, self.height = width, height

    def xy(self, point: LonLat) -> tuple[float, float]:
        return (
            round(PAD_PX + (point[0] - self.west) * self.kx * self.scale, 1),
            round(self.height - PAD_PX - (point[1] - self.south) * self.scale, 1),
        )

    def inside(self, x: float, y: float) -> bool:
        return 0 <= x <= self.width and 0 <= y <= self.height


def overview(
    tour: Tour,
    graph: WalkGraph | None,
    lang: str,
    *,
    width: int = 600,
    height: int = 420,
    max_names: int = 8,
) -> Overview:
    """Project the tour's path and stops, and the streets of ``graph`` around them.

    Streets are drawn where an edge has an end on the canvas; the longest named
    streets on it get their names (at most ``max_names``, never on top of another).

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour
    >>> from geo.network import graph_from_lines
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> line = [tour.stops[0].lonlat, tour.stops[-1].lonlat]
    >>> drawn = overview(tour, graph_from_lines([(line, Street(names={"": "chuy"}))]),
    ...                  "en")
    >>> drawn.streets.startswith("M"), drawn.names[0].text
    (True, 'Chui Ave')
    """
    points = [p for leg in tour.legs for p in leg.coords] + [
        s.lonlat for s in tour.stops
    ]
    canvas = _Canvas(points, width, height)
    lines = tuple(
        Line(
            " ".join(f"{x},{y}" for x, y in map(canvas.xy, leg.coords)), leg.approximate
        )
        for leg in tour.legs
    )
    pins = tuple(Pin(*canvas.xy(s.lonlat), n=s.order, kind=s.kind) for s in tour.stops)
    streets, names = _streets(graph, canvas, lang, max_names) if graph else ("", ())
    return Overview(width, height, lines, pins, streets, names)


def _streets(
    graph: WalkGraph, canvas: _Canvas, lang: str, max_names: int
) -> tuple[str, tuple[Label, ...]]:
    moves: list[str] = []
    # Per name: visible length and the longest visible edge (where the name goes).
    named: dict[str, tuple[float, tuple[float, float, float, float]]] = {}
    for u, v, data in graph.edges(data=True):
        a: LonLat = graph.nodes[u]["lonlat"]
        b: LonLat = graph.nodes[v]["lonlat"]
        (x1, y1), (x2, y2) = canvas.xy(a), canvas.xy(b)
        if not (canvas.inside(x1, y1) or canvas.inside(x2, y2)):
            continue
        moves.append(f"M{x1} {y1}L{x2} {y2}")
        street: Street = data["street"]
        label = street_label(street, (a[0] + b[0]) / 2)
        text = label.name(lang) if label is not None else None
        if text is None:
            continue
        length = math.hypot(x2 - x1, y2 - y1)
        total, longest = named.get(text, (0.0, (0.0, 0.0, 0.0, 0.0)))
        if length > math.hypot(longest[2] - longest[0], longest[3] - longest[1]):
            longest = (x1, y1, x2, y2)
        named[text] = (total + length, longest)
    labels: list[Label] = []
    for text, (_, (x1, y1, x2, y2)) in sorted(named.items(), key=lambda i: -i[1][0]):
        x, y = round((x1 + x2) / 2, 1), round((y1 + y2) / 2, 1)
        if any(math.hypot(x - o.x, y - o.y) < LABEL_GAP_PX for o in labels):
            continue
        angle = math.degrees(math.atan2(y2 - y1, x2 - x1))
        # Keep the text upright: read from left to right.
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        labels.append(Label(x, y, round(angle, 1), text))
        if len(labels) == max_names:
            break
    return "".join(moves), tuple(labels)
