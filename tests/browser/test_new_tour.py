"""A second tour made from nothing at phone size (gunicorn, two workers): a guide
writes it in English and Russian, taps its meeting point and three stops on the
map, sets its end from the phone's position (a poor fix, confirmed), the path is routed
over the streets, the check passes, the guide publishes it; guests find it at /,
its walk and GPX work, and the Interhelpo tour is untouched."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.conftest import phone_size
from tests.browser.conftest import tiles_settled
from tests.browser.test_guide_tools import sign_in

SHOTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: the new tour must not show up in other tests' pages."""
    with own_server(tmp_path_factory.mktemp("new-tour"), workers=2) as server:
        yield server


def get_json(server, path):
    with urllib.request.urlopen(server.url + path) as answer:
        return json.load(answer)


def status_of(server, path):
    try:
        with urllib.request.urlopen(server.url + path) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def tap(page, map_box, dx, dy):
    """Tap a map ``dx, dy`` pixels from its centre."""
    box = map_box.locator(".pin-map").bounding_box()
    page.mouse.click(
        box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy
    )


def centre_of(map_box):
    return float(map_box.get_attribute("data-lat")), float(
        map_box.get_attribute("data-lon")
    )


def offset(lat, lon, dx_px, dy_px, zoom=16):
    """The position ``dx, dy`` pixels from ``lat, lon`` on a Web Mercator map."""
    metres_px = 40075016.686 * math.cos(math.radians(lat)) / 2 ** (zoom + 8)
    north_m, east_m = -dy_px * metres_px, dx_px * metres_px
    return (
        lat + north_m / 111320,
        lon + east_m / (111320 * math.cos(math.radians(lat))),
    )


TEXTS = {
    "en": {
        "Title": "Frunze's first factories ({w})",
        "Description": "A walk past the first factories. It ends by the canal.",
        "Meeting point, in words": "The corner west of the bazaar",
        "How to find the meeting point": "Walk west from the bazaar to the corner.",
        "What to bring": "Comfortable shoes.",
        "Where the walk ends, in words": "The bridge over the canal",
    },
    "ru": {
        "Title": "Первые фабрики Фрунзе ({w})",
        "Description": "Прогулка мимо первых фабрик. Она кончается у канала.",
        "Meeting point, in words": "Угол к западу от базара",
        "How to find the meeting point": "Идите от базара на запад до угла.",
        "What to bring": "Удобная обувь.",
        "Where the walk ends, in words": "Мост через канал",
    },
}
STOPS = [
    ("Weaving shed", "Ткацкий цех", (-55, -85)),
    ("Foundry yard", "Двор литейного цеха", (0, 85)),
    ("Furniture works", "Мебельная фабрика", (55, -85)),
]


def fill_stop(page, name_en, name_ru):
    for lang, name in (("en", name_en), ("ru", name_ru)):
        fieldset = page.locator(f'fieldset[lang="{lang}"]')
        fieldset.get_by_label("Name").fill(name)
        fieldset.get_by_label("Summary (one line)").fill(f"{name}.")
        fieldset.get_by_label("Story (paragraphs separated by a blank line)").fill(
            f"{name}: {'the story' if lang == 'en' else 'история'}."
        )


