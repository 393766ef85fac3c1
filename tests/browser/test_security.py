"""In Chromium: no page breaks its own Content-Security-Policy, in either language,
guide tools included, and a stop name written as HTML stays text everywhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import GUIDE_PASSWORD
from tests.browser.conftest import ROOT
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server

TRACK = ROOT / "tests" / "data" / "tracks" / "walk.gpx"
# Runs script if any page or map hands the name to the browser as HTML.
PAYLOAD = '<img src=x onerror="document.title=`pwned`">'
STOP = "frunze-plant-gate"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: the stop renamed here must not reach other tests."""
    with own_server(tmp_path_factory.mktemp("security-instance"), workers=2) as server:
        yield server


@pytest.fixture
def page(browser, server, guard):
    # No service worker: its own tile fetches are not the pages under test here
    # (tests/browser/test_offline.py runs it under the same policy).
    context = new_phone_context(
        browser, server.url, guard, locale="en-US", service_workers="block"
    )
    page = context.new_page()
    yield page
    context.close()
    guard.check()


def sign_in(page):
    page.goto("/guide/login?next=/guide/")
    page.get_by_label("User name").fill("anna")
    page.get_by_label("Password").fill(GUIDE_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/guide/$"))


def no_injected_image(page):
    assert page.title() != "pwned"
    assert page.locator("img[src='x']").count() == 0


def test_a_stop_named_as_html_stays_text(page, guard):
    sign_in(page)
    page.goto(f"/guide/tours/interhelpo/stops/{STOP}/edit")
    page.locator("#name_en").fill(PAYLOAD)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("Saved")
    no_injected_image(page)

    # The review map's tooltips carry every stop's name.
    page.goto("/guide/tours/interhelpo/track/")
    page.get_by_label("GPX file").set_input_files(str(TRACK))
    page.get_by_role("button", name="Upload and review").click()
    expect(page.get_by_role("heading", name="Review the walked path")).to_be_visible()
    markers = page.locator("#review-map path.leaflet-interactive[stroke='#7a1f14']")
    expect(markers.first).to_be_attached()
    for index in range(markers.count()):
        markers.nth(index).dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip", has_text=PAYLOAD)).to_have_count(1)
    no_injected_image(page)

    # The stop's own page, the walk, the guides' lists.
    for path in (
        f"/tours/interhelpo/stops/{STOP}",
        "/tours/interhelpo/walk",
        "/guide/tours/interhelpo/stops/",
        "/guide/tours/interhelpo/plan",
    ):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(PAYLOAD)
        no_injected_image(page)


def public_and_guide_pages(server) -> list[str]:
    """Every page of the site with a real id, guide tools included."""
    return [
        "/",
        "/tours/interhelpo/about",
        "/tours/interhelpo/walk",
        f"/tours/interhelpo/stops/{STOP}",
        "/tours/interhelpo/dates",
        "/tours/interhelpo/dates/cancel",
        "/events",
        "/live",
        "/guide/",
        "/guide/tours/interhelpo/check",
        "/guide/tours/interhelpo/dates",
        "/guide/tours/interhelpo/dates/new",
        "/guide/events",
        "/guide/tours/interhelpo/live",
        "/guide/tours/interhelpo/plan",
        "/guide/tours/interhelpo/stops/",
        f"/guide/tours/interhelpo/stops/{STOP}/edit",
        f"/guide/tours/interhelpo/stops/{STOP}/calibrate",
        "/guide/tours/interhelpo/track/",
    ]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_page_violates_the_policy(page, guard, server, lang):
    sign_in(page)
    # A date, an event with a venue and a live walk, so that their pages exist.
    page.goto("/guide/tours/interhelpo/dates/new")
    page.locator("#day").fill("2031-05-01")
    page.locator("#start").fill("10:00")
    page.locator("form.stack-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/guide/tours/interhelpo/dates/\d+$"))
    date_page = page.url
    page.goto("/guide/events")
    page.locator("#title").fill("Concert")
    page.locator("#day").fill("2031-01-01")
    page.locator("#start").fill("19:00")
    page.locator("#lat").fill("42.875")
    page.locator("#lon").fill("74.59")
    page.locator("form.stack-form button[type=submit]").click()
    page.goto("/guide/tours/interhelpo/live")
    if not re.search(
        r"/guide/tours/interhelpo/live/\w+$", page.url
    ):  # none in progress yet
        page.locator(
            "form[action$='/guide/tours/interhelpo/live/start'] button"
        ).click()
        page.wait_for_url(re.compile(r"/guide/tours/interhelpo/live/\w+$"))
    live_code = page.url.rsplit("/", 1)[-1]
    paths = public_and_guide_pages(server) + [
        date_page.split(server.url, 1)[1],
        f"/live/{live_code}",
        f"/guide/tours/interhelpo/live/{live_code}",
    ]
    for path in paths:
        response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert response is not None and response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.wait_for_load_state("load")
        assert guard.csp_violations == [], path
