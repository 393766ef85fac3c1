"""Pages around the walk at phone size: first screen, stop maps, ticket offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import create_app
from tests.booking_support import add_date
from tests.browser.conftest import LiveServer
from tests.browser.conftest import new_phone_context

SHOTS = "/tmp"
NARROW = {"width": 320, "height": 640}


@pytest.fixture(scope="module")
def dates_server(tmp_path_factory):
    """A server with two dates: the sooner one has 7 seats left."""
    folder = tmp_path_factory.mktemp("app-pages")
    server = LiveServer(folder, {"FLASK_NEXT_DATE_TTL_S": "0"}).start()
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(folder / "guide.sqlite3"),
            "SECRET_KEY": "app-pages-browser-tests",
        }
    )
    soonest = add_date(app, capacity=12, days=4, seats_taken=5)
    add_date(app, capacity=8, days=11, language="ru")
    yield server, soonest
    server.stop()


@pytest.fixture
def phone(browser, dates_server, guard):
    server, _ = dates_server
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    yield context
    context.close()
    guard.check()


def overflowing(page):
    """Elements whose text does not fit in them, or that reach past the screen."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              "a, button, summary, p, h1, h2, li, dd, dt"))
          .filter((el) => el.offsetParent !== null
            && !el.closest(".visually-hidden")  // 1 px by design, for screen readers
            && (el.scrollWidth > el.clientWidth + 1
                || el.getBoundingClientRect().right > window.innerWidth + 0.5))
          .map((el) => el.tagName + " " + el.textContent.trim().slice(0, 40))"""
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_first_screen_sells_the_walk(phone, dates_server, lang):
    _, soonest = dates_server
    page = phone.new_page()
    page.goto(f"/?lang={lang}")
    hero = page.locator(".hero")
    expect(hero.locator(".pitch")).to_have_text(re.compile(r"^\S.+\.$"))
    expect(hero.locator(".facts")).to_contain_text(
        "6 stops + meeting point" if lang == "en" else "6 остановок + место встречи"
    )
    expect(hero.locator(".next-date")).to_contain_text(
        "7 seats left" if lang == "en" else "Осталось 7 мест"
    )
    register = page.locator("#next-date-register")
    expect(register).to_have_attribute(
        "href", f"/tours/interhelpo/dates/{soonest}/register"
    )
    # Both ways to go are on the first screen, before any scrolling.
    for action in (register, page.locator("#start-own")):
        box = action.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 844, box
    page.screenshot(path=f"{SHOTS}/first-screen-{lang}.png")
    register.click()
    expect(page).to_have_url(
        re.compile(rf"/tours/interhelpo/dates/{soonest}/register$")
    )
    expect(page.locator("select[name=language]")).to_have_count(0)


@pytest.mark.parametrize("lang", ["en", "ru", "cs", "sk", "ky"])
def test_nothing_overflows_at_320_px(browser, dates_server, guard, lang):
    server, soonest = dates_server
    context = new_phone_context(browser, server.url, guard, viewport=NARROW)
    try:
        page = context.new_page()
        found = {}
        for path in [
            "/",
            "/tours/interhelpo/walk",
            "/tours/interhelpo/stops/pishpek-station",
            "/tours/interhelpo/stops/frunze-plant-gate",
            "/tours/interhelpo/about",
            "/tours/interhelpo/dates",
            "/events",
            f"/tours/interhelpo/dates/{soonest}/register",
        ]:
            page.goto(f"{path}?lang={lang}")
            expect(page.locator("main")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
            problems = overflowing(page)
            if problems:
                found[path] = problems
        assert found == {}
    finally:
        context.close()


SHIFTS = """
  window.__shift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.__shift += entry.value;
    }
  }).observe({type: "layout-shift", buffered: true});
