"""Walk mode at phone size: a scripted walk with emulated GPS; poor fixes; no GPS."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context
from tests.browser.conftest import tiles_settled

T0 = dt.datetime(2026, 5, 2, 10, 0, tzinfo=dt.UTC)
EARTH_M_PER_DEG = 111_195.0


def tour_stops(live_server):
    with urllib.request.urlopen(
        live_server.url + "/api/tours/interhelpo/stops"
    ) as response:
        features = json.load(response)["features"]
    return [
        {
            "id": f["properties"]["id"],
            "order": f["properties"]["order"],
            "name": f["properties"]["name"]["en"],
            "lat": f["geometry"]["coordinates"][1],
            "lon": f["geometry"]["coordinates"][0],
            "radius": f["properties"]["arrival_radius_m"],
        }
        for f in features
    ]


def offset(lat, lon, north_m=0.0, east_m=0.0):
    """A point some metres north and east of (lat, lon)."""
    return (
        lat + north_m / EARTH_M_PER_DEG,
        lon + east_m / (EARTH_M_PER_DEG * math.cos(math.radians(lat))),
    )


def metres(a, b):
    dlat = (b[0] - a[0]) * EARTH_M_PER_DEG
    dlon = (b[1] - a[1]) * EARTH_M_PER_DEG * math.cos(math.radians(a[0]))
    return math.hypot(dlat, dlon)


class Walker:
    """Moves the emulated phone and waits until the page has handled each fix."""

    def __init__(self, context, page):
        self.context = context
        self.page = page
        self.fixes = 0

    def at(self, lat, lon, accuracy=8.0):
        self.context.set_geolocation(
            {"latitude": lat, "longitude": lon, "accuracy": accuracy}
        )
        self.fixes += 1
        expect(self.page.locator("#walk-panel")).to_have_attribute(
            "data-fixes", str(self.fixes)
        )

    def start(self, lat, lon):
        self.context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 8})
        self.page.get_by_role("button", name="Start the walk").click()
        self.fixes = 1
        expect(self.page.locator("#walk-panel")).to_have_attribute("data-fixes", "1")

    def walk(self, start, end, step_m=90.0):
        """Straight towards ``end`` in steps, as the straight legs are drawn."""
        steps = max(1, math.ceil(metres(start, end) / step_m))
        for i in range(1, steps + 1):
            f = i / steps
            self.at(
                start[0] + (end[0] - start[0]) * f, start[1] + (end[1] - start[1]) * f
            )


@pytest.fixture
def gps_context(browser, live_server, guard):
    context = new_phone_context(
        browser,
        live_server.url,
        guard,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={"latitude": 42.8777, "longitude": 74.5500, "accuracy": 8},
    )
    yield context
    context.close()


def open_walk(context):
    """The walk page at T0 in a new tab of ``context``, its panel drawn."""
    page = context.new_page()
    page.clock.set_fixed_time(T0)
    page.goto("/tours/interhelpo/walk")
    expect(page.locator("#walk-panel")).to_be_visible()
    return page


@pytest.fixture
def walk_page(gps_context, guard):
    yield open_walk(gps_context)
    guard.check()


def open_sheet(page):
    """Pull the walk's sheet up with its handle (a button), unless it is up."""
    sheet = page.locator("#walk-panel")
    if sheet.get_attribute("data-open") != "true":
        page.locator("#walk-sheet-toggle").click()
    expect(sheet).to_have_attribute("data-open", "true")


def close_sheet(page):
    sheet = page.locator("#walk-panel")
    if sheet.get_attribute("data-open") == "true":
        page.locator("#walk-sheet-toggle").click()
    expect(sheet).to_have_attribute("data-open", "false")


def heading(page):
    return page.locator("#walk-target-heading")


def shown_story(page):
    return page.locator(".walk-story-item:visible")


