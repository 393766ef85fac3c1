"""/api/tours/<id>/route?from=..&to=.. and route.gpx: a walking route or a 4xx."""

from __future__ import annotations

from pathlib import Path

import gpxpy
import pytest

from app import create_app
from geo.distance import haversine_m
from tests.language_support import tour_with_language
from tests.support import make_app

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def streets_client(tmp_path, tour_dir):
    app = create_app(
        {
            "TESTING": True,
            "TOUR_DATA": str(tour_dir.parent),
            "DATABASE": str(tmp_path / "guide.sqlite3"),
            "STREET_FILES": [str(DATA / "streets_small_tour.osm")],
        }
    )
    return app.test_client()


def test_route_between_two_stops(streets_client):
    response = streets_client.get("/api/tours/small/route?from=start&to=finish")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == [74.55826, 42.87766]
    assert feature["geometry"]["coordinates"][-1] == [74.57, 42.875]
    props = feature["properties"]
    assert props["source"] == "streets"
    chui_m = haversine_m((74.55826, 42.87766), (74.57, 42.8774175))
    path_m = haversine_m((74.57, 42.8774175), (74.57, 42.875))
    assert props["length_m"] == pytest.approx(chui_m + path_m, abs=0.1)
    assert props["approximate_m"] == pytest.approx(path_m, abs=0.1)
    assert props["duration_s"] == pytest.approx(props["length_m"] * 0.9, abs=1)
    assert props["directions"][0].startswith("Walk east on Chui Ave")


def test_route_from_a_position_in_russian(streets_client):
    response = streets_client.get(
        "/api/tours/small/route?from=42.8760,74.5590&to=middle&lang=ru"
    )
    assert response.status_code == 200
    props = response.get_json()["properties"]
    assert props["approximate_m"] > 50  # the straight way onto the street
    assert any("ул. Интергельпо" in line for line in props["directions"])


def test_without_parameters_the_legs_are_still_there(streets_client):
    data = streets_client.get("/api/tours/small/route").get_json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2


def test_route_gpx(streets_client):
    response = streets_client.get(
        "/tours/small/route.gpx?from=start&to=42.8751,74.5580"
    )
    assert response.status_code == 200
    assert response.mimetype == "application/gpx+xml"
    assert "walking-route.gpx" in response.headers["Content-Disposition"]
    gpx = gpxpy.parse(response.get_data(as_text=True))
    assert [w.name for w in gpx.waypoints] == ["Start", "42.8751,74.5580"]
    points = gpx.tracks[0].segments[0].points
    assert (points[0].longitude, points[0].latitude) == (74.55826, 42.87766)
    assert "Intergelpo St" in gpx.description


def test_no_path_is_unprocessable(tmp_path, tour_dir):
    app = create_app(
        {
            "TESTING": True,
            "TOUR_DATA": str(tour_dir.parent),
            "DATABASE": str(tmp_path / "guide.sqlite3"),
            "STREET_FILES": [str(DATA / "walk_two_islands.osm")],
        }
    )
    response = app.test_client().get(
        "/api/tours/small/route?from=42.8701,74.551&to=42.8751,74.551"
    )
    assert response.status_code == 422
    assert "no walking path" in response.get_json()["error"]


NASTY = [
    ("", 400),
    (" ", 400),
    ("nan,nan", 400),
    ("NaN,74.55", 400),
    ("42.87,inf", 400),
    ("-inf,0", 400),
    ("1e999,0", 400),
    ("91,74.55", 400),
    ("42.87,181", 400),
    ("-90.0001,0", 400),
    ("42.87", 400),
    ("42.87,74.55,1", 400),
    ("42.87;74.55", 400),
    ("42.87 74.55", 400),
    ("[42.87,74.55]", 400),
    ("0x2A,74.55", 400),
    ("abc,def", 400),
    ("%00", 400),
    ("\x00", 400),
    ("Osh Bazaar", 400),
    ("<script>", 400),
    ("x" * 5000, 400),
    ("nowhere", 404),
    ("meeting-point", 404),
    ("0,0", 422),
    ("42.87,75.5", 422),
    ("-42.87,74.55", 422),
]


@pytest.mark.parametrize("side", ["from", "to"])
@pytest.mark.parametrize(("value", "status"), NASTY)
def test_nasty_places_get_4xx_in_the_error_shape(streets_client, side, value, status):
    other = "to" if side == "from" else "from"
    response = streets_client.get(
        "/api/tours/small/route", query_string={side: value, other: "middle"}
    )
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body == {"ok": False, "error": body["error"], "status": status}
    assert body["error"]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("from=start", 400),  # one end only
        ("to=start", 400),
        ("from=&to=", 400),
        ("from=start&from=finish", 400),  # two starts, no end
        ("from=start&to=start", 200),  # nowhere to walk: a route of 0 m
    ],
)
def test_odd_queries_never_fail(streets_client, query, status):
    response = streets_client.get(f"/api/tours/small/route?{query}")
    assert response.status_code == status
    assert response.is_json


@pytest.mark.parametrize(("value", "status"), NASTY[::4])
def test_nasty_gpx_requests_are_4xx_pages(streets_client, value, status):
    response = streets_client.get(
        "/tours/small/route.gpx", query_string={"from": value, "to": "middle"}
    )
    assert response.status_code == status
    assert response.mimetype == "text/html"


def test_osh_bazaar_to_the_meeting_point_on_district_streets(district_app):
    client = district_app.test_client()
    response = client.get(
        "/api/tours/interhelpo/route?from=42.87500,74.57000&to=meeting-point"
    )
    props = response.get_json()["properties"]
    straight_m = haversine_m((74.57, 42.875), (74.55826, 42.87766))
    assert straight_m + 100 < props["length_m"] < straight_m + 500
    assert props["source"] == "streets"
    assert any("Chui Ave" in line for line in props["directions"])


@pytest.mark.parametrize(
    ("lang", "directions_lang", "start"),
    [("cs", "cs", "Jděte na východ po Čujské třídě"), ("de", "en", "Walk east on")],
)
def test_route_directions_in_a_declared_language_or_flagged_english(
    tmp_path, lang, directions_lang, start
):
    # "de" stands for a language whose texts and catalogue came in before its
    # phrase file (geo/lang/de.json): English, and the answer says so.
    tour = tour_with_language(
        DATA / "tours" / "small", tmp_path / "tours" / "small", lang
    )
    app = make_app(
        tmp_path,
        TOUR_DATA=str(tour.parent),
        STREET_FILES=[str(DATA / "streets_small_tour.osm")],
    )
    client = app.test_client()
    props = client.get(
        f"/api/tours/small/route?from=start&to=finish&lang={lang}"
    ).get_json()["properties"]
    assert props["directions_lang"] == directions_lang
    assert props["directions"][0].startswith(start)
    gpx = gpxpy.parse(
        client.get(f"/tours/small/route.gpx?from=start&to=finish&lang={lang}").get_data(
            as_text=True
        )
    )
    assert gpx.description.startswith(start)
