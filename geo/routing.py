"""Shortest walking routes: A* with a great-circle heuristic, and plain Dijkstra."""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import networkx as nx

from geo.directions import Segment
from geo.directions import Step
from geo.directions import build_steps
from geo.directions import describe
from geo.distance import EARTH_RADIUS_M
from geo.distance import LonLat
from geo.distance import check_lonlat
from geo.distance import haversine_m
from geo.errors import BadCoordinateError
from geo.errors import NoRouteError
from geo.errors import TooFarFromStreetsError
from geo.errors import UnknownStopError
from geo.geojson import line_feature
from geo.network import CONTENT_KEY
from geo.network import Street
from geo.network import graph_from_lines
from geo.network import load_network
from geo.osm import BBox
from geo.snapping import MAX_SNAP_M
from geo.snapping import EdgeIndex
from geo.snapping import Snap

if TYPE_CHECKING:
    from geo.network import WalkGraph

RouteSource = Literal["streets", "tour-path"]
Method = Literal["astar", "dijkstra"]

RESNAP_SLACK_M = 100.0
"""An end on an isolated bit of street may walk this much more to the main network."""

_STOP_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LAT_LON = re.compile(r"^\s*([^,\s]+)\s*,\s*([^,\s]+)\s*$")


@dataclass(frozen=True)
class Route:
    """A walking route: its path, length, time, directions and how it was found.

    ``source`` is ``"streets"`` when it follows street data, ``"tour-path"`` when it
    follows the tour's own path for want of street data. ``approximate_m`` counts
    the metres across ground with no mapped path, connectors included.
    """

    coords: tuple[LonLat, ...]
    length_m: float
    duration_s: float
    directions: tuple[Step, ...]
    source: RouteSource
    approximate_m: float

    @property
    def street_m(self) -> float:
        """Metres that follow known streets or paths."""
        return max(0.0, self.length_m - self.approximate_m)


