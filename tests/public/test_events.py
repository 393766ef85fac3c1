"""Events in Bishkek: the seeded 2019 listing (past), guide events, .ics, map."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from geo.errors import TourDataError
from geo.events import load_events
from tests.booking_support import hidden_fields

ROOT = Path(__file__).parents[2]
SEEDED = [
    "mezgil-easy-2019",
    "ikarus-2019",
    "la-traviata-2019",
    "ordo-sahna-2019",
    "tyr-retro-metro-2019",
    "german-christmas-charity-fair-2019",
    "icp-ambassador-talk-2019",
]


def test_the_listing_events_are_seeded_as_past(real_client):
    response = real_client.get("/events")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    past_part = html.split('id="past-events"', 1)[1]
    for event_id in SEEDED:
        assert f'data-event-id="{event_id}" data-past="true"' in past_part
    assert "No upcoming events are listed" in html
    assert "La Traviata" in html and "Oak Park" in html
    # The listing gives no exact dates, and the page says so.
    assert "does not give the exact date" in html
    # No venue position is sourced, so there is no map and no pin.
    assert "folium-map" not in html


def test_events_page_in_russian(real_client):
    html = real_client.get("/events?lang=ru").get_data(as_text=True)
    assert "Театр оперы и балета" in html


def test_each_event_has_a_calendar_file(real_client):
    response = real_client.get("/events/la-traviata-2019.ics")
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "La Traviata"
    assert event.decoded("dtstart") == date(2019, 11, 1)
    assert event.decoded("dtend") == date(2020, 1, 1)
    assert "Opera and Ballet Theater" in str(event["location"])
    assert real_client.get("/events/nope.ics").status_code == 404


def add_event(client, **fields):
    page = client.get("/guide/events").get_data(as_text=True)
    data = {
        "title": "Concert",
        "venue": "Philharmonic",
        "day": "2031-06-01",
        "start": "19:00",
        "end": "21:00",
        "description": "Music.",
        "link": "https://example.kg/concert",
        "lat": "",
        "lon": "",
        **fields,
    }
    return client.post("/guide/events", data={**hidden_fields(page), **data})


def test_guide_adds_an_upcoming_event_with_a_pin(guide):
    assert add_event(guide, lat="42.8746", lon="74.6122").status_code == 303
    html = guide.get("/events").get_data(as_text=True)
    upcoming = html.split("Past events")[0]
    assert "Concert" in upcoming and "Philharmonic" in upcoming
    assert "folium-map" in html and "circleMarker" in html
    ics = guide.get("/events/guide-1.ics")
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert event["geo"].latitude == pytest.approx(42.8746)
    assert str(event["url"]) == "https://example.kg/concert"


def test_event_without_position_gets_no_pin(guide):
    add_event(guide)
    assert "folium-map" not in guide.get("/events").get_data(as_text=True)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"title": ""}, "title"),
        ({"link": "javascript:alert(1)"}, "link"),
        ({"lat": "42.87", "lon": ""}, "lon"),
        ({"lat": "142", "lon": "74"}, "lat"),
        ({"end": "18:00"}, "end"),
    ],
)
def test_event_validation(guide, fields, field):
    response = add_event(guide, **fields)
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_event_text_is_escaped_on_the_map_and_page(guide):
    add_event(guide, title="<img src=x onerror=alert(1)>", lat="42.87", lon="74.6")
    html = guide.get("/events").get_data(as_text=True)
    assert "<img src=x" not in html


def test_remove_an_event(guide):
    add_event(guide)
    page = guide.get("/guide/events").get_data(as_text=True)
    response = guide.post("/guide/events/1/delete", data=hidden_fields(page))
    assert response.status_code == 303
    assert "Concert" not in guide.get("/events").get_data(as_text=True)


def test_past_guide_event_is_behind_the_toggle(guide):
    add_event(guide, day="2020-01-01")
    html = guide.get("/events").get_data(as_text=True)
    assert 'data-event-id="guide-1" data-past="true"' in html


def _write(tmp_path, events):
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"events": events}), encoding="utf-8")
    return path


GOOD = {
    "id": "x",
    "title": {"en": "X", "ru": "Х"},
    "start": "2030-01-01T10:00",
    "description": {"en": "d", "ru": "д"},
    "sources": [{"url": "https://example.kg", "title": "t"}],
}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id": "Bad Id"}, "id"),
        ({"start": "tomorrow"}, "start"),
        ({"end": "2029-01-01T10:00"}, "end"),
        ({"end": "2030-01-02"}, "end"),
        ({"lonlat": [200, 1]}, "lonlat"),
        ({"approximate": True}, "date_note"),
        ({"link": "ftp://x"}, "link"),
        ({"title": {"en": "only English"}}, "title.ru"),
    ],
)
def test_events_file_mistakes_name_the_field(tmp_path, change, field):
    path = _write(tmp_path, [{**GOOD, **change}])
    with pytest.raises(TourDataError) as caught:
        load_events(path, ["en", "ru"])
    assert caught.value.field == field


def test_duplicate_event_ids(tmp_path):
    path = _write(tmp_path, [GOOD, GOOD])
    with pytest.raises(TourDataError, match="duplicate"):
        load_events(path, ["en", "ru"])


def test_shipped_events_file_is_valid():
    events = load_events(ROOT / "tour_data" / "events.json", ["en", "ru"])
    assert [e.id for e in events] == SEEDED
    assert all(e.approximate and e.lonlat is None for e in events)
