"""Guide tools at phone size (390x844): sign-in, the /guide gate, planner to public map,
field calibration with scripted geolocation, walked-track import, and a live walk
followed by a guest, served by gunicorn with several worker processes."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GUIDE_PASSWORD
from tests.browser.conftest import ROOT
from tests.browser.conftest import Guard
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.conftest import tiles_settled

TRACKS = ROOT / "tests" / "data" / "tracks"
SHOTS = Path("/tmp")
PASSWORD = GUIDE_PASSWORD


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: publishing a route must not change the map other tests see."""
    # gunicorn with several worker processes: state must be shared.
    with own_server(tmp_path_factory.mktemp("guide-instance"), workers=3) as server:
        yield server


@pytest.fixture
def guard():
    return Guard()


def phone(browser, server, guard, **options):
    # No service worker: these tools are online-only, and publishing changes the
    # tour's version, so a new worker would install (and take over tile requests)
    # in the middle of the test. The offline copy is tested in test_offline.py.
    options.setdefault("service_workers", "block")
    return new_phone_context(browser, server.url, guard, locale="en-US", **options)


@pytest.fixture
def context(browser, server, guard):
    context = phone(browser, server, guard)
    yield context
    context.close()


@pytest.fixture
def page(context, guard):
    page = context.new_page()
    yield page
    guard.check()


def sign_in(page, next_path="/guide/"):
    page.goto(f"/guide/login?next={next_path}")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(next_path) + r"$"))


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"guide-{name}.png"), full_page=True)


def plan_order(page):
    return page.locator("#plan-list > li").evaluate_all(
        "items => items.map(li => li.dataset.stopId)"
    )


def total_min(page):
    return int(page.locator('[data-total="total"]').inner_text())


# --- sign-in and the gate ---------------------------------------------------------


def test_sign_in_and_wrong_password(page, guard):
    page.goto("/guide/tours/interhelpo/plan")
    expect(page).to_have_url(
        re.compile(r"/guide/login\?next=/guide/tours/interhelpo/plan")
    )
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-error")).to_be_visible()
    # The failed sign-in page is served with 401 on purpose; Chromium logs that.
    guard.console_errors[:] = [e for e in guard.console_errors if "401" not in e]
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/guide/tours/interhelpo/plan$"))
    expect(page.get_by_role("heading", name="Plan the route")).to_be_visible()


def test_anonymous_visitors_are_refused_everywhere_under_guide(page, server):
    from app import create_app

    app = create_app({"TESTING": True, "DATABASE": str(server.instance / "map.db")})
    rules = [
        (re.sub(r"<(?:int:)?\w+>", "1", rule.rule), sorted(rule.methods))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/guide") and rule.endpoint != "auth.login"
    ]
    assert len(rules) > 15
    for url, methods in rules:
        if "GET" in methods:
            page.goto(url)
            expect(page).to_have_url(re.compile(r"/guide/login\?next="))
            expect(page.get_by_role("heading", name="Guide sign-in")).to_be_visible()
        for method in set(methods) & {"POST", "PUT", "PATCH", "DELETE"}:
            response = page.request.fetch(url, method=method, max_redirects=0)
            # No token: CSRF refuses (400); the gate would send them to sign in.
            assert response.status in (303, 400, 401), (method, url, response.status)


# --- planner to the public map --------------------------------------------------------