"""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tours/interhelpo/walk",
        "/tours/interhelpo/stops/pishpek-station",
        "/tours/interhelpo/about",
        "/tours/interhelpo/dates",
    ],
)
def test_pages_do_not_shift_while_they_load(phone, path):
    page = phone.new_page()
    page.add_init_script(SHIFTS)
    page.goto(path, wait_until="networkidle")
    expect(page.locator("main")).to_be_visible()
    # The scripts have filled in what they fill in (maps, walk panel, offline mark).
    expect(page.locator("#offline-status")).to_be_visible()
    assert page.evaluate("window.__shift") <= 0.02


@pytest.mark.parametrize(
    "locale, distance",
    [
        ("en-US", r"^You are \d+\sm from here\.$"),
        # The unit in the page's language too, not "m".
        ("ru-RU", r"^Вы в \d+\sм отсюда\.$"),
    ],
)
def test_stop_map_shows_the_visitor_and_the_distance_when_allowed(
    browser, dates_server, guard, locale, distance
):
    server, _ = dates_server
    context = new_phone_context(
        browser,
        server.url,
        guard,
        locale=locale,
        permissions=["geolocation"],
        # About 450 m east of Pishpek station's pin.
        geolocation={"latitude": 42.8640, "longitude": 74.5590, "accuracy": 10},
    )
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/stops/pishpek-station")
        stop_map = page.locator("#stop-map")
        expect(stop_map.locator(".leaflet-marker-icon")).to_have_text("3")
        expect(page.locator("#stop-distance")).to_have_text(re.compile(distance))
        expect(stop_map.locator("path.leaflet-you")).to_have_count(1)
        assert stop_map.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
        page.screenshot(path=f"{SHOTS}/stop-map-{locale}.png")
    finally:
        context.close()


def test_stop_map_without_permission_asks_only_on_a_tap(phone):
    page = phone.new_page()
    page.goto("/tours/interhelpo/stops/pishpek-station")
    expect(page.locator("#stop-map .leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#stop-distance")).to_have_text("")
    expect(page.locator("#stop-map path.leaflet-you")).to_have_count(0)


def test_ticket_opens_offline_from_the_walk_page_and_dates_say_how_old(
    browser, dates_server, guard
):
    server, soonest = dates_server
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"/tours/interhelpo/dates/{soonest}/register")
        page.get_by_label("Your name").fill("Offline Test")
        page.get_by_label("Phone").fill("+996 559 336 001")
        page.get_by_label("I agree").check()
        page.get_by_role("button", name="Register").click()
        expect(page.get_by_role("heading", name="You are registered")).to_be_visible()
        code = page.locator("#registration-code").inner_text()
        expect(page.locator("html")).to_have_attribute("data-ticket", "saved")
        # Every page of the tour is saved by the service worker after a visit.
        expect(page.locator("#offline-status[data-state='ready']")).to_be_visible(
            timeout=30_000
        )
        page.goto(
            "/tours/interhelpo/dates"
        )  # seen online once: the copy to show offline

        context.set_offline(True)
        page.goto("/tours/interhelpo/walk")
        page.locator("#walk-sheet-toggle").click()  # the sheet holds the ticket
        ticket = page.locator("#my-ticket")
        expect(ticket).to_be_visible()
        expect(ticket).to_contain_text("My registration:")
        ticket.click()
        expect(page.locator("#registration-code")).to_have_text(code)
        expect(page.locator(".folium-map .leaflet-marker-icon").first).to_be_visible()
        page.screenshot(path=f"{SHOTS}/ticket-offline.png", full_page=True)

        page.goto("/tours/interhelpo/dates")
        expect(page.locator("#as-of")).to_be_visible()
        expect(page.locator("#as-of")).to_contain_text(
            "No connection: dates and seats as of"
        )
        expect(page.locator("#my-ticket")).to_be_visible()
        context.set_offline(False)
    finally:
        context.close()
    # Offline page loads fail on the console by design (tiles, the worker's
    # update check); only errors other than network failures count here.
    guard.console_errors[:] = [
        e for e in guard.console_errors if "ERR_INTERNET_DISCONNECTED" not in e
    ]
    guard.check()


def test_cancelled_page_is_neutral_and_shows_no_total(phone, dates_server):
    _, soonest = dates_server
    page = phone.new_page()
    page.goto(f"/tours/interhelpo/dates/{soonest}/register")
    page.get_by_label("Your name").fill("Cancel Test")
    page.get_by_label("Phone").fill("+996 559 336 001")
    page.get_by_label("Number of people").fill("2")
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel it").click()
    expect(page.get_by_role("heading", name="Registration cancelled")).to_be_visible()
    message = page.locator("#status-message")
    expect(message).to_contain_text("Your registration for 2 people on")
    expect(message).to_have_class(re.compile(r"notice--neutral"))
    # to_have_css retries: booking.css may still be loading when the text is in.
    expect(message).to_have_css("background-color", "rgb(241, 241, 241)")
    main = page.locator("main")
    expect(main).not_to_contain_text("Total")
    expect(main).not_to_contain_text("Meeting point")
    expect(page.locator(".folium-map")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/cancelled.png", full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/tours/interhelpo/walk",
        "/tours/interhelpo/stops/pishpek-station",
        "/tours/interhelpo/dates",
    ],
)
def test_the_header_is_one_slim_bar_with_a_menu(phone, path):
    page = phone.new_page()
    page.goto(path)
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 56, header
    nav = page.locator("#site-nav")
    button = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")
    below = page.locator("main").bounding_box()["y"]
    button.click()
    expect(nav).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Dates")).to_be_visible()
    # The menu drops over the page: nothing under it moves.
    assert page.locator("main").bounding_box()["y"] == below
    page.screenshot(path=f"{SHOTS}/menu{path.replace('/', '-')}.png")
    # A tap outside closes it.
    page.mouse.click(200, 800)
    expect(nav).to_be_hidden()


def test_the_menu_opens_without_scripts(browser, dates_server, guard):
    server, _ = dates_server
    context = new_phone_context(
        browser, server.url, guard, locale="en-US", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/about")
        nav = page.locator("#site-nav")
        expect(nav).to_be_hidden()
        page.locator("#menu-button").click()
        expect(nav).to_be_visible()
        nav.get_by_role("link", name="Dates").click()
        expect(page).to_have_url(re.compile(r"/tours/interhelpo/dates$"))
    finally:
        context.close()
