"""The language menu on a phone: every declared language in its own name, on
screen at 390 and 320 px, by touch and keyboard, and it keeps the choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context
from tests.browser.test_accessibility import open_menu
from tests.browser.test_accessibility import violations
from tests.language_support import DECLARED
from web.services.i18n import language_name

SIZES = {"390x844": (390, 844), "320x568": (320, 568)}


@pytest.fixture(params=list(SIZES))
def phone(request, browser, live_server, guard):
    width, height = SIZES[request.param]
    context = new_phone_context(
        browser,
        live_server.url,
        guard,
        locale="en-US",
        viewport={"width": width, "height": height},
    )
    page = context.new_page()
    yield page, width
    guard.check()
    context.close()


def fits(page, locator, width: int) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, locator
    assert box["height"] >= 44, "touch target under 44 px"


@pytest.mark.parametrize("lang", DECLARED)
def test_menu_switches_to_each_language_on_a_phone(phone, lang):
    page, width = phone
    start = next(code for code in DECLARED if code != lang)
    page.goto(f"/tours/interhelpo/stops/pishpek-station?lang={start}")
    menu = page.locator("[data-language-menu]")
    summary = menu.locator("summary")
    expect(summary).to_contain_text(language_name(start))
    links = menu.locator(".language-list a")
    expect(links.first).to_be_hidden()
    # On a phone the language is in the site's menu, one tap away.
    open_menu(page)
    expect(links.first).to_be_hidden()
    summary.click()
    expect(links).to_have_count(len(DECLARED))
    for code in DECLARED:
        link = menu.locator(f'a[hreflang="{code}"]')
        expect(link).to_be_visible()
        expect(link).to_have_text(language_name(code))
        expect(link).to_have_attribute("lang", code)
        fits(page, link, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(menu.locator('a[aria-current="true"]')).to_have_attribute("hreflang", start)
    menu.locator(f'a[hreflang="{lang}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    open_menu(page)
    expect(page.locator("[data-language-menu] summary")).to_contain_text(
        language_name(lang)
    )
    # The choice is remembered: a page without ?lang= keeps it.
    page.goto("/tours/interhelpo/about")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_menu_works_by_keyboard_and_closes_with_escape(phone):
    page, _width = phone
    page.goto("/tours/interhelpo/about?lang=en")
    # The menu button opens the site's menu from the keyboard too.
    menu_button = page.locator("#menu-button")
    menu_button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#site-nav")).to_be_visible()
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    summary = page.locator("[data-language-menu] summary")
    summary.focus()
    page.keyboard.press("Enter")
    first = page.locator(".language-list a").first
    expect(first).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Tab")
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(first).to_be_hidden()
    expect(summary).to_be_focused()
    # The menu stays open for a second Escape, which closes it.
    expect(page.locator("#site-nav")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#site-nav")).to_be_hidden()
    expect(menu_button).to_be_focused()
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    # A tap elsewhere closes it too.
    open_menu(page)
    summary.click()
    expect(first).to_be_visible()
    page.mouse.click(5, page.viewport_size["height"] - 5)
    expect(first).to_be_hidden()