@pytest.mark.parametrize("width", [390, 320])
def test_a_guide_makes_checks_and_publishes_a_new_tour(browser, server, guard, width):
    interhelpo_before = get_json(server, "/api/tours/interhelpo/stops")
    context = new_phone_context(
        browser,
        server.url,
        guard,
        locale="en-US",
        viewport=phone_size(width),
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        sign_in(page, "/guide/")
        page.get_by_role("link", name="Make a new tour").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Make a new tour")
        page.get_by_label("Русский").check()
        for lang, texts in TEXTS.items():
            fieldset = page.locator(f'fieldset[lang="{lang}"]')
            for label, text in texts.items():
                fieldset.get_by_label(label, exact=False).first.fill(
                    text.format(w=width)
                )
        page.get_by_label("Duration in minutes").fill("90")
        page.get_by_label("Price").fill("500")
        page.get_by_label("Sources").fill(
            "https://example.org/factories Factories of Frunze"
        )
        start = page.locator("#start_map")
        end = page.locator("#end_map")
        start.scroll_into_view_if_needed()
        tiles_settled(page)
        tap(page, start, -110, 0)
        expect(start.locator("[data-reading]")).to_contain_text(
            "Pin placed on the map: about ±"
        )
        # The form is refused without its end pin; what was typed stays.
        page.get_by_role("button", name="Make the draft tour").click()
        expect(page.locator("#end_map-error")).to_contain_text("Place the pin")
        expect(page.get_by_label("Duration in minutes")).to_have_value("90")
        page.screenshot(
            path=str(SHOTS / f"new-tour-refused-{width}.png"), full_page=True
        )
        # The end from the phone, standing there: a 45 m fix must be confirmed.
        end = page.locator("#end_map")
        end.scroll_into_view_if_needed()
        tiles_settled(page)
        lat, lon = offset(*centre_of(end), 110, 0)
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 45})
        end.get_by_role("button", name="Use my position").click()
        expect(end.locator("[data-reading]")).to_contain_text(
            "Pin at your position: ±45 m."
        )
        expect(end.locator("[data-poor]")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"new-tour-gps-{width}.png"))
        end.get_by_label("Use it anyway").check()
        page.get_by_role("button", name="Make the draft tour").click()
        expect(page.locator(".notice")).to_contain_text("Made the draft tour")
        tour_id = page.url.split("/guide/tours/")[1].split("/")[0]
        assert tour_id == f"frunze-s-first-factories-{width}"
        assert status_of(server, f"/tours/{tour_id}/") == 404  # a draft

        for name_en, name_ru, (dx, dy) in STOPS:
            picker = page.locator("#pin_map")
            picker.scroll_into_view_if_needed()
            tiles_settled(page)
            tap(page, picker, dx, dy)
            fill_stop(page, name_en, name_ru)
            page.get_by_role("button", name="Add the stop").click()
            expect(page.locator(".notice")).to_contain_text(
                f"Added “{name_en}” before the end of the walk."
            )
        names = page.locator("#walk-so-far li").all_inner_texts()
        assert names == [
            "Meeting point",
            *(en for en, _ru, _at in STOPS),
            "End of the walk",
        ]
        page.screenshot(path=str(SHOTS / f"new-tour-stops-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        page.get_by_role("link", name="Check and publish").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Publish")
        page.screenshot(
            path=str(SHOTS / f"new-tour-publish-{width}.png"), full_page=True
        )
        page.get_by_role("button", name="Yes, publish").click()
        expect(page.locator(".notice")).to_contain_text("guests see it now")
        expect(
            page.locator(f'[data-tour-id="{tour_id}"] [data-status]')
        ).to_have_attribute("data-status", "published")

        # Guests: the list at / (every worker), the walk, the GPX.
        guest = new_phone_context(
            browser,
            server.url,
            guard,
            locale="ru-RU",
            viewport=phone_size(width),
        )
        try:
            visitor = guest.new_page()
            for _ in range(3):
                visitor.goto("/")
                expect(
                    visitor.locator(f'a[href="/tours/{tour_id}/"]').first
                ).to_be_visible()
            expect(
                visitor.get_by_text(f"Первые фабрики Фрунзе ({width})")
            ).to_be_visible()
            visitor.screenshot(
                path=str(SHOTS / f"new-tour-list-{width}.png"), full_page=True
            )
            visitor.goto(f"/tours/{tour_id}/walk")
            expect(
                visitor.get_by_role("button", name="Начать прогулку")
            ).to_be_visible()
            visitor.screenshot(path=str(SHOTS / f"new-tour-walk-{width}.png"))
            gpx = visitor.request.get(f"/tours/{tour_id}/tour.gpx")
            assert gpx.status == 200
            assert gpx.text().count("<wpt ") == 5
        finally:
            guest.close()
    finally:
        context.close()
    # The legs were routed over the district's streets, not drawn straight.
    route = get_json(server, f"/api/tours/{tour_id}/route")["features"]
    assert len(route) == 4
    assert all(leg["properties"]["street_m"] > 0 for leg in route)
    assert get_json(server, "/api/tours/interhelpo/stops") == interhelpo_before
    # The form sent back with its message was a 422, which the browser logs.
    guard.expect_refusals(1)
    guard.check()
