"""The planner and the stop editor as a new guide meets them, at phone size (390x844):
the plan on a map, "Add" before the end, publishing with a question, stop edits with
readable errors and a preview, times in the tour's time zone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import test_guide_tools as tools
from tests.browser.conftest import ROOT
from tests.browser.conftest import own_server
from tests.browser.test_guide_tools import plan_order
from tests.browser.test_guide_tools import shot
from tests.browser.test_guide_tools import sign_in

STREETS = ROOT / "tests" / "data" / "streets_small_tour.osm"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server, routing on a small street file around the meeting point."""
    with own_server(
        tmp_path_factory.mktemp("planner-instance"),
        {"FLASK_STREET_FILES": str(STREETS)},
        workers=2,
    ) as server:
        yield server


# Phone pages on it, as in the guide tools' tests.
context = tools.context
page = tools.page


def view_shot(page, name):
    """What the phone's screen shows now (the long editor page does not fit one)."""
    page.screenshot(path=f"/tmp/guide-{name}.png")


def map_pins(page):
    """The numbers on the planner map's pins, in the order Leaflet drew them."""
    return page.locator("#plan-map .stop-pin:not(.stop-pin--spare)").evaluate_all(
        "pins => pins.map(p => p.textContent)"
    )


def test_the_plan_is_on_a_map_and_add_goes_before_the_end(page):
    sign_in(page, "/guide/tours/interhelpo/plan")
    order = plan_order(page)
    plan_map = page.locator("#plan-map")
    expect(plan_map).to_be_visible()
    # Below the list on a phone.
    list_box = page.locator("#plan-list").bounding_box()
    assert plan_map.bounding_box()["y"] > list_box["y"] + list_box["height"]
    expect(plan_map.locator(".stop-pin:not(.stop-pin--spare)")).to_have_count(
        len(order)
    )
    assert sorted(map_pins(page)) == sorted(["M"] + [str(i) for i in range(1, 7)])
    expect(plan_map.locator("path.leg-line")).to_have_count(len(order) - 1)
    shot(page, "plan-map")

    # Leave out a middle stop: its pin turns grey, one leg fewer.
    with page.expect_response("**/guide/api/tours/interhelpo/plan/legs"):
        page.get_by_role(
            "button", name="Leave out Gate of the former Frunze plant (approximate)"
        ).click()
    expect(plan_map.locator(".stop-pin--spare")).to_have_count(1)
    expect(plan_map.locator("path.leg-line")).to_have_count(len(order) - 2)
    expect(plan_map).to_have_attribute(
        "data-order", ",".join(i for i in order if i != "frunze-plant-gate")
    )

    # "Add" puts it back before the end stop, not after it; the map asks the
    # server for the new legs' paths (routed like a published route).
    with page.expect_response("**/guide/api/tours/interhelpo/plan/legs") as answer:
        page.get_by_role(
            "button", name="Add Gate of the former Frunze plant (approximate)"
        ).click()
    added = plan_order(page)
    assert added[-1] == order[-1] == "osh-bazaar"
    assert added[-2] == "frunze-plant-gate"
    legs = answer.value.json()["legs"]
    assert [(leg["from"], leg["to"]) for leg in legs] == list(
        zip(added, added[1:], strict=False)
    )
    expect(plan_map.locator(".stop-pin--spare")).to_have_count(0)
    expect(plan_map).to_have_attribute("data-order", ",".join(added))
    expect(plan_map.locator("path.leg-line")).to_have_count(len(added) - 1)
    expect(plan_map.locator("path.leg-line.approximate")).to_have_count(
        sum(leg["approximate"] for leg in legs)
    )
    # A pin's tooltip is the stop's name as text.
    page.locator("#plan-map .stop-pin", has_text="5").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(
        "5. Gate of the former Frunze plant (approximate)"
    )
    shot(page, "plan-map-added")


