"""The printable route sheet: distances written as the pages write them, and an
overview map that shows the streets the route was planned on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.directions import format_distance
from tests.guide.test_tools import make_app
from tests.support import AuthActions

DATA = Path(__file__).parents[1] / "data"
ORDER = "start,middle,finish"


def sheet(tmp_path, tour_dir, lang="en", **config):
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent), **config)
    guide = AuthActions(app).create().signed_in()
    guide.post("/guide/tours/small/plan/variants", data={"name": "all", "stops": ORDER})
    html = guide.get(f"/guide/tours/small/plan/variants/1/sheet?lang={lang}").get_data(
        as_text=True
    )
    legs = guide.get("/api/tours/small/route").get_json()["features"]
    return html, legs


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_sheet_draws_the_streets_it_was_planned_on(tmp_path, tour_dir, lang):
    html, legs = sheet(
        tmp_path,
        tour_dir,
        lang,
        STREET_FILES=[str(DATA / "streets_small_tour.osm")],
    )
    streets = re.search(r'<path class="streets" d="([^"]+)"', html)
    assert streets and streets[1].startswith("M")
    # The two named ways of the street file, in the page's language.
    names = re.findall(r'<text class="street-name"[^>]*>([^<]+)</text>', html)
    expected = {
        "en": {"Chui Ave", "Intergelpo St"},
        "ru": {"пр. Чуй", "ул. Интергельпо"},
    }
    assert set(names) == expected[lang]
    # Each leg's distance as format_distance writes it (1.2 km, not 1207 m).
    for leg in legs:
        assert format_distance(leg["properties"]["length_m"], lang) in html
    assert not re.search(r"\d{4} (m|м)\b", html)


def test_without_street_data_the_sheet_says_so(tmp_path, tour_dir):
    html, _ = sheet(tmp_path, tour_dir, STREET_FILES=[])
    assert 'class="streets"' not in html
    assert "No street data: the map shows the path only." in html
