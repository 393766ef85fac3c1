"""The pre-publish check: each problem is found, and the shipped tour has no errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from geo.checks import check_tour
from geo.checks import distance_to_path_m
from geo.checks import has_errors
from geo.checks import images_without_alt
from geo.loader import load_tour
from geo.tour import Leg
from geo.tour import Position

ROOT = Path(__file__).parents[2]
SMALL = Path(__file__).parents[1] / "data" / "tours" / "small"


@pytest.fixture
def small():
    return load_tour(SMALL)


def codes(tour):
    return {(p.code, p.severity, p.stop) for p in check_tour(tour)}


def replace_stop(tour, stop_id, **changes):
    stops = tuple(
        dataclasses.replace(s, **changes) if s.id == stop_id else s for s in tour.stops
    )
    return dataclasses.replace(tour, stops=stops)


def test_the_shipped_tour_has_no_errors():
    problems = check_tour(load_tour(ROOT / "tour_data" / "interhelpo"))
    assert not has_errors(problems), [p.message for p in problems]


def test_estimate_pin_over_100_m_is_a_warning(small):
    assert ("estimate_pin", "warning", "middle") in codes(small)
    fixed = replace_stop(small, "middle", position=Position("estimate", 90, {}))
    assert not any(p.code == "estimate_pin" for p in check_tour(fixed))


def test_small_zone_is_an_error(small):
    tour = replace_stop(small, "middle", arrival_radius_m=40)
    assert ("small_zone", "error", "middle") in codes(tour)


def test_overlapping_zones_are_an_error(small):
    tour = replace_stop(small, "middle", lonlat=(74.5583, 42.8772))
    assert ("zones_overlap", "error", "start") in codes(tour)


def test_story_longer_than_dwell(small):
    long_story = {"en": "word " * 400, "ru": "слово " * 10}
    tour = replace_stop(small, "middle", narrative=long_story, dwell_min=2)
    problems = [p for p in check_tour(tour) if p.code == "story_too_long"]
    assert [(p.stop, p.params["lang"], p.params["words"]) for p in problems] == [
        ("middle", "en", 400)
    ]
    assert "400 words" in problems[0].message


def test_over_the_slot(small):
    tour = replace_stop(small, "middle", dwell_min=119)
    assert ("over_slot", "error", None) in codes(tour)


def test_stop_without_sources(small):
    tour = replace_stop(small, "finish", sources=())
    assert ("no_sources", "error", "finish") in codes(tour)


def test_image_without_alt(small):
    story = {"en": "See ![](gate.jpg)", "ru": 'Вот <img alt="Ворота" src="g.jpg">'}
    tour = replace_stop(small, "middle", narrative=story)
    assert [
        (p.stop, p.params) for p in check_tour(tour) if p.code == "image_without_alt"
    ] == [("middle", {"lang": "en"})]


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        ("", 0),
        ('<img src="a.jpg" alt="A gate">', 0),
        ('<IMG SRC="a.jpg" ALT="">', 1),
        ("<img src=a.jpg>", 1),
        ("![A gate](a.jpg) ![ ](b.jpg)", 1),
    ],
)
def test_images_without_alt(text, missing):
    assert images_without_alt(text) == missing


def test_path_missing_a_stop(small):
    legs = tuple(
        dataclasses.replace(
            leg, coords=tuple((lon + 0.001, lat + 0.001) for lon, lat in leg.coords)
        )
        for leg in small.legs
    )
    tour = dataclasses.replace(small, legs=legs)
    missed = {p.stop for p in check_tour(tour) if p.code == "path_misses_stop"}
    assert missed == {"start", "middle", "finish"}


def test_approximate_legs_are_warnings(small):
    assert ("approximate_leg", "warning", "start") in codes(small)
    street = tuple(
        Leg(
            leg.from_id,
            leg.to_id,
            leg.coords,
            leg.length_m,
            leg.duration_s,
            leg.length_m,
            0,
        )
        for leg in small.legs
    )
    tour = dataclasses.replace(small, legs=street)
    assert not any(p.code == "approximate_leg" for p in check_tour(tour))


def test_errors_come_first(small):
    tour = replace_stop(small, "middle", arrival_radius_m=30)
    severities = [p.severity for p in check_tour(tour)]
    assert severities == sorted(severities, key=lambda s: s != "error")


def test_distance_to_path_endpoints_and_single_point():
    assert distance_to_path_m((0.0, 0.0), [(0.0, 0.0)]) == 0
    assert distance_to_path_m(
        (0.0, 0.002), [(0.0, 0.0), (0.0, 0.001)]
    ) == pytest.approx(111.2, rel=1e-3)
