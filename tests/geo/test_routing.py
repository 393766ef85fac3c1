"""Routes with known answers: the right streets, honest snapping, clear errors."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from geo.directions import describe
from geo.distance import haversine_m
from geo.errors import BadCoordinateError
from geo.errors import NoRouteError
from geo.errors import TooFarFromStreetsError
from geo.errors import UnknownStopError
from geo.network import load_network
from geo.routing import Router
from geo.routing import resolve_place
from geo.routing import route_feature
from geo.routing import street_router
from geo.routing import tour_path_router

DATA = Path(__file__).parents[1] / "data"
ROOT = Path(__file__).parents[2]
A, B = (74.55, 42.87), (74.554, 42.87)
STAIRS_TOP, STAIRS_BOTTOM = (74.55, 42.871), (74.554, 42.871)
OSH_BAZAAR = (74.57, 42.875)
MEETING_POINT = (74.55826, 42.87766)


def _router(name: str) -> Router:
    return Router(load_network([DATA / name]), walking_speed_kmh=4.0)


@pytest.fixture
def district(shared_dir):
    skeleton = shared_dir / "geodata" / "bishkek_west_arterials_skeleton.osm"
    return street_router(
        [skeleton, ROOT / "tour_data" / "interhelpo" / "connectors.osm"],
        walking_speed_kmh=4.0,
    )


@pytest.mark.parametrize("method", ["astar", "dijkstra"])
def test_walker_takes_steps_and_oneway_not_motorway_or_private(method):
    route = _router("walk_motorway_private_steps.osm").route(A, B, method=method)
    assert route.coords == (A, STAIRS_TOP, STAIRS_BOTTOM, B)
    edges_m = (
        haversine_m(A, STAIRS_TOP)
        + haversine_m(STAIRS_TOP, STAIRS_BOTTOM)
        + haversine_m(STAIRS_BOTTOM, B)
    )
    assert route.length_m == pytest.approx(edges_m)
    assert route.length_m > haversine_m(A, B) + 200
    assert route.approximate_m == 0
    assert route.duration_s == pytest.approx(route.length_m / (4000 / 3600))
    text = " ".join(describe(route.directions, "en"))
    assert "Long Stairs" in text and "One Way St" in text
    assert "Fast Road" not in text and "Private Lane" not in text


def test_reverse_route_is_the_same_length():
    router = _router("walk_motorway_private_steps.osm")
    assert router.route(B, A).length_m == pytest.approx(router.route(A, B).length_m)


def test_snapping_splits_the_edge_instead_of_jumping_to_a_vertex():
    router = _router("walk_long_street_loose_end.osm")
    start = (74.5650, 42.8703)  # 33 m north of Long St, 830 m from any vertex
    end = (74.5745, 42.87)
    route = router.route(start, end)
    foot = route.coords[1]
    assert foot == pytest.approx((74.5650, 42.87), abs=1e-7)
    connector_m = haversine_m(start, foot)
    assert connector_m == pytest.approx(33.4, abs=0.5)
    assert route.length_m == pytest.approx(connector_m + haversine_m(foot, end))
    assert route.approximate_m == pytest.approx(connector_m)
    assert route.street_m == pytest.approx(route.length_m - connector_m)


def test_both_ends_on_one_edge_walk_straight_along_it():
    router = _router("walk_long_street_loose_end.osm")
    route = router.route((74.560, 42.8701), (74.570, 42.8699))
    along_m = haversine_m((74.560, 42.87), (74.570, 42.87))
    assert route.length_m == pytest.approx(along_m + 2 * 11.1, abs=0.5)


def test_route_through_a_joined_loose_end():
    router = _router("walk_long_street_loose_end.osm")
    route = router.route((74.55735, 42.873), (74.55, 42.87))
    assert route.length_m == pytest.approx(333.6 + 599.0, abs=1.0)
    assert [line.split(" for ")[0] for line in describe(route.directions, "en")] == [
        "Walk south on Side Lane",
        "Walk west on Long St",
    ]


def test_same_place_gives_a_zero_route():
    route = _router("walk_long_street_loose_end.osm").route(A, A)
    assert route.length_m == 0
    assert len(route.coords) == 2


def test_too_far_from_any_street_is_an_error():
    router = _router("walk_long_street_loose_end.osm")
    with pytest.raises(TooFarFromStreetsError, match="from the nearest street"):
        router.route((74.56, 42.90), A)  # 3.3 km north
    assert issubclass(TooFarFromStreetsError, ValueError)


def test_no_path_between_islands_is_an_error():
    router = _router("walk_two_islands.osm")
    with pytest.raises(NoRouteError):
        router.route((74.551, 42.87), (74.551, 42.875))
    assert issubclass(NoRouteError, LookupError)


@pytest.mark.parametrize(
    "position",
    [
        (math.nan, 42.87),
        (74.55, math.inf),
        (74.55, -math.inf),
        (181.0, 42.87),
        (74.55, 90.5),
    ],
)
def test_bad_positions_are_bad_coordinates(position):
    with pytest.raises(BadCoordinateError):
        _router("walk_two_islands.osm").route(position, A)


def test_astar_and_dijkstra_agree_on_the_district(district):
    rng = random.Random(7)
    for _ in range(40):
        orig = (rng.uniform(74.545, 74.58), rng.uniform(42.862, 42.885))
        dest = (rng.uniform(74.545, 74.58), rng.uniform(42.862, 42.885))
        astar = district.route(orig, dest)
        dijkstra = district.route(orig, dest, method="dijkstra")
        assert astar.length_m == pytest.approx(dijkstra.length_m)
        assert astar.length_m >= haversine_m(orig, dest) - 1e-6


def test_osh_bazaar_to_the_meeting_point_follows_named_streets(district):
    route = district.route(OSH_BAZAAR, MEETING_POINT)
    straight_m = haversine_m(OSH_BAZAAR, MEETING_POINT)
    assert straight_m == pytest.approx(1001, abs=1)
    assert straight_m + 100 < route.length_m < straight_m + 500
    english = " ".join(describe(route.directions, "en"))
    russian = " ".join(describe(route.directions, "ru"))
    assert "Chui Ave (formerly Deng Xiaoping Ave)" in english
    assert "пр. Чуй" in russian
    # The way out of the bazaar is not mapped: it is said, and counted.
    assert "no mapped path" in english
    assert 100 < route.approximate_m < 300


def test_tour_path_fallback_labels_and_counts_the_connector():
    leg_one = [(74.55826, 42.87766), (74.55798, 42.87511)]
    leg_two = [(74.55798, 42.87511), (74.5573, 42.8685)]
    router = tour_path_router([(leg_one, False), (leg_two, True)], walking_speed_kmh=4)
    visitor = (74.5590, 42.8770)
    route = router.route(visitor, leg_one[1])
    assert route.source == "tour-path"
    connector_m = haversine_m(visitor, route.coords[1])
    assert connector_m > 50
    assert route.approximate_m == pytest.approx(connector_m)
    assert "the tour path" in describe(route.directions, "en").lines[-1]
    # A leg that was itself drawn straight counts as approximate too.
    whole = router.route(leg_two[0], leg_two[1])
    assert whole.approximate_m == pytest.approx(whole.length_m)


STOPS = {"osh-bazaar": OSH_BAZAAR}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42.875,74.57", (74.57, 42.875)),
        (" 42.875 , 74.57 ", (74.57, 42.875)),
        ("-33.9,18.4", (18.4, -33.9)),
        ("osh-bazaar", OSH_BAZAAR),
    ],
)
def test_resolve_place(text, expected):
    assert resolve_place(text, STOPS) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("nowhere", UnknownStopError),
        ("meeting-point-2", UnknownStopError),
        ("", BadCoordinateError),
        ("42.875", BadCoordinateError),
        ("42.875,74.57,3", BadCoordinateError),
        ("abc,def", BadCoordinateError),
        ("nan,74.57", BadCoordinateError),
        ("42.8,inf", BadCoordinateError),
        ("1e999,0", BadCoordinateError),
        ("91,0", BadCoordinateError),
        ("0,-181", BadCoordinateError),
        ("Osh Bazaar", BadCoordinateError),
        ("x" * 5000, BadCoordinateError),
        ("42.875;74.57", BadCoordinateError),
    ],
)
def test_resolve_place_rejects(text, error):
    with pytest.raises(error):
        resolve_place(text, STOPS)


def test_route_feature_is_geojson_with_directions_in_the_language():
    route = _router("walk_motorway_private_steps.osm").route(A, B)
    feature = route_feature(route, "ru")
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == [74.55, 42.87]
    props = feature["properties"]
    assert props["source"] == "streets"
    assert props["length_m"] == pytest.approx(route.length_m, abs=0.05)
    assert props["approximate_m"] == 0
    assert props["directions"][0].startswith("Идите на север")
    assert props["directions_lang"] == "ru"