def test_scripted_walk_in_order(gps_context, walk_page, live_server):
    page = walk_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    meeting = stops[0]
    # Start 500 m west of the meeting point: nothing is reached yet.
    here = offset(meeting["lat"], meeting["lon"], east_m=-500)
    walker.start(*here)
    expect(page.locator("#walk-gps")).to_have_attribute("data-level", "good")
    expect(heading(page)).to_have_text(f"Next: {meeting['name']}")
    expect(page.locator("#walk-distance")).to_contain_text("500 m")
    expect(page.locator("#walk-distance")).to_contain_text("east")
    expect(page.locator("#walk-arrow")).to_be_visible()
    # The meeting point is not a numbered stop: six to go.
    expect(page.locator("#walk-progress")).to_contain_text("0 of 6 stops")
    expect(page.locator("#walk-coach")).to_have_attribute("data-state", "idle")
    expect(page.locator(".walk-me")).to_have_count(1)
    expect(page.locator(".walk-accuracy")).to_have_count(1)

    walker.walk(here, (meeting["lat"], meeting["lon"]))
    arrivals = [meeting["id"]]
    expect(shown_story(page)).to_have_attribute("data-stop", meeting["id"])
    expect(page.locator("#walk-announcer")).to_contain_text(
        f"Arrived at the meeting point: {meeting['name']}."
    )
    # The plan's clock starts at the meeting point.
    expect(page.locator("#walk-coach")).to_have_attribute("data-state", "on-time")

    for index, stop in enumerate(stops[1:], start=1):
        previous = stops[index - 1]
        # The leg to the target is highlighted, the other legs are not.
        for leg in range(len(stops) - 1):
            expect(page.locator(f'path.leg-line[data-leg="{leg}"]')).to_have_attribute(
                "stroke", "#0b57d0" if leg == index - 1 else "#b3261e"
            )
        expect(page.locator("#walk-distance")).to_contain_text(
            f"Next: {stop['order']}. {stop['name']}"
        )
        if index == 2:
            # Half an hour late at stop 1 (planned arrival about 12 min in):
            # the coach says so and suggests what to leave out.
            page.clock.set_fixed_time(T0 + dt.timedelta(minutes=45))
        walker.walk((previous["lat"], previous["lon"]), (stop["lat"], stop["lon"]))
        arrivals.append(stop["id"])
        expect(shown_story(page)).to_have_attribute("data-stop", stop["id"])
        expect(shown_story(page).locator(".story-title")).to_have_text(stop["name"])
        expect(page.locator("#walk-announcer")).to_have_text(
            re.compile(
                rf"^Arrived at stop {stop['order']}: {re.escape(stop['name'])}\."
            )
        )
        expect(page.locator("#walk-progress")).to_contain_text(f"{index} of 6 stops")
        assert page.locator("#walk-progress-bar").evaluate("(p) => p.value") == index
        if index == 2:
            coach = page.locator("#walk-coach")
            expect(coach).to_have_attribute("data-state", "behind")
            expect(coach).to_contain_text("min behind schedule")
            expect(page.locator("#walk-coach-hint")).to_contain_text("skip")

    visited = page.evaluate("Object.keys(window.tourWalk.state().visited)")
    assert visited == arrivals == [s["id"] for s in stops]
    expect(page.locator("#walk-distance")).to_contain_text("You have seen every stop")
    with urllib.request.urlopen(live_server.url + "/api/tours/interhelpo") as response:
        plan = round(json.load(response)["totals"]["total_min"])
    expect(page.locator("#walk-coach")).to_have_text(
        f"Walk finished after 45 min (plan: {plan // 60} h {plan % 60} min)."
    )
    walked = page.locator("#walk-progress").text_content()
    km = float(re.search(r"walked ([\d.]+) km", walked).group(1))
    # The walker went straight from stop to stop, 500 m to the start included.
    path = [here] + [(s["lat"], s["lon"]) for s in stops]
    expected_km = sum(metres(a, b) for a, b in zip(path, path[1:], strict=False)) / 1000
    assert abs(km - expected_km) <= 0.15, (walked, expected_km)
    page.screenshot(path="/tmp/walk-finished.png")