class Router:
    """Route between free positions over one walking graph.

    Built once (it indexes the edges and packs the adjacency for fast searches),
    then safe to share between threads: queries do not change it.

    Examples
    --------
    >>> line = [(74.55826, 42.87766), (74.55798, 42.87511)]
    >>> router = Router(graph_from_lines([(line, Street(names={"": "chuy"}))]))
    >>> route = router.route((74.5584, 42.8776), (74.5579, 42.8752))
    >>> round(route.length_m), route.source
    (288, 'streets')
    """

    def __init__(
        self,
        graph: WalkGraph,
        *,
        walking_speed_kmh: float = 4.0,
        source: RouteSource = "streets",
        max_snap_m: float = MAX_SNAP_M,
    ):
        if not walking_speed_kmh > 0:
            raise ValueError(f"walking speed must be positive: {walking_speed_kmh!r}")
        self.graph = graph
        self.source: RouteSource = source
        self.speed_m_s = walking_speed_kmh / 3.6
        self.max_snap_m = max_snap_m
        self.index = EdgeIndex(graph)
        self._component: dict[int, int] = {}
        components = sorted(nx.connected_components(graph), key=len, reverse=True)
        for number, nodes in enumerate(components):
            self._component.update(dict.fromkeys(nodes, number))
        # Snapping only to the main network too, for ends that land on a small island.
        self._main_index = (
            EdgeIndex(graph.subgraph(components[0])) if len(components) > 1 else None
        )
        self._adj: dict[int, tuple[tuple[int, float], ...]] = {
            node: tuple((nbr, data["length_m"]) for nbr, data in nbrs.items())
            for node, nbrs in graph.adjacency()
        }
        self._xyz: dict[int, tuple[float, float, float]] = {
            node: _unit_vector(graph.nodes[node]["lonlat"]) for node in graph
        }

    def route(self, orig: LonLat, dest: LonLat, *, method: Method = "astar") -> Route:
        """Return the shortest walking route from ``orig`` to ``dest``.

        Each end joins the graph by splitting its nearest edge; the straight
        connector to it is walked, counted in ``length_m`` and ``approximate_m``.

        Parameters
        ----------
        orig, dest
            ``(lon, lat)`` positions.
        method
            ``"astar"`` (great-circle heuristic) or ``"dijkstra"``; same answer.

        Raises
        ------
        BadCoordinateError
            When a position is not a finite WGS84 position.
        TooFarFromStreetsError
            When a position is farther than ``max_snap_m`` from any street.
        NoRouteError
            When no walking path joins the two.
        """
        orig = check_lonlat(*orig)
        dest = check_lonlat(*dest)
        start, end = self._snap_pair(orig, dest)
        if {start.u, start.v} == {end.u, end.v}:
            middle = [
                Segment(
                    start.foot,
                    end.foot,
                    haversine_m(start.foot, end.foot),
                    self._street(start.u, start.v),
                )
            ]
        else:
            middle = self._middle(start, end, method)
        return self._assemble(start, middle, end)

    def _snap_pair(self, orig: LonLat, dest: LonLat) -> tuple[Snap, Snap]:
        start = self.index.snap(orig, max_snap_m=self.max_snap_m)
        end = self.index.snap(dest, max_snap_m=self.max_snap_m)
        if self._component[start.u] != self._component[end.u]:
            start, end = self._prefer_main(start), self._prefer_main(end)
        if self._component[start.u] != self._component[end.u]:
            raise NoRouteError(
                "no walking path joins these two places: their streets do not connect"
            )
        return start, end

    def _prefer_main(self, snap: Snap) -> Snap:
        if self._main_index is None or self._component[snap.u] == 0:
            return snap
        try:
            main = self._main_index.snap(snap.position, max_snap_m=self.max_snap_m)
        except TooFarFromStreetsError:
            return snap
        return main if main.connector_m <= snap.connector_m + RESNAP_SLACK_M else snap

    def _middle(self, start: Snap, end: Snap, method: Method) -> list[Segment]:
        origins = {start.u: start.from_u_m, start.v: start.to_v_m}
        tails = {end.u: end.from_u_m, end.v: end.to_v_m}
        heuristic = self._heuristic(end.foot) if method == "astar" else _zero
        nodes = self.search(origins, tails, heuristic)
        segments = [self._partial(start.foot, nodes[0], start)]
        for u, v in zip(nodes, nodes[1:], strict=False):
            segments.append(self._edge_segment(u, v))
        segments.append(self._partial(end.foot, nodes[-1], end, reverse=True))
        return segments

    def search(
        self,
        origins: Mapping[int, float],
        tails: Mapping[int, float],
        heuristic: Callable[[int], float],
    ) -> list[int]:
        """Return the node path of least ``origin cost + edges + tail`` (A* / Dijkstra).

        ``origins`` and ``tails`` map nodes to the metres from the start to them and
        from them to the end. With a consistent ``heuristic`` (great-circle metres to
        the end) this is A*; with zero it is Dijkstra.

        Raises
        ------
        NoRouteError
            When no origin reaches a tail.
        """
        cost: dict[int, float] = {}
        parent: dict[int, int] = {}
        heap: list[tuple[float, int]] = []
        for node, metres in origins.items():
            if metres < cost.get(node, math.inf):
                cost[node] = metres
                heapq.heappush(heap, (metres + heuristic(node), node))
        closed: set[int] = set()
        best_m, best_end = math.inf, -1
        adj = self._adj
        while heap:
            estimate, node = heapq.heappop(heap)
            # The heuristic never overestimates: nothing left can beat the best.
            if estimate >= best_m:
                break
            if node in closed:
                continue
            closed.add(node)
            here = cost[node]
            tail = tails.get(node)
            if tail is not None and here + tail < best_m:
                best_m, best_end = here + tail, node
            for nbr, length_m in adj[node]:
                metres = here + length_m
                if metres < cost.get(nbr, math.inf):
                    cost[nbr] = metres
                    parent[nbr] = node
                    heapq.heappush(heap, (metres + heuristic(nbr), nbr))
        if best_end < 0:
            raise NoRouteError("no walking path joins these two places")
        # Origins have no parent unless the other origin reached them more cheaply.
        path = [best_end]
        while path[-1] in parent:
            path.append(parent[path[-1]])
        return path[::-1]

    def _heuristic(self, goal: LonLat) -> Callable[[int], float]:
        # The chord through the earth is never longer than the great-circle arc, so
        # it is a consistent A* heuristic; unlike haversine it needs no trigonometry
        # per node, and at city scale the two differ by less than a millimetre.
        gx, gy, gz = _unit_vector(goal)
        xyz = self._xyz
        sqrt = math.sqrt

        def chord_m(node: int) -> float:
            x, y, z = xyz[node]
            return EARTH_RADIUS_M * sqrt((x - gx) ** 2 + (y - gy) ** 2 + (z - gz) ** 2)

        return chord_m

    def _street(self, u: int, v: int) -> Street:
        street: Street = self.graph.edges[u, v]["street"]
        return street

    def _lonlat(self, node: int) -> LonLat:
        lonlat: LonLat = self.graph.nodes[node]["lonlat"]
        return lonlat

    def _edge_segment(self, u: int, v: int) -> Segment:
        data = self.graph.edges[u, v]
        return Segment(
            self._lonlat(u), self._lonlat(v), data["length_m"], data["street"]
        )

    def _partial(
        self, foot: LonLat, node: int, snap: Snap, *, reverse: bool = False
    ) -> Segment:
        length_m = snap.from_u_m if node == snap.u else snap.to_v_m
        street = self._street(snap.u, snap.v)
        if reverse:
            return Segment(self._lonlat(node), foot, length_m, street)
        return Segment(foot, self._lonlat(node), length_m, street)

    def _assemble(self, start: Snap, middle: list[Segment], end: Snap) -> Route:
        segments = [
            Segment(start.position, start.foot, start.connector_m, None),
            *middle,
            Segment(end.foot, end.position, end.connector_m, None),
        ]
        segments = [segment for segment in segments if segment.length_m > 0]
        coords = [start.position]
        for segment in segments:
            if segment.end != coords[-1]:
                coords.append(segment.end)
        if len(coords) == 1:
            coords.append(end.position)
        length_m = sum(segment.length_m for segment in segments)
        return Route(
            coords=tuple(coords),
            length_m=length_m,
            duration_s=length_m / self.speed_m_s,
            directions=build_steps(segments),
            source=self.source,
            approximate_m=sum(s.length_m for s in segments if s.approximate),
        )


