"""Plan a walk: the best order of the chosen stops, and its totals against the slot.

The order is solved over a small stop-to-stop matrix of walking lengths, never over
the street graph itself (tooling notes §5: a TSP over the whole graph takes tens of
seconds; over the stop matrix it takes milliseconds).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from geo.distance import LonLat
from geo.distance import haversine_m

DETOUR_FACTOR = 1.3
"""Streets are rarely straight: a walk is about 1.3 times the straight line."""

EXACT_LIMIT = 10
"""Up to this many stops to order, the best order is exact (Held-Karp)."""

SLOT_MIN = 120.0
"""The tour's time slot in minutes."""

Method = Literal["streets", "straight"]
Solver = Literal["exact", "heuristic", "trivial"]
LegLength = Callable[[LonLat, LonLat], float]


class PlanningError(ValueError):
    """Stops that cannot be planned: unknown, repeated, or none at all."""


@dataclass(frozen=True)
class DistanceMatrix:
    """Walking lengths in metres between every pair of stops.

    ``method`` says where they come from: ``streets`` (the router) or ``straight``
    (great-circle distance times `DETOUR_FACTOR`).
    """

    ids: tuple[str, ...]
    length_m: tuple[tuple[float, ...], ...]
    method: Method

    def index(self, stop_id: str) -> int:
        """Position of ``stop_id`` in the matrix, or raise `PlanningError`."""
        try:
            return self.ids.index(stop_id)
        except ValueError:
            raise PlanningError(f"unknown stop {stop_id!r}") from None

    def between(self, a: str, b: str) -> float:
        """Walking length in metres from stop ``a`` to stop ``b``."""
        return self.length_m[self.index(a)][self.index(b)]

    def path_length_m(self, order: Sequence[str]) -> float:
        """Walking length in metres along ``order``."""
        return sum(self.between(a, b) for a, b in itertools.pairwise(order))


def build_matrix(
    points: Mapping[str, LonLat],
    *,
    leg_length: LegLength | None = None,
    detour_factor: float = DETOUR_FACTOR,
) -> DistanceMatrix:
    """Walking lengths between all stops.

    Parameters
    ----------
    points
        Stop id -> (lon, lat).
    leg_length
        Walking length in metres between two points along the streets (the router).
        When None, or when it fails for a pair, the straight line times
        ``detour_factor`` is used and the matrix says ``straight``.

    Examples
    --------
    >>> m = build_matrix({"a": (0.0, 0.0), "b": (0.0, 0.001)})
    >>> m.method, round(m.between("a", "b"))
    ('straight', 145)
    """
    ids = tuple(points)
    method: Method = "streets" if leg_length is not None else "straight"
    rows: list[list[float]] = [[0.0] * len(ids) for _ in ids]
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if i == j:
                continue
            length = math.nan
            if leg_length is not None:
                try:
                    length = float(leg_length(points[a], points[b]))
                except (LookupError, ValueError):
                    length = math.nan
            if not math.isfinite(length):
                method = "straight"
                length = haversine_m(points[a], points[b]) * detour_factor
            rows[i][j] = length
    return DistanceMatrix(ids, tuple(tuple(row) for row in rows), method)


@dataclass(frozen=True)
class Ordering:
    """An order of stops and its walking length."""

    order: tuple[str, ...]
    length_m: float
    solver: Solver


def best_order(
    matrix: DistanceMatrix,
    start: str,
    stops: Sequence[str],
    *,
    end: str | None = None,
    exact_limit: int = EXACT_LIMIT,
) -> Ordering:
    """The shortest walk from ``start`` through every stop in ``stops``.

    Exact (Held-Karp dynamic programming) for up to ``exact_limit`` stops to order;
    beyond, nearest neighbour improved by 2-opt. ``end``, when given, stays last.

    Raises
    ------
    PlanningError
        An unknown or repeated stop id.

    Examples
    --------
    >>> pts = {"m": (0.0, 0.0), "far": (0.0, 0.003), "near": (0.0, 0.001)}
    >>> best_order(build_matrix(pts), "m", ["far", "near"]).order
    ('m', 'near', 'far')
    """
    middle = [stop for stop in stops if stop not in (start, end)]
    chosen = [start, *middle] + ([end] if end is not None else [])
    for stop in chosen:
        matrix.index(stop)
    if len(set(chosen)) != len(chosen):
        raise PlanningError("a stop is listed twice")
    dist = matrix.length_m
    first = matrix.index(start)
    last = matrix.index(end) if end is not None else None
    inner = [matrix.index(stop) for stop in middle]
    solver: Solver
    if len(inner) <= 1:
        route, solver = [first, *inner], "trivial"
    elif len(inner) <= exact_limit:
        route, solver = _held_karp(dist, first, inner, last), "exact"
    else:
        route = _two_opt(dist, _nearest_neighbour(dist, first, inner), last)
        solver = "heuristic"
    if last is not None:
        route = [*route, last]
    order = tuple(matrix.ids[i] for i in route)
    return Ordering(order, matrix.path_length_m(order), solver)


