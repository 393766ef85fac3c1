"""Tour legs in the route.geojson format, routed over street data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.distance import haversine_m
from geo.export import dumps_route
from geo.export import route_collection
from geo.legs import build_legs
from geo.loader import load_legs
from geo.loader import load_stops
from geo.network import load_network
from geo.routing import Router

DATA = Path(__file__).parents[1] / "data"
SMALL_STOPS = DATA / "tours" / "small" / "stops.geojson"


@pytest.fixture
def stops():
    return load_stops(SMALL_STOPS, ["en", "ru"])


@pytest.fixture
def legs(stops):
    router = Router(load_network([DATA / "streets_small_tour.osm"]))
    return build_legs(router, [(stop.id, stop.lonlat) for stop in stops])


def test_one_leg_per_pair_of_stops_from_stop_to_stop(legs, stops):
    assert [(leg.from_id, leg.to_id) for leg in legs] == [
        ("start", "middle"),
        ("middle", "finish"),
    ]
    pairs = list(zip(stops, stops[1:], strict=False))
    for leg, (start, end) in zip(legs, pairs, strict=True):
        assert leg.coords[0] == pytest.approx(start.lonlat)
        assert leg.coords[-1] == pytest.approx(end.lonlat)


def test_street_and_approximate_metres_add_up(legs):
    features = route_collection(legs, generated_by="test")["features"]
    first, second = (feature["properties"] for feature in features)
    intergelpo_m = haversine_m((74.55826, 42.87766), (74.55798, 42.87511))
    assert first["length_m"] == pytest.approx(intergelpo_m, abs=0.2)
    assert first["approximate_m"] == 0 and first["approximate"] is False
    bazaar_path_m = haversine_m((74.57, 42.8774175), (74.57, 42.875))
    assert second["approximate_m"] == pytest.approx(bazaar_path_m, abs=0.2)
    assert second["approximate"] is True
    for props in (first, second):
        assert props["street_m"] + props["approximate_m"] == pytest.approx(
            props["length_m"]
        )
        assert props["duration_s"] == pytest.approx(props["length_m"] * 0.9, abs=1)


def test_collection_round_trips_through_the_tour_loader(legs, stops, tmp_path):
    collection = route_collection(
        legs, generated_by="test", street_files=["streets_small_tour.osm"]
    )
    path = tmp_path / "route.geojson"
    path.write_text(dumps_route(collection), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["attribution"] == "© OpenStreetMap contributors"
    assert data["generated_by"] == "test"
    assert data["street_files"] == ["streets_small_tour.osm"]
    loaded = load_legs(path, stops)
    assert [leg.length_m for leg in loaded] == [leg.length_m for leg in legs]
    assert loaded[1].approximate


def test_one_leg_per_line_in_the_file(legs):
    text = dumps_route(route_collection(legs, generated_by="test"))
    assert len(text.splitlines()) == 1 + len(legs) + 1
