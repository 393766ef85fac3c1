"""Offline: after one visit the tour works offline; a new deploy replaces it."""

from __future__ import annotations

import json
import shutil

import gpxpy
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BLANK_TILE
from tests.browser.conftest import ROOT
from tests.browser.conftest import TILE
from tests.browser.conftest import LiveServer
from tests.browser.conftest import new_phone_context

READY = "#offline-status[data-state='ready']"


def wait_ready(page):
    expect(page.locator(READY)).to_be_visible(timeout=20_000)
    return page.evaluate("window.tourOffline.status()")


def fetch_text(page, path):
    return page.evaluate(
        """async (path) => {
            const r = await fetch(path);
            const type = r.headers.get("Content-Type");
            return {status: r.status, type: type, body: await r.text()};
        }""",
        path,
    )


@pytest.fixture
def fresh_context(browser, live_server, guard):
    """A context of its own, so that no other test's service worker is in it."""
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    yield context
    context.close()


def test_whole_tour_works_offline_after_one_visit(fresh_context, guard, live_server):
    page = fresh_context.new_page()
    page.goto("/tours/interhelpo/")
    status = wait_ready(page)
    assert status["ready"] is True and status["missing"] == []
    # The tiles shown before the worker took over are handed to it.
    page.wait_for_function(
        """() => window.tourOffline.status().then(
            (s) => s.tiles > 0
                && s.tiles >= document.querySelectorAll("img.leaflet-tile").length)"""
    )
    tiles_online = guard.tiles
    assert tiles_online > 0
    stops = json.loads(fetch_text(page, "/api/tours/interhelpo/stops")["body"])[
        "features"
    ]

    fresh_context.set_offline(True)
    page.reload()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(len(stops))
    expect(page.locator("path.leg-line")).to_have_count(len(stops) - 1)
    expect(page.locator(".stop-list > li")).to_have_count(len(stops))
    # The tiles seen online came from the phone's cache, not the network.
    assert guard.tiles == tiles_online

    story = stops[3]["properties"]
    page.get_by_role("link", name=story["name"]["en"]).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(story["name"]["en"])
    page.goto(f"/tours/interhelpo/stops/{story['id']}?lang=ru")
    expect(page.get_by_role("heading", level=1)).to_have_text(story["name"]["ru"])
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    # The language chosen offline sticks for the next page, as it does online.
    page.goto("/tours/interhelpo/about")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.goto("/tours/interhelpo/walk?lang=en")
    expect(page.get_by_role("button", name="Start the walk")).to_be_visible()

    gpx = fetch_text(page, "/tours/interhelpo/tour.gpx")
    assert gpx["status"] == 200
    assert gpx["type"].startswith("application/gpx+xml")
    parsed = gpxpy.parse(gpx["body"])
    assert len(parsed.waypoints) == len(stops)
    for waypoint, stop in zip(parsed.waypoints, stops, strict=True):
        assert stop["properties"]["name"]["en"] in waypoint.name
    route = json.loads(fetch_text(page, "/api/tours/interhelpo/route")["body"])
    assert len(route["features"]) == len(stops) - 1
    fresh_context.set_offline(False)
    guard.check()


def test_tiles_out_of_reach_are_plain_squares(fresh_context, guard):
    page = fresh_context.new_page()
    page.goto("/tours/interhelpo/")
    wait_ready(page)
    # No data for the tile server from now on (the test's offline switch does not
    # stop its own tile stand-in, so the tile requests are refused here).
    refused = []
    fresh_context.route(TILE, lambda route: (refused.append(1), route.abort()))
    page.reload()
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    # Two levels closer: tiles the phone has never seen.
    page.locator(".leaflet-control-zoom-in").click()
    page.locator(".leaflet-control-zoom-in").click()
    expect(page.locator("img.leaflet-tile:not(.leaflet-tile-loaded)")).to_have_count(0)
    squares = page.locator("img.leaflet-tile-loaded").evaluate_all(
        "tiles => tiles.filter((t) => t.naturalWidth === 256).length"
    )
    assert squares >= 4
    assert len(refused) >= 4  # they were asked for, and refused
    guard.check()  # no broken image, no console error per tile


