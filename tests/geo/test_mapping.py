"""The tour map's script: drawn in short parts, its first view set once."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.loader import load_tour
from geo.mapping import MARKERS_PER_TASK
from geo.mapping import MapAssets
from geo.mapping import StopLink
from geo.mapping import build_map
from geo.mapping import build_meeting_map
from geo.mapping import render_parts

TOUR = load_tour(Path(__file__).parents[2] / "tour_data" / "interhelpo")
ASSETS = MapAssets(js=(("leaflet", "/vendor/leaflet.js"),), css=())
LINKS = {stop.id: StopLink(f"/stops/{stop.id}", "Story") for stop in TOUR.stops}


def tour_script() -> str:
    fmap = build_map(TOUR, "en", assets=ASSETS, tile_url="/t/{z}/{x}/{y}", links=LINKS)
    return render_parts(fmap).script


def test_the_tour_map_is_drawn_in_short_parts():
    script = tour_script()
    assert script.startswith("(async function () {")
    parts = script.split("await pause();")
    first, view, lines, *marker_parts = parts
    # The map and its tiles, then the view, then the lines, then a few markers a part.
    assert "L.map(" in first and "L.tileLayer(" in first
    assert "fitBounds" not in first and "L.marker(" not in first
    assert "fitBounds" in view and "L.polyline(" not in view
    assert lines.count("L.polyline(") == len(TOUR.legs)
    assert "L.marker(" not in lines
    counts = [part.count("L.marker(") for part in marker_parts]
    assert sum(counts) == len(TOUR.stops)
    assert all(1 <= count <= MARKERS_PER_TASK for count in counts)
    assert "tourmap:ready" in marker_parts[-1]


def test_the_page_may_set_the_first_view_and_the_map_fits_only_otherwise():
    view = tour_script().split("await pause();")[1]
    assert view.count("fitBounds(") == 1
    assert view.index("window.tourMapView") < view.index("fitBounds(")


@pytest.mark.parametrize("landmark", [None, "interhelpo-quarter"])
def test_the_meeting_map_script_runs_as_one_function(landmark):
    fmap = build_meeting_map(
        TOUR,
        "en",
        assets=ASSETS,
        tile_url="/t/{z}/{x}/{y}",
        links=LINKS,
        landmark_id=landmark,
    )
    script = render_parts(fmap).script
    assert script.startswith("(async function () {")
    assert script.rstrip().endswith("})();")
    assert script.count("L.marker(") == (2 if landmark else 1)
