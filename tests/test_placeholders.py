"""Bearings, distances and walks in tour texts are computed, per language."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from geo.compass import COMPASS_WORDS
from geo.errors import TourDataError
from geo.loader import load_tour

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
RAW = re.compile(r"\{(bearing|distance|walk-distance|walk-time):")


@pytest.mark.parametrize("lang", ["en", "ru", "cs", "sk", "ky"])
def test_every_language_has_sixteen_distinct_words_per_form(lang):
    forms = COMPASS_WORDS[lang]
    assert "name" in forms
    for words in forms.values():
        assert len(words) == 16 and len(set(words)) == 16


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/tours/interhelpo/stops/meeting-point",
            "about 1.3 km south-south-west of this corner",
        ),
        (
            "/tours/interhelpo/stops/meeting-point?lang=ru",
            "примерно в 1,3 км к юго-юго-западу отсюда",
        ),
        ("/tours/interhelpo/stops/ala-archa-bridge", "Look south-east: Osh Bazaar"),
        ("/tours/interhelpo/stops/ala-archa-bridge", "about 460 m away"),
        (
            "/tours/interhelpo/stops/ala-archa-bridge?lang=ru",
            "Посмотрите на юго-восток",
        ),
        ("/tours/interhelpo/stops/osh-bazaar", "Look north-west: the Ala-Archa"),
        ("/tours/interhelpo/stops/osh-bazaar?lang=ru", "Посмотрите на северо-запад"),
        ("/tours/interhelpo/about", "About 1.2 km in all, some 19 minutes on foot"),
        (
            "/tours/interhelpo/about?lang=ru",
            "Всего около 1,2 км, примерно 19 минут пешком",
        ),
    ],
)
def test_pages_say_the_computed_bearings_and_distances(real_client, url, expected):
    html = real_client.get(url).get_data(as_text=True)
    assert expected in html


def test_the_meeting_walk_is_the_one_build_route_computed(real_app):
    route = json.loads(
        (ROOT / "tour_data" / "interhelpo" / "route.geojson").read_text("utf-8")
    )
    walks = {tuple(w["via"]): w["length_m"] for w in route["walks"]}
    via = ("osh-bazaar", "ala-archa-bridge", "meeting-point")
    assert real_app.extensions["tour"].walks_m[via] == walks[via]
    # The fact-check measured the described walk at about 1.2-1.3 km.
    assert 1200 <= walks[via] <= 1300


def _urls(tour):
    yield from (
        "/tours/interhelpo/",
        "/tours/interhelpo/about",
        "/tours/interhelpo/walk",
        "/api/tours/interhelpo",
        "/api/tours/interhelpo/stops",
        "/tours/interhelpo/tour.gpx",
    )
    for stop in tour.stops:
        yield f"/tours/interhelpo/stops/{stop.id}"
        yield f"/api/tours/interhelpo/stops/{stop.id}"


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_placeholder_reaches_a_page_or_the_api(real_app, real_client, lang):
    tour = real_app.extensions["tour"]
    assert any(RAW.search(text) for text in tour.all_texts())
    for url in _urls(tour):
        sep = "&" if "?" in url else "?"
        body = real_client.get(f"{url}{sep}lang={lang}").get_data(as_text=True)
        assert not RAW.search(body), url


def _tour_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "tour"
    shutil.copytree(DATA / "tours" / "small", folder)
    return folder


def _set_directions(folder: Path, text: str) -> None:
    path = folder / "tour.json"
    meta = json.loads(path.read_text("utf-8"))
    meta["meeting_directions"]["en"] = text
    path.write_text(json.dumps(meta), "utf-8")


def test_a_walk_through_an_unknown_stop_names_tour_json(tmp_path):
    folder = _tour_copy(tmp_path)
    _set_directions(folder, "About {walk-time:finish:nowhere:start}.")
    with pytest.raises(TourDataError) as caught:
        load_tour(folder)
    assert caught.value.path.endswith("tour.json")
    assert caught.value.field == "meeting_directions.en"
    assert "unknown stop 'nowhere'" in caught.value.problem


def test_a_walk_the_route_file_lacks_asks_for_build_route(tmp_path):
    folder = _tour_copy(tmp_path)
    _set_directions(folder, "About {walk-distance:finish:start}.")
    tour = load_tour(folder)
    legs = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": list(leg.coords)},
            "properties": {
                "from": leg.from_id,
                "to": leg.to_id,
                "length_m": leg.length_m,
                "duration_s": leg.duration_s,
                "street_m": 0,
                "approximate_m": leg.length_m,
            },
        }
        for leg in tour.legs
    ]
    route = {"type": "FeatureCollection", "walks": [], "features": legs}
    (folder / "route.geojson").write_text(json.dumps(route), "utf-8")
    with pytest.raises(TourDataError, match="run flask tour build-route") as caught:
        load_tour(folder)
    assert caught.value.field == "meeting_directions.en"


def test_without_a_route_file_a_walk_is_measured_in_straight_lines(tmp_path):
    folder = _tour_copy(tmp_path)
    _set_directions(folder, "About {walk-distance:start:middle:finish}.")
    tour = load_tour(folder)
    assert tour.walks_m[("start", "middle", "finish")] == pytest.approx(
        tour.walk_length_m
    )
    text = tour.text_in(tour.meeting_directions, "en")
    assert text == f"About {tour.walk_length_m / 1000:.1f} km."
