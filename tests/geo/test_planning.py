"""Best order and totals over a stop-to-stop matrix."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from geo.distance import haversine_m
from geo.planning import DETOUR_FACTOR
from geo.planning import PlanningError
from geo.planning import best_order
from geo.planning import build_matrix
from geo.planning import totals


def grid_points(count: int, seed: int = 1) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    return {
        f"s{i}": (74.55 + rng.uniform(0, 0.02), 42.86 + rng.uniform(0, 0.02))
        for i in range(count)
    }


def brute_force(matrix, start, stops, end=None):
    best = math.inf
    for perm in itertools.permutations(stops):
        order = [start, *perm] + ([end] if end else [])
        best = min(best, matrix.path_length_m(order))
    return best


@pytest.mark.parametrize("count", [2, 3, 5, 8])
def test_exact_matches_brute_force(count):
    points = grid_points(count + 1, seed=count)
    matrix = build_matrix(points)
    stops = list(points)[1:]
    plan = best_order(matrix, "s0", stops)
    assert plan.solver == "exact"
    assert plan.order[0] == "s0"
    assert sorted(plan.order[1:]) == sorted(stops)
    assert plan.length_m == pytest.approx(brute_force(matrix, "s0", stops))


def test_exact_keeps_the_end_last():
    points = grid_points(7, seed=3)
    matrix = build_matrix(points)
    plan = best_order(matrix, "s0", list(points)[1:], end="s6")
    assert plan.order[-1] == "s6"
    assert plan.length_m == pytest.approx(
        brute_force(matrix, "s0", list(points)[1:6], end="s6")
    )


def test_heuristic_beyond_the_exact_limit_is_close_to_exact():
    points = grid_points(10, seed=7)
    matrix = build_matrix(points)
    stops = list(points)[1:]
    exact = best_order(matrix, "s0", stops)
    heuristic = best_order(matrix, "s0", stops, exact_limit=3)
    assert heuristic.solver == "heuristic"
    assert sorted(heuristic.order) == sorted(points)
    assert heuristic.length_m <= exact.length_m * 1.15


def test_many_stops_use_the_heuristic():
    points = grid_points(30)
    plan = best_order(build_matrix(points), "s0", list(points)[1:])
    assert plan.solver == "heuristic"
    assert len(plan.order) == 30


def test_matrix_says_straight_without_a_router():
    matrix = build_matrix({"a": (74.55, 42.87), "b": (74.56, 42.87)})
    assert matrix.method == "straight"
    straight = haversine_m((74.55, 42.87), (74.56, 42.87))
    assert matrix.between("a", "b") == pytest.approx(straight * DETOUR_FACTOR)


def test_matrix_uses_the_router_and_falls_back_per_pair():
    calls = []

    def router(a, b):
        calls.append((a, b))
        return 1234.0

    matrix = build_matrix({"a": (0.0, 0.0), "b": (0.0, 0.01)}, leg_length=router)
    assert matrix.method == "streets"
    assert matrix.between("a", "b") == 1234.0
    assert len(calls) == 2

    def failing(a, b):
        raise LookupError("no path")

    matrix = build_matrix({"a": (0.0, 0.0), "b": (0.0, 0.01)}, leg_length=failing)
    assert matrix.method == "straight"


@pytest.mark.parametrize(
    ("start", "stops", "end"),
    [
        ("nope", ["s1"], None),
        ("s0", ["s1", "ghost"], None),
        ("s0", ["s1", "s1"], None),
        ("s0", ["s1"], "ghost"),
    ],
)
def test_bad_stops_are_refused(start, stops, end):
    matrix = build_matrix(grid_points(3))
    with pytest.raises(PlanningError):
        best_order(matrix, start, stops, end=end)


def test_planning_error_is_a_value_error():
    assert issubclass(PlanningError, ValueError)


@pytest.mark.parametrize(
    ("legs", "dwell", "over"),
    [
        ([1000.0], [10.0, 10.0], False),
        ([4000.0, 2000.0], [10.0] * 4, True),
        ([], [120.0], False),
    ],
)
def test_totals_against_the_slot(legs, dwell, over):
    result = totals(legs, dwell, speed_kmh=4.0)
    assert result.length_m == sum(legs)
    assert result.walk_min == pytest.approx(sum(legs) / 1000 * 15)
    assert result.total_min == pytest.approx(result.walk_min + sum(dwell))
    assert result.over_slot is over
