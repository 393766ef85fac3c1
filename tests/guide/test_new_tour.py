"""A new tour made in the guides' tools: a draft only guides see, its stops added
with pins from the map or the phone, checked, published and unpublished; every bad
form refused with its message and nothing kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.booking_support import add_date
from tests.booking_support import hidden_fields
from web.services.db import db
from web.services.guide_models import StopEdit
from web.services.guide_models import TourState

START = {"start_lon": "74.55826", "start_lat": "42.87766"}
END = {"end_lon": "74.56500", "end_lat": "42.87700"}


def tour_form(**changes):
    """A complete new-tour form in English and Russian, pins tapped on the map."""
    form = {
        "languages": ["en", "ru"],
        "title_en": "Old Frunze factories",
        "title_ru": "Старые фабрики Фрунзе",
        "description_en": "A short walk past two factories. It ends by the river.",
        "description_ru": "Короткая прогулка мимо двух фабрик. Она кончается у реки.",
        "meeting_point_en": "The corner by the bazaar",
        "meeting_point_ru": "Угол у базара",
        "meeting_directions_en": "Walk west from the bazaar gate.",
        "meeting_directions_ru": "Идите на запад от ворот базара.",
        "what_to_bring_en": "Comfortable shoes.",
        "what_to_bring_ru": "Удобная обувь.",
        "end_point_en": "The bridge over the river",
        "end_point_ru": "Мост через реку",
        "duration_min": "60",
        "price_amount": "500",
        "price_currency": "kgs",
        "registration_required": "yes",
        "phone": "+996 555 000 000",
        "time_zone": "Asia/Bishkek",
        "sources": "https://example.org/factories Factories of Frunze",
        **START,
        "start_accuracy_m": "12",
        "start_source": "map",
        **END,
        "end_accuracy_m": "12",
        "end_source": "map",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def stop_form(**changes):
    form = {
        "pin_lon": "74.56020",
        "pin_lat": "42.87740",
        "pin_accuracy_m": "8",
        "pin_source": "gps",
        "name_en": "Cloth factory gate",
        "name_ru": "Ворота суконной фабрики",
        "summary_en": "Where the looms stood.",
        "summary_ru": "Здесь стояли станки.",
        "narrative_en": "The gate of the factory.",
        "narrative_ru": "Ворота фабрики.",
        "look_for_en": "",
        "look_for_ru": "",
        "site_note_en": "",
        "site_note_ru": "",
        "dwell_min": "5",
        "arrival_radius_m": "65",
        "sources": "https://example.org/factories Factories of Frunze",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def post(client, url, form):
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url, data={**form, "csrf_token": hidden_fields(page)["csrf_token"]}
    )


def make(guide, **changes):
    return post(guide, "/guide/tours/new", tour_form(**changes))


def stored(app) -> tuple[list[str], list[str]]:
    """What a refused form must not leave: tour folders and state rows."""
    root = Path(app.config["TOURS_FOLDER"])
    names = sorted(p.name for p in root.iterdir()) if root.exists() else []
    folders = [name for name in names if name != ".stamp"]  # scratch folders count
    with app.app_context():
        rows = sorted(db.session.scalars(select(TourState.tour_id)))
    return folders, rows


def test_a_new_tour_is_a_draft_that_only_guides_see(app, guide):
    response = make(guide)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/guide/tours/old-frunze-factories/stops/new"
    )
    assert guide.get("/tours/old-frunze-factories/").status_code == 200
    anonymous = app.test_client()
    for url in (
        "/tours/old-frunze-factories/",
        "/tours/old-frunze-factories/walk",
        "/tours/old-frunze-factories/tour.gpx",
        "/api/tours/old-frunze-factories",
    ):
        assert anonymous.get(url).status_code == 404, url
    listed = anonymous.get("/api/tours").get_json()
    assert [tour["id"] for tour in listed["tours"]] == ["small"]
    # One tour for guests: the front door still opens it directly.
    assert anonymous.get("/").headers["Location"].endswith("/tours/small/")
    home = guide.get("/guide/").get_data(as_text=True)
    assert 'data-status="draft"' in home
    assert "/guide/tours/old-frunze-factories/publish" in home


def test_the_new_tour_files_hold_its_texts_and_two_pins(app, guide):
    make(guide)
    folder = Path(app.config["TOURS_FOLDER"]) / "old-frunze-factories"
    meta = json.loads((folder / "tour.json").read_text(encoding="utf-8"))
    assert meta["title"] == {
        "en": "Old Frunze factories",
        "ru": "Старые фабрики Фрунзе",
    }
    assert meta["price"] == {"amount": 500, "currency": "KGS"}
    assert "end_point" not in meta
    stops = json.loads((folder / "stops.geojson").read_text(encoding="utf-8"))
    features = stops["features"]
    assert [f["properties"]["kind"] for f in features] == ["meeting", "end"]
    assert features[0]["geometry"]["coordinates"] == [74.55826, 42.87766]
    assert features[1]["properties"]["summary"]["ru"] == "Мост через реку"
    position = features[0]["properties"]["position"]
    # Tapped on the map: an estimate, and the pin says so in every language.
    assert position["quality"] == "estimate"
    assert position["error_m"] == 12
    assert "on the map" in position["basis"]["en"]
    assert "карте" in position["basis"]["ru"]


def test_a_stop_added_to_a_draft_is_walked_before_the_end(app, guide):
    make(guide)
    base = "/guide/tours/old-frunze-factories/stops/new"
    response = post(guide, base, stop_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(base)
    second = stop_form(name_en="Foundry", pin_lon="74.56260", pin_lat="42.87720")
    assert post(guide, base, second).status_code == 303
    stops = guide.get("/api/tours/old-frunze-factories/stops").get_json()["features"]
    assert [f["properties"]["id"] for f in stops] == [
        "meeting",
        "cloth-factory-gate",
        "foundry",
        "end",
    ]
    # A good phone fix is a firm pin.
    assert stops[1]["properties"]["position"]["quality"] == "firm"
    route = guide.get("/api/tours/old-frunze-factories/route").get_json()
    legs = [(f["properties"]["from"], f["properties"]["to"]) for f in route["features"]]
    assert legs == [
        ("meeting", "cloth-factory-gate"),
        ("cloth-factory-gate", "foundry"),
        ("foundry", "end"),
    ]
    page = guide.get(base).get_data(as_text=True)
    assert "Foundry" in page and 'id="walk-so-far"' in page


def test_a_stop_added_to_a_published_tour_waits_for_the_planner(app, guide):
    response = post(guide, "/guide/tours/small/stops/new", stop_form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/guide/tours/small/plan")
    ids = [
        f["properties"]["id"]
        for f in guide.get("/api/tours/small/stops").get_json()["features"]
    ]
    assert ids == ["start", "middle", "finish"]
    assert "Cloth factory gate" in guide.get("/guide/tours/small/plan").get_data(
        as_text=True
    )


def test_publishing_asks_then_shows_the_tour_and_unpublishing_hides_it(app, guide):
    make(guide)
    post(guide, "/guide/tours/old-frunze-factories/stops/new", stop_form())
    page = guide.get("/guide/tours/old-frunze-factories/publish").get_data(as_text=True)
    assert 'id="confirm-publish"' in page
    assert "Guests will then find it in the list of tours" in page
    anonymous = app.test_client()
    assert anonymous.get("/tours/old-frunze-factories/").status_code == 404
    response = post(
        guide, "/guide/tours/old-frunze-factories/publish", {"confirm": "yes"}
    )
    assert response.status_code == 303
    assert anonymous.get("/tours/old-frunze-factories/").status_code == 200
    listed = [t["id"] for t in anonymous.get("/api/tours").get_json()["tours"]]
    assert listed == ["old-frunze-factories", "small"]
    front = anonymous.get("/")
    assert front.status_code == 200
    assert "Old Frunze factories" in front.get_data(as_text=True)

    page = guide.get("/guide/tours/old-frunze-factories/unpublish").get_data(
        as_text=True
    )
    assert 'id="confirm-unpublish"' in page
    response = post(
        guide, "/guide/tours/old-frunze-factories/unpublish", {"confirm": "yes"}
    )
    assert response.status_code == 303
    assert anonymous.get("/tours/old-frunze-factories/").status_code == 404
    assert [t["id"] for t in anonymous.get("/api/tours").get_json()["tours"]] == [
        "small"
    ]


def test_publishing_without_the_confirmation_changes_nothing(app, guide):
    make(guide)
    response = post(guide, "/guide/tours/old-frunze-factories/publish", {})
    assert response.status_code == 200
    assert app.test_client().get("/tours/old-frunze-factories/").status_code == 404


def test_a_tour_whose_check_finds_errors_is_not_published(app, guide):
    make(guide)
    # 60 m from the meeting point: the two arrival zones overlap, an error.
    close = stop_form(pin_lon="74.55900", pin_lat="42.87766")
    post(guide, "/guide/tours/old-frunze-factories/stops/new", close)
    page = guide.get("/guide/tours/old-frunze-factories/publish").get_data(as_text=True)
    assert 'id="publish-blocked"' in page
    assert "Its arrival zone overlaps that of Cloth factory gate" in page
    assert 'id="confirm-publish"' not in page
    response = post(
        guide, "/guide/tours/old-frunze-factories/publish", {"confirm": "yes"}
    )
    assert response.status_code == 422
    assert app.test_client().get("/tours/old-frunze-factories/").status_code == 404


BAD_TOURS = [
    ({"title_ru": ""}, "title_ru", "The “Title” field (Русский) is empty"),
    ({"meeting_point_ru": " "}, "meeting_point_ru", "(Русский) is empty"),
    ({"end_point_en": ""}, "end_point_en", "(English) is empty"),
    (
        {"duration_min": "two hours"},
        "duration_min",
        "Duration in minutes: give a number.",
    ),
    (
        {"duration_min": "0"},
        "duration_min",
        "Duration in minutes must be between 1 and",
    ),
    ({"price_amount": "-5"}, "price_amount", "Price must be between 0 and"),
    ({"time_zone": "Bishkek"}, "time_zone", "such as Asia/Bishkek"),
    ({"sources": ""}, "sources", "Give at least one source"),
    (
        {"sources": "Factories of Frunze"},
        "sources",
        "At least one source needs its web address",
    ),
    ({"start_lon": None, "start_lat": None}, "start_map", "Place the pin"),
    ({"end_lat": "95"}, "end_map", "Place the pin"),
    ({"end_source": "teleport"}, "end_map", "Place the pin"),
    (
        {"start_source": "gps", "start_accuracy_m": "45"},
        "start_map",
        "Accuracy worse than 20 m",
    ),
    ({"tour_id": "Old Town!"}, "tour_id", "Use a–z, 0–9 and -"),
    ({"tour_id": "small"}, "tour_id", "There is already a tour at /tours/small/"),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_TOURS)
def test_a_bad_new_tour_form_is_refused_with_its_message(
    app, guide, changes, field, message
):
    before = stored(app)
    response = make(guide, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert stored(app) == before
    # What the guide typed is still there.
    assert "Старые фабрики Фрунзе" in page or changes.get("title_ru") == ""


def test_a_poor_phone_fix_is_taken_once_confirmed(app, guide):
    response = make(
        guide, start_source="gps", start_accuracy_m="45", start_confirm_poor="yes"
    )
    assert response.status_code == 303
    stops = guide.get("/api/tours/old-frunze-factories/stops").get_json()["features"]
    position = stops[0]["properties"]["position"]
    assert (position["quality"], position["error_m"]) == ("estimate", 45)


BAD_STOPS = [
    ({"pin_lon": None}, "pin_map", "Place the pin"),
    ({"name_ru": ""}, "name_ru", "The “Name” field (Русский) is empty"),
    ({"arrival_radius_m": "5"}, "arrival_radius_m", "between 20 and 300 m"),
    ({"dwell_min": "lots"}, "dwell_min", "Give the time at the stop as a number"),
    (
        {"pin_source": "gps", "pin_accuracy_m": "60"},
        "pin_map",
        "Accuracy worse than 20 m",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_STOPS)
def test_a_bad_new_stop_is_refused_and_nothing_is_stored(
    app, guide, changes, field, message
):
    make(guide)
    url = "/guide/tours/old-frunze-factories/stops/new"
    response = post(guide, url, stop_form(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    with app.app_context():
        assert db.session.scalars(select(StopEdit)).all() == []
    ids = [
        f["properties"]["id"]
        for f in guide.get("/api/tours/old-frunze-factories/stops").get_json()[
            "features"
        ]
    ]
    assert ids == ["meeting", "end"]


def test_two_stops_of_one_name_get_their_own_ids(app, guide):
    make(guide)
    url = "/guide/tours/old-frunze-factories/stops/new"
    post(guide, url, stop_form())
    post(guide, url, stop_form(pin_lon="74.56260"))
    ids = [
        f["properties"]["id"]
        for f in guide.get("/api/tours/old-frunze-factories/stops").get_json()[
            "features"
        ]
    ]
    assert ids == ["meeting", "cloth-factory-gate", "cloth-factory-gate-2", "end"]


def test_anonymous_visitors_cannot_make_tours(app, client):
    before = stored(app)
    response = client.post("/guide/tours/new", data=tour_form())
    assert response.status_code == 303
    assert "/guide/login" in response.headers["Location"]
    assert stored(app) == before


def test_a_draft_is_deleted_with_its_stops_and_leaves_nothing(app, guide):
    before = stored(app)
    make(guide)
    post(guide, "/guide/tours/old-frunze-factories/stops/new", stop_form())
    page = guide.get("/guide/tours/old-frunze-factories/delete").get_data(as_text=True)
    assert 'id="confirm-delete"' in page
    response = post(
        guide, "/guide/tours/old-frunze-factories/delete", {"confirm": "yes"}
    )
    assert response.status_code == 303
    assert guide.get("/tours/old-frunze-factories/").status_code == 404
    assert stored(app) == before
    with app.app_context():
        assert db.session.scalars(select(StopEdit)).all() == []
    # The address is free again, and a tour made there starts afresh.
    assert make(guide).status_code == 303
    stops = guide.get("/api/tours/old-frunze-factories/stops").get_json()["features"]
    assert [f["properties"]["id"] for f in stops] == ["meeting", "end"]


def test_a_published_tour_is_not_deleted(app, guide):
    response = post(guide, "/guide/tours/small/delete", {"confirm": "yes"})
    assert response.status_code == 422
    assert "Only a draft can be deleted" in response.get_data(as_text=True)
    assert app.test_client().get("/tours/small/").status_code == 200


def test_a_draft_with_dates_is_not_deleted(app, guide):
    make(guide)
    add_date(app, tour_id="old-frunze-factories")
    before = stored(app)
    response = post(
        guide, "/guide/tours/old-frunze-factories/delete", {"confirm": "yes"}
    )
    assert response.status_code == 422
    assert "This draft has dates" in response.get_data(as_text=True)
    assert stored(app) == before
    assert guide.get("/tours/old-frunze-factories/").status_code == 200