def test_plan_reorder_best_order_save_publish(page, guard):
    sign_in(page, "/guide/tours/interhelpo/plan")
    start = plan_order(page)
    assert start[0] == "meeting-point" and len(start) == 7
    first_total = total_min(page)

    # Buttons: move Osh Bazaar (the end) up to right after the meeting point.
    for _ in range(5):
        page.get_by_role("button", name="Move Osh Bazaar up").click()
    assert plan_order(page)[1] == "osh-bazaar"
    # Keyboard on the drag handle.
    page.get_by_role("button", name=re.compile("^Move Fučík Park")).first.focus()
    page.keyboard.press("ArrowUp")
    # A finger drags the bridge up over the stop above it.
    before_drag = plan_order(page)
    at = before_drag.index("ala-archa-bridge")
    above = before_drag[at - 1]
    handle = page.locator('[data-stop-id="ala-archa-bridge"] .drag-handle')
    handle.scroll_into_view_if_needed()
    hbox = handle.bounding_box()
    tbox = page.locator(f'[data-stop-id="{above}"]').bounding_box()
    page.mouse.move(hbox["x"] + hbox["width"] / 2, hbox["y"] + hbox["height"] / 2)
    page.mouse.down()
    page.mouse.move(hbox["x"] + 20, tbox["y"] + 5, steps=8)
    page.mouse.up()
    order = plan_order(page)
    assert order.index("ala-archa-bridge") == at - 1, order
    assert order.index(above) == at, order
    zigzag_total = total_min(page)
    assert zigzag_total > first_total
    warning = page.locator("#over-slot")
    if zigzag_total > 120:
        expect(warning).to_be_visible()
        expect(warning).to_contain_text("min over the tour’s time slot of 2 h")
    shot(page, "plan-zigzag")

    page.get_by_role("button", name="Best order").click()
    expect(page.locator("#plan-status")).to_contain_text("Reordered")
    best = plan_order(page)
    assert best[0] == "meeting-point" and best[-1] == "osh-bazaar"
    assert total_min(page) < zigzag_total
    expect(warning).to_be_hidden()

    # Leave a stop out: the totals drop at once.
    before = total_min(page)
    page.get_by_role(
        "button", name="Leave out Pishpek station (today Bishkek-1)"
    ).click()
    assert total_min(page) < before
    planned = plan_order(page)
    assert "pishpek-station" not in planned

    page.get_by_label(re.compile("^Name, e.g.")).fill("short")
    page.get_by_role("button", name="Save variant").click()
    expect(page.locator(".notice")).to_contain_text("Saved the variant")
    assert plan_order(page) == planned
    variant = page.locator('.variant[data-variant="short"]')
    variant.get_by_role("link", name="Publish").click()
    page.get_by_role("button", name="Yes, publish “short”").click()
    expect(page.locator(".notice")).to_contain_text("Published")
    expect(variant.locator(".badge")).to_have_text("published")
    shot(page, "plan-published")

    # The public map now walks this order, without the left-out stop.
    page.goto("/tours/interhelpo/")
    links = page.locator(".stop-list a.stop-link").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert [link.rsplit("/", 1)[-1] for link in links] == planned
    expect(page.locator(".folium-map")).to_be_visible()
    shot(page, "public-map-after-publish")

    # The printable route sheet of the variant.
    tiles_settled(page)
    page.goto("/guide/tours/interhelpo/plan")
    tiles_settled(page)
    page.locator('.variant[data-variant="short"]').get_by_role(
        "link", name="Route sheet"
    ).click()
    expect(page.locator("svg.sheet-map polyline")).to_have_count(len(planned) - 1)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    shot(page, "route-sheet-print")
    page.emulate_media(media="screen")


# --- field calibration ----------------------------------------------------------------


def test_calibration_with_scripted_geolocation(browser, server, guard):
    context = phone(
        browser,
        server,
        guard,
        permissions=["geolocation"],
        geolocation={"latitude": 42.86870, "longitude": 74.55745, "accuracy": 35},
    )
    page = context.new_page()
    sign_in(page, "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate")
    page.get_by_role("button", name="Use my position").click()
    expect(page.locator("#reading")).to_contain_text("±35 m")
    expect(page.locator("#poor")).to_be_visible()
    set_pin = page.get_by_role("button", name="Set the pin here")
    expect(set_pin).to_be_disabled()
    shot(page, "calibrate-poor")

    context.set_geolocation(
        {"latitude": 42.86871, "longitude": 74.55746, "accuracy": 6}
    )
    page.get_by_role("button", name="Use my position").click()
    expect(page.locator("#reading")).to_contain_text("±6 m")
    expect(page.locator("#poor")).to_be_hidden()
    expect(set_pin).to_be_enabled()
    set_pin.click()
    expect(page.locator(".notice")).to_contain_text("Pin set")
    expect(page.get_by_test_id("field-verified")).to_contain_text("±6 m")
    expect(page.locator(".audit-log li")).to_have_count(1)
    expect(page.locator(".audit-log li")).to_contain_text("anna")
    shot(page, "calibrate-done")

    page.goto("/tours/interhelpo/stops/frunze-plant-gate")
    expect(page.locator("main")).to_contain_text("Field-verified by a guide")
    page.close()
    context.close()
    guard.check()


# --- walked-track import -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.gpx", "holds no track"),
        ("broken.gpx", "not a GPX file"),
        ("far_away.gpx", "recorded somewhere else"),
    ],
)
def test_bad_track_uploads_are_explained(page, guard, name, message):
    sign_in(page, "/guide/tours/interhelpo/track/")
    page.get_by_label("GPX file").set_input_files(str(TRACKS / name))
    page.get_by_role("button", name="Upload and review").click()
    expect(page.locator("#track-error")).to_contain_text(message)
    expect(page.locator("#track-error")).to_contain_text("Nothing was changed")
    # The form comes back with 422 on purpose; Chromium logs the status.
    guard.console_errors[:] = [e for e in guard.console_errors if "422" not in e]
    if name == "far_away.gpx":
        shot(page, "track-far-away")