def test_publishing_asks_first_and_warns_over_the_slot(page):
    # 90 minutes at the end stop: the walk no longer fits its 2-hour slot,
    # whatever the streets make of the distances.
    sign_in(page, "/guide/tours/interhelpo/stops/osh-bazaar/edit")
    page.get_by_label("Minutes at the stop").fill("90")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("Saved")
    page.goto("/guide/tours/interhelpo/plan")
    over = page.locator("#over-slot")
    expect(over).to_be_visible()
    expect(over).to_contain_text("min over the tour’s time slot of 2 h")
    page.get_by_label(re.compile("^Name, e.g.")).fill("long")
    page.get_by_role("button", name="Save variant").click()
    expect(page.locator(".notice")).to_contain_text("Saved the variant")
    page.locator('.variant[data-variant="long"]').get_by_role(
        "link", name="Publish"
    ).click()
    expect(page.get_by_role("heading", name="Publish “long”?")).to_be_visible()
    warning = page.locator("#publish-over-slot")
    expect(warning).to_contain_text("more than the tour’s time slot of 2 h")
    shot(page, "publish-confirm-over")
    # Going back publishes nothing.
    page.get_by_role("link", name="No, back to the planner").click()
    expect(page.locator('.variant[data-variant="long"] .badge')).to_have_count(0)
    page.locator('.variant[data-variant="long"]').get_by_role(
        "link", name="Publish"
    ).click()
    page.get_by_role("button", name="Yes, publish “long”").click()
    expect(page.locator(".notice")).to_contain_text("Published")
    expect(page.locator('.variant[data-variant="long"] .badge')).to_have_text(
        "published"
    )


def test_stop_editing_reads_like_a_person_wrote_it(page, guard):
    sign_in(page, "/guide/tours/interhelpo/stops/pishpek-station/edit")
    summary = page.locator("fieldset[lang=en]").get_by_label("Summary (one line)")
    expect(summary).to_have_js_property("tagName", "TEXTAREA")
    summary.fill("Where the Interhelpo train <em>arrived</em> in 1925.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_be_in_viewport()
    english = preview.locator('.preview-page[data-lang="en"]')
    # The guide's text shows as text, never as markup.
    expect(english.locator(".story-summary")).to_have_text(
        "Where the Interhelpo train <em>arrived</em> in 1925."
    )
    expect(english.locator("em")).to_have_count(0)
    expect(preview.locator('.preview-page[data-lang="ru"] h3')).to_contain_text(
        "Пишпек"
    )
    view_shot(page, "stop-preview")
    page.goto("/tours/interhelpo/stops/pishpek-station")
    expect(page.locator(".story-summary")).not_to_contain_text("<em>")

    page.goto("/guide/tours/interhelpo/stops/pishpek-station/edit")
    radius = page.get_by_label("Arrival radius in metres (20–300)")
    radius.fill("5")
    page.get_by_role("button", name="Save").click()
    error = page.locator("#edit-error")
    expect(error).to_have_text(
        "Not saved. The arrival radius must be between 20 and 300 m."
    )
    expect(radius).to_have_attribute("aria-invalid", "true")
    expect(radius).to_be_focused()
    expect(radius).to_have_accessible_description(
        "The arrival radius must be between 20 and 300 m."
    )
    guard.console_errors[:] = [e for e in guard.console_errors if "422" not in e]
    view_shot(page, "stop-edit-error")


def test_the_route_sheet_prints_distances_and_streets(page):
    sign_in(page, "/guide/tours/interhelpo/plan")
    page.get_by_label(re.compile("^Name, e.g.")).fill("all stops")
    page.get_by_role("button", name="Save variant").click()
    page.locator('.variant[data-variant="all stops"]').get_by_role(
        "link", name="Route sheet"
    ).click()
    sheet_map = page.locator("svg.sheet-map")
    expect(sheet_map.locator("path.streets")).to_have_count(1)
    expect(sheet_map.locator("text.street-name")).not_to_have_count(0)
    expect(page.locator(".hint", has_text="Grey: the streets")).to_be_visible()
    legs = page.locator(".timetable .hint").all_inner_texts()
    assert legs and all(re.match(r"^\d+(\.\d)? k?m, ", text) for text in legs), legs
    assert not any(re.match(r"^\d{4} m", text) for text in legs), legs
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    sheet_map.screenshot(path="/tmp/guide-sheet-map.png")
    page.emulate_media(media="screen")


def test_guide_text_reaches_the_map_as_text(page):
    """A stop name with markup in it shows as written, in the list and on the map."""
    name = 'Fučík Park <img src=x onerror="window.hit=1"> <b>and</b> Street'
    sign_in(page, "/guide/tours/interhelpo/stops/fucik-street/edit")
    page.locator("fieldset[lang=en]").get_by_label("Name").fill(name)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notice")).to_contain_text("Saved")
    page.goto("/guide/tours/interhelpo/plan")
    number = str(plan_order(page).index("fucik-street"))
    page.locator("#plan-map .stop-pin", has_text=number).first.hover()
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_have_text(f"{number}. {name}")
    expect(tooltip.locator("b, img")).to_have_count(0)
    assert page.evaluate("window.hit") is None