def test_coach_says_ahead_when_early(gps_context, walk_page, live_server):
    page = walk_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    walker.start(stops[0]["lat"], stops[0]["lon"])
    expect(shown_story(page)).to_have_attribute("data-stop", stops[0]["id"])
    # Leave the meeting point at once and reach stop 1 after 3 minutes
    # (the plan allows 8 min there and 4 min on foot).
    page.clock.set_fixed_time(T0 + dt.timedelta(minutes=3))
    walker.walk((stops[0]["lat"], stops[0]["lon"]), (stops[1]["lat"], stops[1]["lon"]))
    expect(shown_story(page)).to_have_attribute("data-stop", stops[1]["id"])
    expect(page.locator("#walk-coach")).to_have_attribute("data-state", "ahead")
    expect(page.locator("#walk-coach")).to_contain_text("min ahead of schedule")
    expect(page.locator("#walk-coach-hint")).to_be_hidden()


def test_poor_fixes_are_shown_but_never_trigger(gps_context, walk_page, live_server):
    page = walk_page
    stops = tour_stops(live_server)
    stop = stops[0]
    walker = Walker(gps_context, page)
    walker.start(*offset(stop["lat"], stop["lon"], north_m=400))
    # Right on the meeting point, but only to within 120 m: drawn, not believed.
    walker.at(*offset(stop["lat"], stop["lon"], north_m=5), accuracy=120)
    expect(page.locator("#walk-gps")).to_have_attribute("data-level", "poor")
    expect(page.locator("#walk-gps")).to_contain_text("GPS is poor (±120 m)")
    expect(page.locator(".walk-accuracy")).to_have_attribute("stroke-dasharray", "6 6")
    walker.at(*offset(stop["lat"], stop["lon"], north_m=2), accuracy=51)
    expect(page.locator("#walk-story")).to_be_hidden()
    assert page.evaluate("Object.keys(window.tourWalk.state().visited)") == []
    # The same place with a good fix is an arrival.
    walker.at(*offset(stop["lat"], stop["lon"], north_m=3), accuracy=15)
    expect(shown_story(page)).to_have_attribute("data-stop", stop["id"])
    assert page.evaluate("Object.keys(window.tourWalk.state().visited)") == [stop["id"]]


def test_leaving_a_stop_needs_twenty_metres_more(gps_context, walk_page, live_server):
    page = walk_page
    stops = tour_stops(live_server)
    first = stops[1]
    walker = Walker(gps_context, page)
    walker.start(*offset(first["lat"], first["lon"], north_m=first["radius"] + 40))
    expect(heading(page)).to_have_text(f"Next: {stops[0]['name']}")
    walker.at(*offset(first["lat"], first["lon"], north_m=first["radius"] - 10))
    expect(heading(page)).to_have_text(f"You are at: 1. {first['name']}")
    # Out of the radius but within the 20 m margin: still at the stop.
    walker.at(*offset(first["lat"], first["lon"], north_m=first["radius"] + 10))
    expect(heading(page)).to_have_text(f"You are at: 1. {first['name']}")
    walker.at(*offset(first["lat"], first["lon"], north_m=first["radius"] - 5))
    expect(page.locator("#walk-progress")).to_contain_text("1 of 6 stops")
    walker.at(*offset(first["lat"], first["lon"], north_m=first["radius"] + 25))
    expect(heading(page)).to_have_text(f"Next: 2. {stops[2]['name']}")
    assert page.evaluate("Object.keys(window.tourWalk.state().visited)") == [
        first["id"]
    ]


def test_skip_ahead_and_walk_out_of_order(gps_context, walk_page, live_server):
    page = walk_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    walker.start(*offset(stops[0]["lat"], stops[0]["lon"], north_m=300))
    # Skip the meeting point and stop 1 with the Next button (in the sheet).
    open_sheet(page)
    page.get_by_role("button", name="Next", exact=True).click()
    page.get_by_role("button", name="Next", exact=True).click()
    expect(heading(page)).to_have_text(f"Next: 2. {stops[2]['name']}")
    # Walk straight to stop 3 instead.
    walker.walk(
        offset(stops[0]["lat"], stops[0]["lon"], north_m=300),
        (stops[3]["lat"], stops[3]["lon"]),
        step_m=150,
    )
    expect(shown_story(page)).to_have_attribute("data-stop", stops[3]["id"])
    expect(page.locator("#walk-distance")).to_contain_text(
        f"Next: 4. {stops[4]['name']}"
    )
    # Then back to stop 2, which was passed by: it counts, and 4 stays next.
    walker.walk((stops[3]["lat"], stops[3]["lon"]), (stops[2]["lat"], stops[2]["lon"]))
    expect(shown_story(page)).to_have_attribute("data-stop", stops[2]["id"])
    expect(page.locator("#walk-distance")).to_contain_text(
        f"Next: 4. {stops[4]['name']}"
    )
    expect(page.locator("#walk-progress")).to_contain_text("2 of 6 stops")
    state = page.evaluate("window.tourWalk.state()")
    assert list(state["visited"]) == [stops[3]["id"], stops[2]["id"]]
    assert state["target"] == stops[4]["id"]