def test_good_track_is_reviewed_and_replaces_the_path(page, server):
    sign_in(page, "/guide/tours/interhelpo/track/")
    page.get_by_label("GPX file").set_input_files(str(TRACKS / "walk.gpx"))
    page.get_by_role("button", name="Upload and review").click()
    expect(page.get_by_role("heading", name="Review the walked path")).to_be_visible()
    expect(page.locator("#review-map .leaflet-interactive").first).to_be_attached()
    shot(page, "track-review")
    page.get_by_role("button", name="Replace the path").click()
    expect(page.locator("div.notice")).to_contain_text("now is the tour's path")
    import json

    with urllib.request.urlopen(server.url + "/api/tours/interhelpo/route") as response:
        legs = json.load(response)["features"]
    assert legs and not any(leg["properties"]["approximate"] for leg in legs)


# --- live walk: guide and guest -------------------------------------------------------


def test_live_walk_guest_follows_the_guide(browser, server, guard):
    import json

    # Whatever route is published now (another test may have published one).
    with urllib.request.urlopen(server.url + "/api/tours/interhelpo/stops") as response:
        ids = [f["properties"]["id"] for f in json.load(response)["features"]]
    guide_context = phone(
        browser,
        server,
        guard,
        permissions=["geolocation"],
        geolocation={"latitude": 42.8752, "longitude": 74.5580, "accuracy": 7},
    )
    guest_context = phone(browser, server, guard)
    guide = guide_context.new_page()
    sign_in(guide, "/guide/tours/interhelpo/live")
    guide.get_by_role("button", name="Start a live walk").click()
    code = guide.get_by_test_id("live-code").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    expect(guide.locator(".qr svg")).to_be_visible()
    shot(guide, "live-guide")

    guest = guest_context.new_page()
    guest.goto("/live")
    guest.get_by_label("The code your guide reads out").fill(code.lower())
    guest.get_by_role("button", name="Join").click()
    expect(guest.locator("#live-stop-name")).to_have_attribute(
        "data-stop-id", "meeting-point"
    )

    stops = guide.locator(".live-stops li")
    stops.nth(3).get_by_role("button").click()
    expect(guide.locator("#live-status")).to_contain_text("Guests now see stop 3")
    expect(stops.nth(3)).to_have_class(re.compile("is-current"))
    # Within 10 s, without reloading: the guest's page polls the shared state.
    expect(guest.locator("#live-stop-name")).to_have_attribute(
        "data-stop-id", ids[3], timeout=10_000
    )
    expect(guest.locator("#live-index")).to_have_text("3")

    guide.get_by_role("button", name="Share my position").click()
    expect(guest.locator("#live-guide")).to_contain_text("Your guide", timeout=10_000)
    expect(guest.locator("#live-guide")).to_contain_text("s ago")
    shot(guest, "live-guest")

    stops.nth(len(ids) - 1).get_by_role("button").click()
    expect(guest.locator("#live-stop-name")).to_have_attribute(
        "data-stop-id", ids[-1], timeout=10_000
    )
    guide.get_by_role("button", name="End the live walk").click()
    expect(guest.locator("#live-ended")).to_be_visible(timeout=10_000)
    expect(guest.locator("#live-guide")).to_contain_text("not shared")
    guide_context.close()
    guest_context.close()
    guard.check()


# --- check, editing, Russian ------------------------------------------------------


def test_check_page_edit_and_russian(page, guard):
    sign_in(page, "/guide/tours/interhelpo/check")
    expect(page.locator("main p[role=status]")).to_contain_text("error")
    shot(page, "check")

    page.goto("/guide/tours/interhelpo/stops/")
    page.locator(".variant", has_text="Osh Bazaar").get_by_role(
        "link", name="Edit"
    ).click()
    page.get_by_label("Minutes at the stop").fill("4")
    page.locator("fieldset[lang=en]").get_by_label("Summary (one line)").fill(
        "The end of the walk, and where to go next."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("Saved")
    shot(page, "stop-edit")
    page.get_by_label("Arrival radius in metres (20–300)").fill("5")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#edit-error")).to_contain_text(
        "The arrival radius must be between 20 and 300 m."
    )
    guard.console_errors[:] = [e for e in guard.console_errors if "422" not in e]
    page.goto("/tours/interhelpo/stops/osh-bazaar")
    expect(page.locator("main")).to_contain_text("where to go next")

    page.goto("/guide/tours/interhelpo/plan?lang=ru")
    expect(page.get_by_role("heading", name="Спланировать маршрут")).to_be_visible()
    expect(page.get_by_role("button", name="Лучший порядок")).to_be_visible()
    shot(page, "plan-ru")
    page.goto("/guide/tours/interhelpo/plan?lang=en")
