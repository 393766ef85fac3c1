"""Events in Bishkek: the seeded 2019 listing (past), guide events, .ics, map."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from geo.errors import TourDataError
from geo.events import load_events
from geo.loader import load_tour
from tests.booking_support import hidden_fields

ROOT = Path(__file__).parents[2]
BISHKEK = ZoneInfo("Asia/Bishkek")
OPERA = "Kyrgyz National Academic Opera and Ballet Theater, Bishkek"
# The 2019 tour listing's "Other events", exactly as it gives them (local times).
LISTING = [
    (
        "mezgil-easy-2019",
        'Costume Exhibition "Mezgil Easy"',
        '"Oak Park" named after S.A. Chuykova',
        "2019-11-26T12:00",
        "2019-11-28T16:00",
    ),
    (
        "ikarus-2019",
        "Ikarus at Somewhere",
        "Somewhere bistro, 487/a Jibek Jolu, Bishkek",
        "2019-11-23T21:00",
        "2019-11-23T23:00",
    ),
    ("la-traviata-2019", "La Traviata", OPERA, "2019-12-13T17:00", "2019-12-13T20:00"),
    (
        "ordo-sahna-2019",
        'Folklore and Ethnographic Theater "Ordo Sahna"',
        None,
        "2019-12-10T18:30",
        "2019-12-10T20:00",
    ),
    (
        "tyr-retro-metro-2019",
        "TÝR at Retro-Metro",
        "Retro-Metro, 24 Mir Ave., Bishkek",
        "2019-12-13T21:00",
        "2019-12-13T23:00",
    ),
    (
        "german-christmas-charity-fair-2019",
        "German Christmas Charity Fair",
        "st. Herzen crosses Bokonbaev",
        "2019-11-30T13:00",
        "2019-11-30T18:00",
    ),
    ("opera-theatre-2019-11-23", None, OPERA, "2019-11-23T17:00", "2019-11-23T21:00"),
    (
        "icp-ambassador-talk-2019",
        "ICP Ambassador Talks: Charles Garrett (UK Ambassador)",
        "American University of Central Asia",
        "2019-11-26T15:30",
        "2019-11-26T17:00",
    ),
]
SEEDED = [row[0] for row in LISTING]


def test_the_listing_events_are_shown_as_past_with_their_times(real_client):
    response = real_client.get("/events")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    past_part = html.split('id="past-events"', 1)[1]
    for event_id in SEEDED:
        assert f'data-event-id="{event_id}" data-past="true"' in past_part
    assert "No upcoming events are listed" in html
    item = past_part.split('data-event-id="ordo-sahna-2019"', 1)[1].split("</li>")[0]
    assert "Folklore and Ethnographic Theater &#34;Ordo Sahna&#34;" in item
    assert "Dec 10, 2019, 18:30–20:00" in item and "Venue not known" in item
    item = past_part.split('data-event-id="mezgil-easy-2019"', 1)[1].split("</li>")[0]
    # A spaced dash between two days, as for all-day dates: the times stay readable.
    assert "Nov 26, 2019, 12:00 – Nov 28, 2019, 16:00" in item
    assert "does not give the exact date" not in html
    # No venue position is sourced, so there is no map and no pin.
    assert "folium-map" not in html


def test_an_event_without_a_title_is_named_by_its_venue(real_client):
    html = real_client.get("/events").get_data(as_text=True)
    item = html.split('data-event-id="opera-theatre-2019-11-23"', 1)[1].split("</li>")[
        0
    ]
    assert f"Untitled event at {OPERA}" in item
    assert "Nov 23, 2019, 17:00–21:00" in item


def test_events_page_in_russian_keeps_the_listed_names(real_client):
    html = real_client.get("/events?lang=ru").get_data(as_text=True)
    assert "La Traviata" in html and "TÝR at Retro-Metro" in html
    assert f"Событие без названия: {OPERA}" in html
    assert "Место не известно" in html


@pytest.mark.parametrize(("event_id", "title", "venue", "start", "end"), LISTING)
def test_each_event_has_a_calendar_file_with_its_bishkek_times(
    real_client, event_id, title, venue, start, end
):
    response = real_client.get(f"/events/{event_id}.ics")
    assert response.mimetype == "text/calendar"
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["summary"]) == (title or f"Untitled event at {venue}")
    bishkek = {"tzinfo": BISHKEK}
    assert event.decoded("dtstart") == datetime.fromisoformat(start).replace(**bishkek)
    assert event.decoded("dtend") == datetime.fromisoformat(end).replace(**bishkek)
    assert str(event.get("location", "")) == (venue or "")


def test_calendar_times_are_written_in_utc(real_client):
    ics = real_client.get("/events/la-traviata-2019.ics").get_data(as_text=True)
    # Bishkek is UTC+6 all year: 17:00 local is 11:00 UTC.
    assert "DTSTART:20191213T110000Z" in ics and "DTEND:20191213T140000Z" in ics


def test_unknown_event_has_no_calendar_file(real_client):
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


def map_script(client, html: str) -> str:
    """The page's map script, served as a file of its own."""
    src = re.search(r'<script src="(/tours/[^/"]+/maps/[^"]+)"', html)[1].replace(
        "&amp;", "&"
    )
    response = client.get(src)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_guide_adds_an_upcoming_event_with_a_pin(guide):
    assert add_event(guide, lat="42.8746", lon="74.6122").status_code == 303
    html = guide.get("/events").get_data(as_text=True)
    upcoming = html.split("Past events")[0]
    assert "Concert" in upcoming and "Philharmonic" in upcoming
    assert "folium-map" in html and "circleMarker" in map_script(guide, html)
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
    script = map_script(guide, html)
    # The popup's HTML is the escaped title, written as a JSON string.
    assert "\\u0026lt;img src=x" in script or "&lt;img src=x" in script
    assert "<img" not in script and "\\u003cimg" not in script


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
    "title": "X",
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
        ({"title": {"en": "X", "ru": "Х"}}, "title"),
        ({"title": None}, "title"),
        ({"venue": "  "}, "venue"),
        ({"description": {"en": "only English"}}, "description.ru"),
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


def test_shipped_events_file_holds_the_listing_exactly():
    events = load_events(
        ROOT / "tour_data" / "events.json",
        load_tour(ROOT / "tour_data" / "interhelpo").languages,
    )
    assert [(e.id, e.title, e.venue, e.start, e.end, e.all_day) for e in events] == [
        (
            event_id,
            title,
            venue,
            datetime.fromisoformat(start),
            datetime.fromisoformat(end),
            False,
        )
        for event_id, title, venue, start, end in LISTING
    ]
    assert not any(e.approximate or e.date_note for e in events)
    assert all(e.lonlat is None for e in events)