def test_language_cookie_is_not_changed_by_saving(fresh_context, live_server):
    page = fresh_context.new_page()
    page.goto("/?lang=en")
    wait_ready(page)
    # Saving fetched every page in Russian too; the visitor's choice is still English.
    page.goto("/tours/interhelpo/about")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_positions_are_never_stored(fresh_context, live_server):
    """A route from where the visitor stands passes through, it is not kept."""
    page = fresh_context.new_page()
    page.goto("/")
    wait_ready(page)
    here = "42.87512,74.58901"
    for path in (
        f"/api/tours/interhelpo/route?from={here}&to=meeting-point",
        f"/api/tours/interhelpo/route?to={here}&from=meeting-point&lang=ru",
        f"/tours/interhelpo/route.gpx?from={here}&to=meeting-point",
    ):
        assert fetch_text(page, path)["status"] == 200, path
    page.goto(
        "/tours/interhelpo/about"
    )  # give the worker time to store what it would store
    stored = page.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(request.url);
            }
            return urls;
        }"""
    )
    assert any(
        "/api/tours/interhelpo/route" in url for url in stored
    )  # the tour's own path is
    assert [url for url in stored if "42.875" in url or "from=" in url] == []


@pytest.fixture
def deploy(tmp_path_factory):
    """Deploys of the guide on one address: the shipped data, then a changed copy."""
    servers = []

    def start(data, port=None):
        instance = tmp_path_factory.mktemp("deploy")
        server = LiveServer(instance, env={"FLASK_TOUR_DATA": str(data)}, port=port)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def test_new_deploy_is_picked_up(browser, guard, deploy, tmp_path):
    first = tmp_path / "v1"
    shutil.copytree(ROOT / "tour_data", first)
    # A second tour that this deploy does not touch: its offline copy must stay.
    shutil.copytree(first / "interhelpo", first / "second")
    server = deploy(first)
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/stops/pishpek-station")
        old = wait_ready(page)
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Pishpek station (today Bishkek-1)")

        # Deploy a corrected story on the same address.
        second = tmp_path / "v2"
        shutil.copytree(first, second)
        stops_file = second / "interhelpo" / "stops.geojson"
        stops_file.write_text(
            stops_file.read_text(encoding="utf-8").replace(
                '"en": "Pishpek station (today Bishkek-1)"',
                '"en": "Pishpek station, now Bishkek-1"',
            ),
            encoding="utf-8",
        )
        port = server.port
        server.stop()
        deploy(second, port=port)

        page.reload()
        expect(heading).to_have_text("Pishpek station, now Bishkek-1")
        update = page.get_by_role("button", name="Update now")
        expect(update).to_be_visible(timeout=20_000)
        update.click()
        new = wait_ready(page)
        assert new["version"] != old["version"]
        assert page.evaluate("document.documentElement.dataset.sw").endswith(
            new["version"]
        )
        caches = page.evaluate("caches.keys()")
        old_caches, new_caches = set(old["caches"]), set(new["caches"])
        changed = {name for name in new_caches if name.startswith("tour-interhelpo-")}
        assert changed and not changed & old_caches  # the changed tour: a new copy
        assert (
            not old_caches
            - new_caches
            - {name for name in old_caches if name.startswith("tour-interhelpo-")}
        )  # the other tour and the shell: the same copies as before
        assert any(name.startswith("tour-second-") for name in new_caches)
        assert set(caches) >= new_caches
        assert not (old_caches - new_caches) & set(caches)  # the old copy is gone

        context.set_offline(True)
        page.goto("/tours/interhelpo/stops/pishpek-station")
        expect(heading).to_have_text("Pishpek station, now Bishkek-1")
        context.set_offline(False)
        guard.check()
    finally:
        context.close()


def test_tile_cache_keeps_to_its_bound(browser, guard, deploy):
    # Room for three blank test tiles only.
    limit_mb = (3 * len(BLANK_TILE) + 100) / (1024 * 1024)
    instance_env = {"FLASK_TILE_CACHE_MAX_MB": repr(limit_mb)}
    server = deploy(ROOT / "tour_data")
    server.stop()
    server.env.update(instance_env)
    server.start()
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/")
        wait_ready(page)
        page.reload()  # now the worker sees the tiles
        expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
        page.locator(".leaflet-control-zoom-in").click()
        expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
        status = page.evaluate("window.tourOffline.status()")
        assert status["tile_max_bytes"] == int(limit_mb * 1024 * 1024)
        assert 0 < status["tile_bytes"] <= status["tile_max_bytes"]
        assert 0 < status["tiles"] <= 3
        assert guard.tiles > status["tiles"]
        guard.check()
    finally:
        context.close()


def test_tour_area_download_when_the_tile_server_allows_it(browser, guard, deploy):
    server = deploy(ROOT / "tour_data")
    server.stop()
    server.env.update(
        {
            "FLASK_TILES_ALLOW_BULK": "true",
            "FLASK_TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
            "FLASK_OFFLINE_AREA_ZOOMS": "[14, 15]",
        }
    )
    server.start()
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        wait_ready(page)
        page.locator("#walk-sheet-toggle").click()  # the walk's sheet holds it
        page.get_by_role("button", name="Make the tour area available offline").click()
        message = page.locator("#walk-area-message")
        expect(message).to_contain_text("map tiles, about")
        count = int(message.text_content().split("The tour area is ")[1].split()[0])
        assert 4 <= count <= 60
        before = guard.tiles
        page.get_by_role("button", name="Save the map tiles").click()
        expect(message).to_have_text(f"Saved {count} map tiles of the tour area.")
        assert guard.tiles - before == count
        status = page.evaluate("window.tourOffline.status()")
        assert status["area_tiles"] == count
        guard.check()
    finally:
        context.close()