def test_denied_location_falls_back_to_manual_mode(browser, live_server, guard):
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        stops = tour_stops(live_server)
        page.get_by_role("button", name="Start the walk").click()
        gps = page.locator("#walk-gps")
        expect(gps).to_have_attribute("data-level", "denied")
        expect(gps).to_contain_text("Location is off")
        expect(page.locator("#walk-panel")).to_have_attribute("data-mode", "manual")
        expect(page.locator("#walk-announcer")).to_contain_text("Location is off")
        open_sheet(page)
        page.get_by_role("button", name="I am here").click()
        expect(shown_story(page)).to_have_attribute("data-stop", stops[0]["id"])
        expect(heading(page)).to_have_text(f"You are at: {stops[0]['name']}")
        page.get_by_role("button", name="Next", exact=True).click()
        expect(heading(page)).to_have_text(f"Next: 2. {stops[2]['name']}")
        page.get_by_role("button", name="Previous").click()
        expect(heading(page)).to_have_text(f"Next: 1. {stops[1]['name']}")
        page.get_by_role("button", name="I am here").click()
        expect(shown_story(page)).to_have_attribute("data-stop", stops[1]["id"])
        # The meeting point and stop 1 seen: one numbered stop.
        expect(page.locator("#walk-progress")).to_contain_text("1 of 6 stops")
        # The walk is kept on the phone across a reload.
        page.reload()
        expect(page.locator("#walk-progress")).to_contain_text("1 of 6 stops")
        expect(shown_story(page)).to_have_attribute("data-stop", stops[1]["id"])
        expect(page.get_by_role("button", name="Resume the walk")).to_be_visible()
        expect(
            page.locator(f'.walk-stops li[data-stop="{stops[2]["id"]}"] button')
        ).to_have_attribute("aria-current", "step")
        guard.check()
    finally:
        context.close()


def test_deep_link_sets_the_target_and_shows_its_story(page, live_server):
    stops = tour_stops(live_server)
    target = stops[4]
    page.goto(f"/tours/interhelpo/walk?stop={target['id']}")
    expect(heading(page)).to_have_text(f"Next: {target['order']}. {target['name']}")
    expect(shown_story(page)).to_have_attribute("data-stop", target["id"])
    links = page.locator("#walk-map-links a")
    expect(links.filter(has_text="Google Maps")).to_have_attribute(
        "href", re.compile(rf"destination={target['lat']:.5f}%2C{target['lon']:.5f}")
    )
    expect(links.filter(has_text="Phone's map app")).to_have_attribute(
        "href", re.compile(rf"^geo:{target['lat']:.5f},{target['lon']:.5f}")
    )


def test_wake_lock_toggle(browser, live_server, guard):
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    # A stand-in for the Wake Lock API, which headless Chromium refuses.
    context.add_init_script(
        """
        window.__locks = [];
        Object.defineProperty(navigator, "wakeLock", { value: {
          request(type) {
            const listeners = [];
            const sentinel = {
              type, released: false,
              addEventListener(name, fn) { listeners.push(fn); },
              release() {
                this.released = true;
                listeners.forEach((fn) => fn());
                return Promise.resolve();
              },
            };
            window.__locks.push(sentinel);
            return Promise.resolve(sentinel);
          },
        }});
        """
    )
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        open_sheet(page)
        button = page.locator("#walk-wake")
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_have_text("Screen stays on")
        assert page.evaluate("window.__locks.map((l) => l.type)") == ["screen"]
        button.click()
        expect(button).to_have_attribute("aria-pressed", "false")
        assert page.evaluate("window.__locks[0].released") is True
        guard.check()
    finally:
        context.close()