def _zero(node: int) -> float:
    return 0.0


def _unit_vector(lonlat: LonLat) -> tuple[float, float, float]:
    lon, lat = math.radians(lonlat[0]), math.radians(lonlat[1])
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


_ROUTERS: dict[tuple[str, float, str], Router] = {}


def street_router(
    paths: Sequence[Path], *, walking_speed_kmh: float, bbox: BBox | None = None
) -> Router:
    """Return a router over the walkable streets of OSM files; cached per process.

    Raises
    ------
    StreetDataError
        When a file cannot be read or holds no walkable street.

    Examples
    --------
    >>> folder = Path(__file__).parents[1] / "tour_data" / "interhelpo"
    >>> router = street_router([folder / "connectors.osm"], walking_speed_kmh=4)
    >>> router is street_router([folder / "connectors.osm"], walking_speed_kmh=4)
    True
    """
    graph = load_network(paths, bbox=bbox)
    key = (str(graph.graph[CONTENT_KEY]), walking_speed_kmh, "streets")
    if key not in _ROUTERS:
        _ROUTERS[key] = Router(graph, walking_speed_kmh=walking_speed_kmh)
    return _ROUTERS[key]


def tour_path_router(
    legs: Sequence[tuple[Sequence[LonLat], bool]], *, walking_speed_kmh: float
) -> Router:
    """Return a router along the tour's own path, for when no street data is there.

    ``legs`` are the path's polylines, each with True when the whole leg is drawn
    across unknown ground (e.g. straight placeholder legs).

    Examples
    --------
    >>> leg = [(74.55826, 42.87766), (74.55798, 42.87511)]
    >>> router = tour_path_router([(leg, False)], walking_speed_kmh=4)
    >>> route = router.route((74.5590, 42.8776), (74.5579, 42.8751))
    >>> route.source, round(route.approximate_m)
    ('tour-path', 67)
    """
    lines = [
        (coords, Street(highway="tour-path", approximate=approximate))
        for coords, approximate in legs
    ]
    return Router(
        graph_from_lines(lines), walking_speed_kmh=walking_speed_kmh, source="tour-path"
    )


def resolve_place(text: str, stops: Mapping[str, LonLat]) -> LonLat:
    """Turn ``"<lat>,<lon>"`` or a stop id into a ``(lon, lat)`` position.

    Raises
    ------
    UnknownStopError
        For a well-formed id that no stop has.
    BadCoordinateError
        For anything else that is not a finite WGS84 ``lat,lon``.

    Examples
    --------
    >>> resolve_place("42.875,74.57", {})
    (74.57, 42.875)
    >>> resolve_place("osh-bazaar", {"osh-bazaar": (74.57, 42.875)})
    (74.57, 42.875)
    """
    text = text.strip()
    if text in stops:
        return stops[text]
    match = _LAT_LON.match(text)
    if match:
        try:
            lat, lon = float(match.group(1)), float(match.group(2))
        except ValueError:
            raise BadCoordinateError(f"not a lat,lon position: {text[:60]!r}") from None
        return check_lonlat(lon, lat)
    if _STOP_ID.match(text) and len(text) <= 60:
        raise UnknownStopError(text)
    raise BadCoordinateError(f"expected '<lat>,<lon>' or a stop id, got {text[:60]!r}")


def route_feature(route: Route, lang: str) -> dict[str, Any]:
    """Return a route as a GeoJSON Feature with directions in ``lang``.

    Examples
    --------
    >>> line = ((74.55, 42.87), (74.55, 42.871))
    >>> route = Route(line, 111.2, 100.1, (), "streets", 0.0)
    >>> route_feature(route, "en")["properties"]["length_m"]
    111.2
    >>> route_feature(route, "de")["properties"]["directions_lang"]
    'en'
    """
    directions = describe(route.directions, lang)
    properties = {
        "length_m": round(route.length_m, 1),
        "duration_s": round(route.duration_s),
        "street_m": round(route.street_m, 1),
        "approximate_m": round(route.approximate_m, 1),
        "source": route.source,
        "directions": list(directions.lines),
        # The language the directions are really in: English when ``lang`` has
        # no phrase file (geo/lang), which the page tells the visitor.
        "directions_lang": directions.lang,
    }
    return line_feature(route.coords, properties, digits=6)
