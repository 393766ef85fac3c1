"""axe-core finds no WCAG 2.2 AA violations on any page, in the states we can reach."""

from __future__ import annotations

import json
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def violations(page):
    results = AXE.run(
        page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": []}
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results.response["violations"]
    ]


def stop_ids(live_server):
    with urllib.request.urlopen(
        live_server.url + "/api/tours/interhelpo/stops"
    ) as response:
        return [f["properties"]["id"] for f in json.load(response)["features"]]


def pages(live_server):
    paths = ["/tours/interhelpo/", "/tours/interhelpo/about", "/tours/interhelpo/walk"]
    paths += ["/no-such-page"]
    paths += [f"/tours/interhelpo/stops/{stop_id}" for stop_id in stop_ids(live_server)]
    return paths


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_page_has_no_violations(page, live_server, guard, lang):
    found = {}
    for path in pages(live_server):
        page.goto(f"{path}?lang={lang}")
        if path == "/no-such-page":
            # The 404 itself is logged by the browser; nothing else may be.
            guard.console_errors = [e for e in guard.console_errors if "404" not in e]
        expect(page.locator("main")).to_be_visible()
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}


def test_walk_page_states_have_no_violations(browser, live_server, guard):
    context = new_phone_context(
        browser,
        live_server.url,
        guard,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={"latitude": 42.8740, "longitude": 74.5560, "accuracy": 8},
    )
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        page.get_by_role("button", name="Start the walk").click()
        expect(page.locator("#walk-gps")).to_have_attribute("data-level", "good")
        expect(page.locator("#walk-arrow")).to_be_visible()
        assert violations(page) == []
        # The sheet pulled up: the story, the steps and the rest of the walk.
        page.locator("#walk-sheet-toggle").click()
        expect(page.locator("#walk-panel")).to_have_attribute("data-open", "true")
        page.get_by_role("button", name="I am here").click()
        expect(page.locator(".walk-story-item:visible")).to_have_count(1)
        assert violations(page) == []
        # The site's menu, open over the walk.
        open_menu(page)
        assert violations(page) == []
        # Sunlight mode: larger text and stronger contrast must still pass.
        page.get_by_role("button", name="Sunlight").click()
        expect(page.locator("html")).to_have_class("sunlight")
        assert violations(page) == []
        guard.check()
    finally:
        context.close()


def open_menu(page):
    """On a phone the site's links are behind the menu button."""
    button = page.locator("#menu-button")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()
    expect(page.locator("#site-nav")).to_be_visible()


def test_sunlight_mode_sticks_and_is_rendered_by_the_server(page):
    page.goto("/tours/interhelpo/")
    open_menu(page)
    toggle = page.get_by_role("button", name="Sunlight")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    page.goto("/tours/interhelpo/about")
    expect(page.locator("html")).to_have_class("sunlight")
    open_menu(page)
    expect(page.get_by_role("button", name="Sunlight")).to_have_attribute(
        "aria-pressed", "true"
    )
    bigger = page.evaluate(
        "parseFloat(getComputedStyle(document.documentElement).fontSize)"
    )
    assert bigger >= size * 1.2
    assert violations(page) == []


def test_touch_targets_are_at_least_44_px(page, live_server):
    small = {}
    for path in [
        "/",
        "/tours/interhelpo/walk",
        "/tours/interhelpo/about",
        f"/tours/interhelpo/stops/{stop_ids(live_server)[3]}",
    ]:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        sizes = page.evaluate(
            """() => Array.from(document.querySelectorAll(
                "main button, main .button, .site-header a, .site-header button, "
                + ".walk-stop-button, .open-in-maps summary"))
              .filter((el) => el.offsetParent !== null)
              .map((el) => {
                const r = el.getBoundingClientRect();
                return [el.textContent.trim().slice(0, 30), r.width, r.height];
              })
              .filter(([, w, h]) => w < 44 || h < 44)"""
        )
        if sizes:
            small[path] = sizes
    assert small == {}
