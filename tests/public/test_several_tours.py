"""Two tours on one site: the list at /, each tour's pages, API, dates and guides'
data kept apart."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app import create_app
from tests.booking_support import add_date
from tests.booking_support import register

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def two(tmp_path):
    """The small tour and a second one, with its own title, price and stops."""
    root = tmp_path / "tours"
    shutil.copytree(DATA / "tours" / "small", root / "small")
    shutil.copytree(DATA / "tours" / "small", root / "second")
    meta_path = root / "second" / "tour.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["title"] = {"en": "Second walk", "ru": "Вторая прогулка"}
    meta["description"] = {
        "en": "Another walk. With more.\n\nDetails.",
        "ru": "Другая прогулка. Подробнее.\n\nДетали.",
    }
    meta["price"] = {"amount": 500, "currency": "KGS"}
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    app = create_app(
        {
            "TESTING": True,
            "TOUR_DATA": str(root),
            "DEFAULT_TOUR": "small",
            "DATABASE": str(tmp_path / "guide.sqlite3"),
            "SECRET_KEY": "test",
            "TILE_URL": "/tiles/{z}/{x}/{y}.png",
        }
    )
    return app


def test_the_front_door_lists_every_tour_with_its_card(two):
    add_date(two, capacity=5, days=4)  # the default tour's
    html = two.test_client().get("/").get_data(as_text=True)
    assert html.count('class="tour-card"') == 2
    second = html[html.index('data-tour-id="second"') :]
    assert 'href="/tours/second/"' in second
    assert "Second walk" in second and "Another walk." in second
    assert "With more" not in second  # one line: the first sentence
    assert "500 KGS" in second and "No dates planned yet" in second
    small = html[
        html.index('data-tour-id="small"') : html.index('data-tour-id="second"')
    ]
    assert "No dates planned yet" not in small


def test_each_tour_has_its_own_pages_and_api(two):
    client = two.test_client()
    page = client.get("/tours/second/").get_data(as_text=True)
    assert "Second walk" in page and 'href="/">All tours</a>' in page
    assert "Small test walk" in client.get("/tours/small/about").get_data(as_text=True)
    listed = client.get("/api/tours").get_json()
    assert listed["default"] == "small"
    assert [tour["id"] for tour in listed["tours"]] == ["second", "small"]
    assert client.get("/api/tours/second").get_json()["price"]["amount"] == 500
    stops = client.get("/api/tours/second/stops").get_json()["features"]
    assert stops[0]["properties"]["url"] == "http://localhost/tours/second/stops/start"
    gpx = client.get("/tours/second/tour.gpx")
    assert (
        gpx.headers["Content-Disposition"] == 'attachment; filename="second-walk.gpx"'
    )
    assert "/tours/second/stops/middle" in gpx.get_data(as_text=True)
    assert client.get("/tours/nowhere/").status_code == 404
    assert client.get("/api/tours/nowhere/stops").get_json()["status"] == 404


def test_old_links_open_the_default_tour(two):
    response = two.test_client().get("/stops/middle")
    assert response.status_code == 301
    assert response.headers["Location"] == "/tours/small/stops/middle"


def test_dates_and_registrations_belong_to_their_tour(two):
    second_date = add_date(two, capacity=5, tour_id="second")
    small_date = add_date(two, capacity=5)
    client = two.test_client()
    listed = client.get("/api/tours/second/dates").get_json()["dates"]
    assert [d["id"] for d in listed] == [second_date]
    assert listed[0]["register"] == f"/tours/second/dates/{second_date}/register"
    # Another tour's date is not found under this tour.
    assert client.get(f"/tours/small/dates/{second_date}/register").status_code == 404
    response = register(client, second_date, tour="second")
    code = response.headers["Location"].rsplit("/", 1)[-1]
    assert response.headers["Location"] == f"/tours/second/dates/r/{code}"
    assert client.get(f"/tours/small/dates/r/{code}").status_code == 404
    ics = client.get(f"/tours/second/dates/r/{code}/calendar.ics")
    assert "@second" in ics.get_data(as_text=True)
    assert "second-" in ics.headers["Content-Disposition"]
    # The old link of a registration goes to its own tour, not the default one.
    assert (
        client.get(f"/dates/r/{code}").headers["Location"].startswith("/tours/second/")
    )
    assert client.get(f"/dates/{small_date}/register").headers["Location"] == (
        f"/tours/small/dates/{small_date}/register"
    )


def test_a_guides_stop_edit_changes_only_its_tour(two):
    from tests.support import AuthActions

    guide = AuthActions(two).create().signed_in()
    two.config["WTF_CSRF_ENABLED"] = False
    from tests.guide.test_tools import edit_form_from

    html = guide.get("/guide/tours/second/stops/middle/edit").get_data(as_text=True)
    data = edit_form_from(html)
    data["name_en"] = "Renamed middle"
    saved = guide.post("/guide/tours/second/stops/middle/edit", data=data)
    assert saved.status_code == 303, saved.get_data(as_text=True)[-2000:]
    client = two.test_client()
    second = client.get("/api/tours/second/stops/middle").get_json()
    small = client.get("/api/tours/small/stops/middle").get_json()
    assert second["properties"]["name"]["en"] == "Renamed middle"
    assert small["properties"]["name"]["en"] != "Renamed middle"
