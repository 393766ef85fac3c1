"""The end of the walk at phone size: the summary, ratings of two stops and the
walk, the guide's page showing them, and a second rating replacing the first."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GUIDE_PASSWORD
from tests.browser.conftest import ROOT
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.test_accessibility import violations
from tests.browser.test_walk import T0
from tests.browser.test_walk import Walker
from tests.browser.test_walk import metres
from tests.browser.test_walk import offset
from tests.browser.test_walk import tour_stops

# Screenshots for people to look at; a folder of the tester's choice.
SHOTS = Path(os.environ.get("WALK_END_SHOTS", str(ROOT / "test-artifacts")))
COMMENT = "<script>alert(1)</script> The bridge story was the best"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server and database: the ratings must start from none."""
    with own_server(tmp_path_factory.mktemp("walk-end-instance")) as server:
        yield server


def shot(page, name, *, full_page=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def rate(page, form_id, score):
    form = page.locator(f"#{form_id}")
    form.get_by_role("radio", name=str(score), exact=True).check()
    return form


def no_overflow(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, (width, viewport)


def guide_page(browser, server, guard, viewport=None):
    options = {"viewport": viewport} if viewport else {}
    context = new_phone_context(browser, server.url, guard, locale="en-US", **options)
    page = context.new_page()
    page.goto("/guide/login?next=/guide/tours/interhelpo/ratings")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill(GUIDE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/guide/tours/interhelpo/ratings$"))
    return context, page


def summary_of(page, key):
    return page.locator(f"#rating-{key} .rating-average")


def test_finish_rate_and_see_it_on_the_guide_page(browser, server, guard):
    walker_context = new_phone_context(
        browser,
        server.url,
        guard,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={"latitude": 42.8777, "longitude": 74.5500, "accuracy": 8},
    )
    page = walker_context.new_page()
    page.clock.set_fixed_time(T0)
    page.goto("/tours/interhelpo/walk")
    end = page.locator("#walk-end")
    expect(end).to_be_hidden()

    stops = tour_stops(server)
    walker = Walker(walker_context, page)
    start = offset(stops[0]["lat"], stops[0]["lon"], east_m=-300)
    walker.start(*start)
    path = [start] + [(s["lat"], s["lon"]) for s in stops]
    for index, (a, b) in enumerate(zip(path, path[1:], strict=False)):
        if index == len(path) - 2:
            # The last arrival 110 minutes after the meeting point.
            page.clock.set_fixed_time(T0 + dt.timedelta(minutes=110))
        walker.walk(a, b)
        if index < len(path) - 2:
            expect(end).to_be_hidden()

    # The summary: as this phone measured it.
    expect(end).to_be_visible()
    expect(end).to_have_attribute("data-state", "shown")
    walked_km = sum(metres(a, b) for a, b in zip(path, path[1:], strict=False)) / 1000
    distance = page.locator("#walk-end-distance").text_content()
    km = float(re.fullmatch(r"([\d.]+) km", distance).group(1))
    assert abs(km - walked_km) <= 0.15, (distance, walked_km)
    expect(page.locator("#walk-end-time")).to_have_text("1 h 50 min")
    expect(page.locator("#walk-end-stops")).to_have_text("6 of 6 stops")
    expect(end.get_by_role("link", name="Join a guided walk")).to_have_attribute(
        "href", "/tours/interhelpo/dates"
    )
    expect(end.get_by_role("button", name="Share this walk")).to_be_visible()
    no_overflow(page)
    page.locator("#walk-end-heading").evaluate("h => h.scrollIntoView()")
    shot(page, "summary-390x844")

    # One tap rates; the thanks is said in the form's live region.
    walk_form = rate(page, "rate-walk", 5)
    expect(walk_form.locator(".rate-status")).to_have_text(
        "Thank you! Your rating is saved."
    )
    bridge, bazaar = stops[5], stops[6]
    bridge_form = page.locator(f"#rate-{bridge['id']}")
    bridge_form.get_by_text("Add a comment").click()
    bridge_form.get_by_label("Comment (optional)").fill(COMMENT)
    rate(page, f"rate-{bridge['id']}", 4)
    expect(bridge_form.locator(".rate-status")).to_have_text(
        "Thank you! Your rating is saved."
    )
    bazaar_form = rate(page, f"rate-{bazaar['id']}", 2)
    expect(bazaar_form.locator(".rate-status")).to_have_text(
        "Thank you! Your rating is saved."
    )
    shot(page, "rated-390x844")
    assert violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    no_overflow(page)
    page.locator("#walk-end-heading").evaluate("h => h.scrollIntoView()")
    shot(page, "summary-320x640")

    # The guide sees them.
    guide_context, guide = guide_page(browser, server, guard)
    expect(summary_of(guide, "walk")).to_have_text("1 rating, average 5.0 of 5")
    expect(summary_of(guide, bridge["id"])).to_have_text("1 rating, average 4.0 of 5")
    expect(summary_of(guide, bazaar["id"])).to_have_text("1 rating, average 2.0 of 5")
    expect(summary_of(guide, stops[1]["id"])).to_have_text("No ratings yet.")
    expect(guide.locator(f"#rating-{bridge['id']} .rating-comment-text")).to_have_text(
        COMMENT
    )
    # Where walkers stopped: this one reached the end (sent when the walk ended).
    expect(guide.locator(f'tr[data-stop="{bazaar["id"]}"] td')).to_have_text("1")
    expect(guide.locator(f'tr[data-stop="{stops[3]["id"]}"] td')).to_have_text("0")
    shot(guide, "guide-ratings-390x844", full_page=True)
    assert violations(guide) == []

    # The same phone rates again: replaced, not added. (Not after a reload: walk.js
    # of today throws when it opens on a finished walk, in showLeg.)
    page.set_viewport_size({"width": 390, "height": 844})
    bazaar_form = rate(page, f"rate-{bazaar['id']}", 3)
    expect(bazaar_form.locator(".rate-status")).to_have_text(
        "Thank you! Your new rating replaces the earlier one."
    )
    guide.reload()
    expect(summary_of(guide, bazaar["id"])).to_have_text("1 rating, average 3.0 of 5")
    expect(guide.locator(f'tr[data-stop="{bazaar["id"]}"] td')).to_have_text("1")
    guide.set_viewport_size({"width": 320, "height": 640})
    no_overflow(guide)
    shot(guide, "guide-ratings-320x640", full_page=True)
    guide_context.close()
    walker_context.close()
    guard.check()


def test_walk_finished_event_brings_its_own_facts(browser, server, guard):
    """walk.js's coming "walk:finished" event: its facts are the summary's."""
    context = new_phone_context(browser, server.url, guard, locale="ru-RU")
    page = context.new_page()
    page.goto("/tours/interhelpo/walk?lang=ru")
    stops = tour_stops(server)
    visited = [s["id"] for s in stops[:4]]
    page.evaluate(
        """(visited) => document.dispatchEvent(new CustomEvent("walk:finished", {
             detail: {stops_visited: visited, distance_m: 2480, duration_s: 3900},
           }))""",
        visited,
    )
    end = page.locator("#walk-end")
    expect(end).to_be_visible()
    expect(page.locator("#walk-end-heading")).to_have_text("Вы прошли прогулку")
    expect(page.locator("#walk-end-distance")).to_have_text(re.compile(r"^2,5 км$"))
    expect(page.locator("#walk-end-time")).to_have_text("1 ч 5 мин")
    expect(page.locator("#walk-end-stops")).to_have_text("3 из 6 остановок")
    # Only the stops this walker saw are offered for rating, and the walk.
    shown = page.locator("form.rate:visible")
    expect(shown).to_have_count(5)
    expect(page.locator(f"#rate-{stops[5]['id']}")).to_be_hidden()
    no_overflow(page)
    page.locator("#walk-end-heading").evaluate("h => h.scrollIntoView()")
    shot(page, "summary-ru-390x844")
    assert violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    no_overflow(page)
    shot(page, "summary-ru-320x640")

    # No signal at the end of the walk: the rating waits on the phone, then goes.
    context.set_offline(True)
    form = rate(page, "rate-walk", 4)
    expect(form).to_have_attribute("data-state", "pending")
    expect(form.locator(".rate-status")).to_have_text(
        "Нет связи: оценка сохранена на этом телефоне и будет отправлена, "
        "когда появится интернет."
    )
    # The browser reports the failed request itself; nothing else may be logged.
    guard.console_errors = [
        e for e in guard.console_errors if "ERR_INTERNET_DISCONNECTED" not in e
    ]
    context.set_offline(False)
    expect(form).to_have_attribute("data-state", "saved")
    expect(form.locator(".rate-status")).to_have_text("Спасибо! Ваша оценка сохранена.")
    context.close()
    guard.check()