def test_walk_page_in_russian(gps_context, guard, live_server):
    page = gps_context.new_page()
    page.goto("/tours/interhelpo/walk?lang=ru")
    stops = tour_stops(live_server)
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_role("button", name="Начать прогулку")).to_be_visible()
    open_sheet(page)
    page.get_by_role("button", name="Я на месте").click()
    expect(page.locator("#walk-progress")).to_contain_text("0 из 6")
    expect(shown_story(page)).to_have_attribute("data-stop", stops[0]["id"])
    guard.check()


def test_offline_sizes_are_written_in_the_page_language(page):
    # The browser's quota always runs to thousands of megabytes with a decimal.
    page.goto("/tours/interhelpo/walk?lang=cs")
    storage = page.locator("#walk-pack-storage")
    expect(storage).to_have_text(re.compile(r"^Tento web .*\d,\d\s*MB"), timeout=30_000)
    expect(storage).not_to_have_text(re.compile(r"\d\.\d"))


def test_walk_numbers_follow_the_server_locale_data_in_kyrgyz(page):
    # Chromium has no Kyrgyz number data of its own: the decimal comma comes
    # from the page (Babel), as on the server-rendered pages.
    page.goto("/tours/interhelpo/walk?lang=ky")
    expect(page.locator("html")).to_have_attribute("data-decimal", ",")
    progress = page.locator("#walk-progress")
    expect(progress).to_have_text(re.compile(r"\d,\d км калды"))
    expect(progress).not_to_have_text(re.compile(r"\d\.\d"))


def test_a_stop_marked_by_hand_is_left_when_gps_says_so(
    gps_context, walk_page, live_server
):
    page = walk_page
    stops = tour_stops(live_server)
    open_sheet(page)
    page.get_by_role("button", name="I am here").click()
    expect(heading(page)).to_have_text(f"You are at: {stops[0]['name']}")
    walker = Walker(gps_context, page)
    far = offset(stops[0]["lat"], stops[0]["lon"], north_m=-(stops[0]["radius"] + 30))
    gps_context.set_geolocation(
        {"latitude": far[0], "longitude": far[1], "accuracy": 8}
    )
    page.get_by_role("button", name="Resume the walk").click()
    walker.fixes = 1
    expect(page.locator("#walk-panel")).to_have_attribute("data-fixes", "1")
    expect(heading(page)).to_have_text(f"Next: 1. {stops[1]['name']}")


def test_arrow_turns_with_the_compass(gps_context, walk_page, live_server):
    page = walk_page
    meeting = tour_stops(live_server)[0]
    walker = Walker(gps_context, page)
    # 400 m west of the meeting point: it lies due east.
    walker.start(*offset(meeting["lat"], meeting["lon"], east_m=-400))
    arrow = page.locator("#walk-arrow")
    expect(arrow).to_have_attribute("data-mode", "north-up")
    expect(arrow).to_have_attribute("style", re.compile(r"rotate\(90deg\)"))
    expect(arrow).to_have_attribute("aria-label", "Direction to the next stop: east")
    # The phone now faces west (alpha 90): the stop is straight behind.
    page.evaluate(
        """() => window.dispatchEvent(new DeviceOrientationEvent(
            "deviceorientationabsolute",
            {alpha: 90, beta: 0, gamma: 0, absolute: true}))"""
    )
    expect(arrow).to_have_attribute("data-mode", "compass")
    expect(arrow).to_have_attribute("style", re.compile(r"rotate\(-180deg\)"))


# ------------------------------------------------------------ the walk as an app
# Records what the phone was asked to do on arrival: vibrations, and every sound
# that really played (unmuted: the Start tap plays the chime muted, to unlock audio).
SIGNALS = """
window.__vibrations = [];
Object.defineProperty(navigator, "vibrate", { configurable: true, value: (pattern) => {
  window.__vibrations.push(pattern); return true; } });
window.__played = [];
document.addEventListener("playing", (e) => {
  if (!e.target.muted) window.__played.push(e.target.id || e.target.currentSrc);
}, true);
window.__finished = [];
document.addEventListener("walk:finished", (e) => window.__finished.push(e.detail));
"""

