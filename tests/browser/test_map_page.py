"""The map page at phone size: stops, route, popups, GPX; nothing from outside."""

from __future__ import annotations

import json
import re

import gpxpy
from playwright.sync_api import expect


def shipped_stops(live_server):
    import urllib.request

    with urllib.request.urlopen(
        live_server.url + "/api/tours/interhelpo/stops"
    ) as response:
        return json.load(response)["features"]


def test_map_shows_every_stop_and_the_route(page, live_server, guard):
    stops = shipped_stops(live_server)
    page.goto("/tours/interhelpo/")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(len(stops))
    legs = page.locator("path.leg-line")
    expect(legs).to_have_count(len(stops) - 1)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text(
        "© OpenStreetMap contributors"
    )
    expect(page.locator(".stop-list > li")).to_have_count(len(stops))
    assert guard.tiles > 0, "the map asked for no tiles"


def test_meeting_point_marker_is_distinct(page):
    page.goto("/tours/interhelpo/")
    expect(page.locator(".stop-pin--meeting")).to_have_count(2)  # map and legend
    expect(page.locator(".leaflet-marker-icon .stop-pin--meeting")).to_have_text("M")


def test_tapping_a_marker_opens_the_stop(page, live_server):
    stops = shipped_stops(live_server)
    second = stops[1]["properties"]
    page.goto("/tours/interhelpo/")
    page.locator(".leaflet-marker-icon", has_text=re.compile(r"^1$")).tap()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(second["name"]["en"])
    popup.get_by_role("link").tap()
    expect(page).to_have_url(re.compile(rf"/tours/interhelpo/stops/{second['id']}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(second["name"]["en"])


def test_story_pages_read_in_both_languages(page, live_server):
    for feature in shipped_stops(live_server):
        stop = feature["properties"]
        for lang in ("en", "ru"):
            page.goto(f"/tours/interhelpo/stops/{stop['id']}?lang={lang}")
            expect(page.locator("html")).to_have_attribute("lang", lang)
            expect(page.get_by_role("heading", level=1)).to_have_text(
                stop["name"][lang]
            )
            assert len(page.locator(".narrative p").all()) >= 2
            expect(page.locator(".sources li").first).to_be_visible()


def test_language_choice_sticks(page):
    page.goto("/?lang=ru")
    page.goto("/tours/interhelpo/about")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("heading", name="Место встречи")).to_be_visible()


def test_estimate_pin_says_so_with_its_radius(page, live_server):
    estimate = next(
        f["properties"]
        for f in shipped_stops(live_server)
        if f["properties"]["position"]["quality"] == "estimate"
    )
    page.goto(f"/tours/interhelpo/stops/{estimate['id']}")
    note = page.locator(".position-note--estimate")
    metres = int(estimate["position"]["error_m"])
    expect(note).to_contain_text(f"it was within about {metres} m of here.")
    basis = note.locator(".how-we-know p")
    expect(basis).to_be_hidden()
    note.get_by_text("How we know").click()
    expect(basis).to_have_text(estimate["position"]["basis"]["en"])


def test_gpx_downloads_and_reads_back(page, live_server, tmp_path):
    page.goto("/tours/interhelpo/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download GPX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".gpx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
    assert len(gpx.waypoints) == len(shipped_stops(live_server))
    assert gpx.tracks[0].segments[0].points


def test_about_page_has_what_a_guest_needs(page):
    page.goto("/tours/interhelpo/about")
    main = page.locator("main")
    for text in ("700 KGS", "+996 (0) 559 336 001", "Registration is compulsory"):
        expect(main).to_contain_text(text)
    expect(page.locator(".map-wrap .leaflet-marker-icon").first).to_be_visible()


def test_map_fetches_no_unused_marker_images(page):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/tours/interhelpo/")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert not [url for url in fetched if "marker-" in url]
