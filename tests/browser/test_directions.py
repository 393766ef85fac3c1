"""'How do I get there?' at phone size: a street route on the map, with directions."""

from __future__ import annotations

import re

from playwright.sync_api import expect

OSH_BAZAAR = {"latitude": 42.87500, "longitude": 74.57000, "accuracy": 10}
# The map's box is on screen (scrolled there), most of it visible.
MAP_IN_VIEW = """() => {
  const r = document.querySelector(".map-wrap").getBoundingClientRect();
  return r.top >= -1 && r.top < 80 && r.bottom <= window.innerHeight + 1;
}"""
# Every point of the drawn route lies inside the map's box.
ROUTE_INSIDE_MAP = """() => {
  const map = document.querySelector(".map-wrap").getBoundingClientRect();
  const line = document.querySelector("path.directions-line").getBoundingClientRect();
  return line.width > 0 && line.left >= map.left && line.right <= map.right
    && line.top >= map.top && line.bottom <= map.bottom;
}"""


def open_directions(page):
    page.goto("/tours/interhelpo/")
    page.get_by_text("How do I get there?").click()


def test_route_from_my_position_to_the_meeting_point(page, context):
    context.grant_permissions(["geolocation"])
    context.set_geolocation(OSH_BAZAAR)
    open_directions(page)
    page.get_by_label("From").select_option("here")
    page.get_by_label("To", exact=True).select_option("meeting-point")
    page.get_by_role("button", name="Show the way").click()
    steps = page.locator(".directions-steps li")
    expect(steps.first).to_be_visible()
    expect(page.locator(".directions-steps")).to_contain_text("Chui Ave")
    expect(page.locator("path.directions-line")).to_have_count(1)
    length = page.locator(".directions-length").inner_text()
    metres = float(re.sub(r"[^\d.]", "", length)) * (1000 if "km" in length else 1)
    # Longer than the 1,001 m straight line, but not absurdly so.
    assert 1000 < metres < 2000
    gpx = page.locator(".directions-gpx")
    expect(gpx).to_have_attribute(
        "href", re.compile(r"/tours/interhelpo/route\.gpx\?from=42\.875")
    )
    # The route is where the visitor looks: the map in view, the route inside it,
    # and a marker where the walk to it starts.
    page.wait_for_function(MAP_IN_VIEW)
    assert page.evaluate(ROUTE_INSIDE_MAP)
    start = page.locator("path.directions-start")
    expect(start).to_have_count(1)
    expect(page.locator(".directions-start-label")).to_have_text("You are here")
    assert page.evaluate(
        "() => window.tourMap.map.getBounds().contains([42.875, 74.57])"
    )


def test_route_between_two_stops_in_russian(page):
    page.goto("/?lang=ru")
    page.get_by_text("Как туда добраться?").click()
    page.get_by_label("Откуда").select_option("pishpek-station")
    page.get_by_label("Куда", exact=True).select_option("osh-bazaar")
    page.get_by_role("button", name="Показать путь").click()
    expect(page.locator(".directions-steps li").first).to_contain_text("Идите")
    # The start is the chosen stop, named in the page's language.
    expect(page.locator(".directions-start-label")).to_have_text(
        re.compile(r"^Начало: \S")
    )
    page.wait_for_function(MAP_IN_VIEW)
    assert page.evaluate(ROUTE_INSIDE_MAP)


def test_denied_position_says_so(page):
    open_directions(page)
    page.get_by_label("From").select_option("here")
    page.get_by_role("button", name="Show the way").click()
    status = page.locator(".directions-status")
    expect(status).to_contain_text("Choose a stop as the start")
    expect(page.locator("path.directions-line")).to_have_count(0)


def test_the_form_fits_a_phone_screen(page):
    open_directions(page)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth"
        " - document.documentElement.clientWidth"
    )
    assert overflow <= 0