VISIBLE_MAP_SHARE = """() => {
  const map = document.querySelector(".walk-map").getBoundingClientRect();
  const sheetTop = document.querySelector("#walk-panel").getBoundingClientRect().top;
  const top = Math.max(map.top, 0);
  const bottom = Math.min(map.bottom, sheetTop, window.innerHeight);
  const width = Math.min(map.right, window.innerWidth) - Math.max(map.left, 0);
  return (Math.max(0, bottom - top) * width) / (window.innerWidth * window.innerHeight);
}"""

STORY_IN_VIEW = """(id) => {
  const title = document.querySelector(
    '.walk-story-item[data-stop="' + id + '"] .story-title').getBoundingClientRect();
  const sheet = document.querySelector("#walk-panel").getBoundingClientRect();
  return title.height > 0 && title.top >= Math.max(0, sheet.top)
    && title.bottom <= window.innerHeight;
}"""


@pytest.fixture
def app_page(gps_context, guard):
    gps_context.add_init_script(SIGNALS)
    yield open_walk(gps_context)
    guard.check()


def played(page):
    return page.evaluate("window.__played")


def test_map_first_and_every_arrival_is_noticed(gps_context, app_page, live_server):
    page = app_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    here = offset(stops[0]["lat"], stops[0]["lon"], east_m=-400)
    walker.start(*here)
    sheet = page.locator("#walk-panel")
    expect(sheet).to_have_attribute("data-open", "false")
    # The map fills the screen: what the collapsed sheet leaves of it is most of it.
    assert page.evaluate(VISIBLE_MAP_SHARE) >= 0.6
    assert page.evaluate("window.__vibrations") == []
    assert played(page) == []
    page.screenshot(path="/tmp/walk-map-first.png")

    previous = here
    for count, stop in enumerate(stops, start=1):
        walker.walk(previous, (stop["lat"], stop["lon"]))
        previous = (stop["lat"], stop["lon"])
        # The sheet opens at the story, in view; the phone vibrates and chimes.
        expect(sheet).to_have_attribute("data-open", "true")
        expect(shown_story(page)).to_have_attribute("data-stop", stop["id"])
        page.wait_for_function(STORY_IN_VIEW, arg=stop["id"])
        expect(page.locator("#walk-sheet-toggle")).to_have_attribute(
            "aria-expanded", "true"
        )
        assert len(page.evaluate("window.__vibrations")) == count
        page.wait_for_function(f"window.__played.length === {count}")
        assert set(played(page)) == {"walk-chime"}
        expect(page.locator("#walk-announcer")).to_contain_text("Arrived at")
        # Back to the map for the next leg, as a walker would.
        close_sheet(page)
        if stop["order"]:
            expect(page.locator("#walk-progress")).to_contain_text(
                f"{stop['order']} of 6 stops"
            )

    expect(page.locator("#walk-distance")).to_contain_text("You have seen every stop")
    finished = page.evaluate("window.__finished")
    assert len(finished) == 1
    assert finished[0]["stops_visited"] == [s["id"] for s in stops]
    path = [here] + [(s["lat"], s["lon"]) for s in stops]
    walked_m = sum(metres(a, b) for a, b in zip(path, path[1:], strict=False))
    assert abs(finished[0]["distance_m"] - walked_m) <= 150
    assert finished[0]["duration_s"] == 0  # the clock stood still in this walk


def test_the_finished_walk_reports_its_time(gps_context, app_page, live_server):
    page = app_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    walker.start(stops[0]["lat"], stops[0]["lon"])
    expect(shown_story(page)).to_have_attribute("data-stop", stops[0]["id"])
    # Skip to the end by hand after 50 minutes: the last stop ends the walk.
    page.clock.set_fixed_time(T0 + dt.timedelta(minutes=50))
    walker.at(stops[-1]["lat"], stops[-1]["lon"])
    expect(shown_story(page)).to_have_attribute("data-stop", stops[-1]["id"])
    finished = page.evaluate("window.__finished")
    assert [f["stops_visited"] for f in finished] == [[stops[0]["id"], stops[-1]["id"]]]
    assert finished[0]["duration_s"] == 50 * 60


