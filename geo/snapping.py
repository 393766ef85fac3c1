"""Join a free position to the street graph by splitting the nearest edge."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.strtree import STRtree

from geo.distance import EARTH_RADIUS_M
from geo.distance import LonLat
from geo.distance import haversine_m
from geo.errors import NoRouteError
from geo.errors import TooFarFromStreetsError

if TYPE_CHECKING:
    from geo.network import WalkGraph

MAX_SNAP_M = 2000.0
"""Farther than this from any street, a position is not routed: it is an error."""


@dataclass(frozen=True)
class Snap:
    """Where a position joins the graph: a foot point on the edge ``u``-``v``.

    The foot splits the edge into ``from_u_m`` and ``to_v_m``; ``connector_m`` is the
    straight line from the position to the foot, which the route walks and counts.
    """

    position: LonLat
    foot: LonLat
    u: int
    v: int
    from_u_m: float
    to_v_m: float
    connector_m: float


class EdgeIndex:
    """An STRtree over the edges of a graph, in a local metric plane.

    Degrees of longitude shrink with latitude, so the edges are projected to an
    equirectangular plane around the graph's mean latitude: nearest in that plane is
    nearest on the ground at city scale. Distances reported are great-circle metres.
    """

    def __init__(self, graph: WalkGraph):
        self._graph = graph
        self._edges: list[tuple[int, int]] = list(graph.edges())
        if not self._edges:
            raise NoRouteError("the street graph has no edges")
        lats = [graph.nodes[node]["lonlat"][1] for node in graph]
        self._kx = EARTH_RADIUS_M * math.cos(math.radians(sum(lats) / len(lats)))
        ends = np.array(
            [
                (graph.nodes[u]["lonlat"], graph.nodes[v]["lonlat"])
                for u, v in self._edges
            ],
            dtype=float,
        )
        self._ends = self._project_array(ends)
        self._tree = STRtree(np.asarray(shapely.linestrings(self._ends)))

    def _project_array(self, lonlat: np.ndarray) -> np.ndarray:
        scale = np.array([self._kx, EARTH_RADIUS_M]) * (math.pi / 180.0)
        result: np.ndarray = lonlat * scale
        return result

    def _project(self, lonlat: LonLat) -> tuple[float, float]:
        return (
            math.radians(lonlat[0]) * self._kx,
            math.radians(lonlat[1]) * EARTH_RADIUS_M,
        )

    def _unproject(self, x: float, y: float) -> LonLat:
        return (math.degrees(x / self._kx), math.degrees(y / EARTH_RADIUS_M))

    def _foot(self, index: int, lonlat: LonLat) -> LonLat:
        (ax, ay), (bx, by) = self._ends[index]
        px, py = self._project(lonlat)
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else ((px - ax) * dx + (py - ay) * dy) / length2
        t = min(1.0, max(0.0, t))
        u, v = self._edges[index]
        if t == 0.0:
            return tuple(self._graph.nodes[u]["lonlat"])
        if t == 1.0:
            return tuple(self._graph.nodes[v]["lonlat"])
        return self._unproject(ax + t * dx, ay + t * dy)

    def snap(self, position: LonLat, *, max_snap_m: float = MAX_SNAP_M) -> Snap:
        """Return where ``position`` joins the nearest edge.

        Raises
        ------
        TooFarFromStreetsError
            When the nearest street is farther than ``max_snap_m``.

        Examples
        --------
        >>> import networkx as nx
        >>> graph = nx.Graph()
        >>> graph.add_node(0, lonlat=(74.55, 42.87))
        >>> graph.add_node(1, lonlat=(74.55, 42.88))
        >>> graph.add_edge(0, 1, length_m=1111.95)
        >>> snap = EdgeIndex(graph).snap((74.551, 42.875))
        >>> round(snap.connector_m), round(snap.from_u_m), round(snap.to_v_m)
        (81, 556, 556)
        """
        index = int(self._tree.query_nearest(shapely.Point(self._project(position)))[0])
        foot = self._foot(index, position)
        connector_m = haversine_m(position, foot)
        if connector_m > max_snap_m:
            lon, lat = position
            raise TooFarFromStreetsError(
                f"{lat:.5f},{lon:.5f} is {connector_m:,.0f} m from the nearest street;"
                f" routes start and end within {max_snap_m:,.0f} m of one"
            )
        u, v = self._edges[index]
        return Snap(
            position=position,
            foot=foot,
            u=u,
            v=v,
            from_u_m=haversine_m(self._graph.nodes[u]["lonlat"], foot),
            to_v_m=haversine_m(foot, self._graph.nodes[v]["lonlat"]),
            connector_m=connector_m,
        )

    def touching_many(
        self, positions: Sequence[LonLat], *, tolerance_m: float
    ) -> list[tuple[int, tuple[int, int]]]:
        """Return ``(i, edge)`` for the edge nearest ``positions[i]`` within tolerance.

        An edge ending at the position itself is skipped, so a way's end finds the
        other street it touches, not its own last edge.

        Examples
        --------
        >>> import networkx as nx
        >>> graph = nx.Graph()
        >>> for node, lonlat in enumerate([(0.0, 0.0), (0.001, 0.0), (0.0005, 0.0)]):
        ...     graph.add_node(node, lonlat=lonlat)
        >>> graph.add_edge(0, 1)
        >>> graph.add_edge(2, 0)
        >>> EdgeIndex(graph).touching_many([(0.0005, 0.0)], tolerance_m=0.5)
        [(0, (0, 1))]
        """
        points = shapely.points(
            self._project_array(np.array(positions, dtype=float).reshape(-1, 2))
        )
        pairs = self._tree.query(points, predicate="dwithin", distance=tolerance_m)
        best: dict[int, tuple[float, tuple[int, int]]] = {}
        for i, j in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
            edge = self._edges[j]
            foot = self._foot(j, positions[i])
            if foot == positions[i] and self._is_end(edge, foot):
                continue  # the position is this edge's own end vertex
            distance_m = haversine_m(positions[i], foot)
            if i not in best or distance_m < best[i][0]:
                best[i] = (distance_m, edge)
        return [(i, edge) for i, (_, edge) in sorted(best.items())]

    def _is_end(self, edge: tuple[int, int], lonlat: LonLat) -> bool:
        return lonlat in (
            tuple(self._graph.nodes[edge[0]]["lonlat"]),
            tuple(self._graph.nodes[edge[1]]["lonlat"]),
        )
