"""The shipped tour: honest pins, complete stories, a walk that fits 2 hours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.distance import haversine_m
from geo.loader import load_tour

TOUR = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")

# Which row of stop-locations.md §4 each stop's pin comes from.
RESEARCH_ROW = {
    "meeting-point": "S01",
    "interhelpo-quarter": "S02",
    "frunze-plant-gate": "S04",
    "pishpek-station": "S05",
    "fucik-street": "S07b",
    "ala-archa-bridge": "S08",
    "osh-bazaar": "S13",
}


def research_positions(shared: Path) -> dict[str, tuple[float, float, float]]:
    """(lon, lat, error_m) per row id from the table in stop-locations.md."""
    rows = {}
    text = (shared / "research" / "stop-locations.md").read_text(encoding="utf-8")
    pattern = re.compile(
        r"^\| (S\d+b?) \|[^|]*\| ([\d.]+) \| ([\d.]+) \| (\d+)", re.MULTILINE
    )
    for row_id, lat, lon, error in pattern.findall(text):
        rows[row_id] = (float(lon), float(lat), float(error))
    return rows


def test_every_stop_maps_to_a_research_row():
    assert set(RESEARCH_ROW) == {stop.id for stop in TOUR.stops}


@pytest.mark.parametrize("stop", TOUR.stops, ids=lambda s: s.id)
def test_pin_lies_within_its_error_radius_of_the_research(stop, shared_dir):
    lon, lat, research_error_m = research_positions(shared_dir)[RESEARCH_ROW[stop.id]]
    assert haversine_m(stop.lonlat, (lon, lat)) <= stop.position.error_m
    # The app may not claim more certainty than the research gives.
    assert stop.position.error_m >= research_error_m


@pytest.mark.parametrize("stop", TOUR.stops, ids=lambda s: s.id)
@pytest.mark.parametrize("lang", TOUR.languages)
def test_story_is_a_real_story(stop, lang):
    words = len(stop.narrative[lang].split())
    assert 150 <= words <= 400
    assert stop.narrative[lang].count("\n\n") >= 1, "paragraphs"


@pytest.mark.parametrize("stop", TOUR.stops, ids=lambda s: s.id)
def test_story_read_aloud_fits_the_dwell(stop):
    words = max(len(stop.narrative[lang].split()) for lang in TOUR.languages)
    assert words / 130 <= stop.dwell_min


def test_estimates_are_labelled_and_uncertain():
    estimates = [s for s in TOUR.stops if s.position.quality == "estimate"]
    assert estimates, "the plant gate is an estimate"
    assert all(s.position.error_m >= 100 for s in estimates)


@pytest.mark.parametrize(
    ("site", "words"),
    [
        ("power station", ("power station",)),
        ("cloth factory", ("cloth", "wool")),
        ("foundry", ("foundry",)),
    ],
)
def test_the_three_industries_are_told_at_a_stop(site, words):
    told = [
        s.id
        for s in TOUR.stops
        if any(word in s.narrative["en"].lower() for word in words)
    ]
    assert told, f"the {site} is told nowhere"


def test_lost_sites_say_where_they_were():
    bridge = TOUR.stop("ala-archa-bridge")
    assert bridge.site_note is not None
    assert "unknown" in bridge.site_note["en"].lower()


def test_walk_plus_dwell_fits_two_hours():
    assert TOUR.total_min <= TOUR.duration_min
    assert TOUR.duration_min == 120


def test_tour_facts_from_the_listing():
    assert TOUR.price_amount == 700 and TOUR.price_currency == "KGS"
    assert TOUR.registration_required is True
    assert TOUR.phone == "+996 (0) 559 336 001"
    assert "Deng Xiaoping" in TOUR.meeting_point["en"]
    assert TOUR.walking_speed_kmh == 4.0