def test_the_chime_switch_is_remembered(gps_context, app_page, live_server):
    page = app_page
    stops = tour_stops(live_server)
    open_sheet(page)
    switch = page.get_by_role("button", name="Sound on arrival")
    expect(switch).to_have_attribute("aria-pressed", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-pressed", "false")
    page.reload()
    open_sheet(page)
    expect(page.locator("#walk-chime-toggle")).to_have_attribute(
        "aria-pressed", "false"
    )
    close_sheet(page)
    walker = Walker(gps_context, page)
    walker.start(*offset(stops[0]["lat"], stops[0]["lon"], north_m=300))
    walker.walk(
        offset(stops[0]["lat"], stops[0]["lon"], north_m=300),
        (stops[0]["lat"], stops[0]["lon"]),
    )
    expect(shown_story(page)).to_have_attribute("data-stop", stops[0]["id"])
    # Still a vibration, but no sound at all.
    assert len(page.evaluate("window.__vibrations")) == 1
    page.wait_for_timeout(500)
    assert played(page) == []


def test_a_poor_fix_opens_nothing_and_makes_no_sound(
    gps_context, app_page, live_server
):
    page = app_page
    stop = tour_stops(live_server)[0]
    walker = Walker(gps_context, page)
    walker.start(*offset(stop["lat"], stop["lon"], north_m=400))
    walker.at(*offset(stop["lat"], stop["lon"], north_m=3), accuracy=80)
    expect(page.locator("#walk-gps")).to_have_attribute("data-level", "poor")
    expect(page.locator("#walk-panel")).to_have_attribute("data-open", "false")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__vibrations") == []
    assert played(page) == []


def test_panning_stops_following_and_recentre_brings_it_back(
    gps_context, app_page, live_server
):
    page = app_page
    stops = tour_stops(live_server)
    walker = Walker(gps_context, page)
    start = offset(stops[0]["lat"], stops[0]["lon"], east_m=-600)
    walker.start(*start)
    panel = page.locator("#walk-panel")
    expect(panel).to_have_attribute("data-follow", "true")
    recentre = page.get_by_role("button", name="Re-centre")
    expect(recentre).to_be_hidden()
    centre = (
        "(() => { const c = window.tourMap.map.getCenter(); return [c.lat, c.lng]; })()"
    )
    # The walker drags the map away with a finger (here, the mouse).
    page.mouse.move(200, 400)
    page.mouse.down()
    page.mouse.move(120, 330, steps=8)
    page.mouse.up()
    expect(panel).to_have_attribute("data-follow", "false")
    expect(recentre).to_be_visible()
    panned = page.evaluate(centre)
    # Walking on: the position moves, the map stays where the walker put it.
    walker.walk(start, offset(stops[0]["lat"], stops[0]["lon"], east_m=-300))
    assert page.evaluate(centre) == panned
    recentre.click()
    expect(panel).to_have_attribute("data-follow", "true")
    expect(recentre).to_be_hidden()
    me = offset(stops[0]["lat"], stops[0]["lon"], east_m=-300)
    assert page.evaluate(
        "([lat, lon]) => window.tourMap.map.getBounds().contains([lat, lon])",
        list(me),
    )
    assert page.evaluate(centre) != panned
    # Following again: the next fix moves the map with the walker.
    followed = page.evaluate(centre)
    walker.at(*offset(stops[0]["lat"], stops[0]["lon"], east_m=-150, north_m=200))
    assert page.evaluate(centre) != followed


def test_the_sheet_opens_by_button_keyboard_and_drag(gps_context, app_page):
    page = app_page
    sheet = page.locator("#walk-panel")
    handle = page.locator("#walk-sheet-toggle")
    body = page.locator("#walk-sheet-body")
    expect(handle).to_have_accessible_name("Show the story and all stops")
    # Closed, the hidden part cannot be reached with the keyboard.
    assert body.evaluate("(b) => b.inert") is True
    handle.focus()
    page.keyboard.press("Enter")
    expect(sheet).to_have_attribute("data-open", "true")
    expect(handle).to_have_accessible_name("Back to the map")
    assert body.evaluate("(b) => b.inert") is False
    # Past the sheet's own buttons, Tab goes on into the story and the stops.
    inside = (
        "document.getElementById('walk-sheet-body').contains(document.activeElement)"
    )
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate(inside):
            break
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    expect(sheet).to_have_attribute("data-open", "false")
    expect(handle).to_be_focused()
    page.keyboard.press(" ")
    expect(sheet).to_have_attribute("data-open", "true")
    page.keyboard.press(" ")
    expect(sheet).to_have_attribute("data-open", "false")
    # Pulled up with a finger on the handle, then pulled down again (no animation,
    # so that the handle is where it was measured).
    page.emulate_media(reduced_motion="reduce")
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 300, steps=10)
    page.mouse.up()
    expect(sheet).to_have_attribute("data-open", "true")
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + 300, steps=10)
    page.mouse.up()
    expect(sheet).to_have_attribute("data-open", "false")


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_nothing_overflows_at_320_px_on_the_walk(browser, live_server, guard, lang):
    context = new_phone_context(
        browser,
        live_server.url,
        guard,
        locale="en-US",
        viewport={"width": 320, "height": 640},
        permissions=["geolocation"],
        geolocation={"latitude": 42.8740, "longitude": 74.5560, "accuracy": 8},
    )
    try:
        page = context.new_page()
        page.goto(f"/tours/interhelpo/walk?lang={lang}")
        stops = tour_stops(live_server)
        page.locator("#walk-start").click()
        expect(page.locator("#walk-gps")).to_have_attribute("data-level", "good")
        found = {"collapsed": overflowing(page)}
        context.set_geolocation(
            {"latitude": stops[1]["lat"], "longitude": stops[1]["lon"], "accuracy": 8}
        )
        expect(shown_story(page)).to_have_attribute("data-stop", stops[1]["id"])
        expect(page.locator("#walk-panel")).to_have_attribute("data-open", "true")
        found["arrival"] = overflowing(page)
        page.locator("#menu-button").click()
        expect(page.locator("#site-nav")).to_be_visible()
        found["menu"] = overflowing(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert found == {"collapsed": [], "arrival": [], "menu": []}
        guard.check()
    finally:
        context.close()


def overflowing(page):
    """Elements whose text does not fit in them, or that reach past the screen."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(
              "a, button, summary, p, h1, h2, h3, h4, li, dd, dt, progress"))
          .filter((el) => el.offsetParent !== null
            && el.getBoundingClientRect().width > 2  // not the visually hidden
            && el.getBoundingClientRect().left >= 0  // nor the skip link, off screen
            && (el.scrollWidth > el.clientWidth + 1
                || el.getBoundingClientRect().right > window.innerWidth + 0.5))
          .map((el) => el.tagName + " " + el.textContent.trim().slice(0, 40))"""
    )


def test_the_walk_opens_its_map_on_the_leg_ahead_and_fetches_tiles_once(
    page, live_server
):
    stops = tour_stops(live_server)
    target, before = stops[4], stops[3]
    zooms: list[int] = []
    tile = re.compile(r"/(\d+)/\d+/\d+\.png$")

    def on_request(request):
        found = tile.search(request.url)
        if found:
            zooms.append(int(found.group(1)))

    page.on("request", on_request)
    page.goto(f"/tours/interhelpo/walk?stop={target['id']}")
    page.wait_for_function("() => window.tourMap && window.tourMap.map")
    tiles_settled(page)
    view_zoom = page.evaluate("window.tourMap.map.getZoom()")
    # Tiles for one view only: the map did not first show the whole tour.
    assert zooms and set(zooms) == {view_zoom}
    for stop in (target, before):
        assert page.evaluate(
            "([lat, lon]) => window.tourMap.map.getBounds().contains([lat, lon])",
            [stop["lat"], stop["lon"]],
        ), stop["id"]