def _held_karp(
    dist: Sequence[Sequence[float]], first: int, inner: Sequence[int], last: int | None
) -> list[int]:
    """Exact shortest open path from ``first`` through ``inner`` (then to ``last``)."""
    n = len(inner)
    full = (1 << n) - 1
    # cost[mask][k]: shortest path from first through the set `mask`, ending at k.
    cost = [[math.inf] * n for _ in range(1 << n)]
    parent = [[-1] * n for _ in range(1 << n)]
    for k in range(n):
        cost[1 << k][k] = dist[first][inner[k]]
    for mask in range(1, 1 << n):
        for k in range(n):
            here = cost[mask][k]
            if not mask & (1 << k) or here == math.inf:
                continue
            for j in range(n):
                if mask & (1 << j):
                    continue
                step = here + dist[inner[k]][inner[j]]
                if step < cost[mask | (1 << j)][j]:
                    cost[mask | (1 << j)][j] = step
                    parent[mask | (1 << j)][j] = k

    def closing(k: int) -> float:
        return cost[full][k] + (dist[inner[k]][last] if last is not None else 0.0)

    k = min(range(n), key=closing)
    path: list[int] = []
    mask = full
    while k != -1:
        path.append(inner[k])
        k, mask = parent[mask][k], mask & ~(1 << k)
    return [first, *reversed(path)]


def _nearest_neighbour(
    dist: Sequence[Sequence[float]], first: int, inner: Sequence[int]
) -> list[int]:
    route = [first]
    left = set(inner)
    while left:
        here = route[-1]
        following = min(left, key=lambda j: (dist[here][j], j))
        route.append(following)
        left.remove(following)
    return route


def _two_opt(
    dist: Sequence[Sequence[float]], route: list[int], last: int | None
) -> list[int]:
    """Reverse stretches of the open path while that shortens it."""

    def length(path: Sequence[int]) -> float:
        total = sum(dist[a][b] for a, b in itertools.pairwise(path))
        return total + (dist[path[-1]][last] if last is not None else 0.0)

    best = length(route)
    improved = True
    while improved:
        improved = False
        for i in range(1, len(route) - 1):
            for j in range(i + 1, len(route)):
                candidate = route[:i] + route[i : j + 1][::-1] + route[j + 1 :]
                candidate_length = length(candidate)
                if candidate_length < best - 1e-9:
                    route, best, improved = candidate, candidate_length, True
    return route


@dataclass(frozen=True)
class Totals:
    """What a planned walk costs in distance and time."""

    length_m: float
    walk_s: float
    dwell_min: float
    slot_min: float

    @property
    def walk_min(self) -> float:
        """Walking time in minutes."""
        return self.walk_s / 60

    @property
    def total_min(self) -> float:
        """Walking plus dwell in minutes."""
        return self.walk_min + self.dwell_min

    @property
    def over_slot(self) -> bool:
        """True when the walk does not fit in the slot."""
        return self.total_min > self.slot_min + 1e-9


def walk_seconds(length_m: float, speed_kmh: float) -> float:
    """Seconds to walk ``length_m`` at ``speed_kmh``.

    Examples
    --------
    >>> walk_seconds(1000, 4.0)
    900.0
    """
    return length_m / (speed_kmh / 3.6)


def totals(
    leg_lengths_m: Sequence[float],
    dwell_min: Sequence[float],
    *,
    speed_kmh: float,
    slot_min: float = SLOT_MIN,
) -> Totals:
    """Totals of a walk from its leg lengths and the dwell at each stop.

    Examples
    --------
    >>> t = totals([1000, 1000], [50, 30, 10], speed_kmh=4.0)
    >>> round(t.total_min), t.over_slot
    (120, False)
    """
    length_m = float(sum(leg_lengths_m))
    return Totals(
        length_m=length_m,
        walk_s=walk_seconds(length_m, speed_kmh),
        dwell_min=float(sum(dwell_min)),
        slot_min=slot_min,
    )
