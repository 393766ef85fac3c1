"""Photos and narration at phone size (390x844): a guide uploads a phone photo with GPS
in its EXIF and a recording; a guest sees the photo (srcset, no layout shift, no EXIF in
any served file), plays the recording with the Media Session set, saves the walk for
offline and has both with no connection."""

from __future__ import annotations

import base64
import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Guard
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.test_guide_tools import sign_in
from tests.media_support import exif_of
from tests.media_support import photo
from tests.media_support import tone_wav

ALL_LOADED = (
    "() => [...document.querySelectorAll('.photos img')].every(i => i.naturalWidth > 0)"
)
STOP: dict = {}
OTHER: dict = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: the photos must not show up in other tests' pages."""
    with own_server(tmp_path_factory.mktemp("media-instance")) as server:
        with urllib.request.urlopen(
            server.url + "/api/tours/interhelpo/stops"
        ) as answer:
            features = json.load(answer)["features"]
        STOP.update(features[1]["properties"])
        OTHER.update(features[2]["properties"])
        yield server


@pytest.fixture
def phone(browser, server, guard):
    contexts = []

    def open_context():
        context = new_phone_context(browser, server.url, guard, locale="en-US")
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def jpeg_file(name, seed):
    return {
        "name": name,
        "mimeType": "image/jpeg",
        "buffer": photo(2000, 1500, seed=seed),
    }


# The alt text in the tour's other languages (tour_data/tour.json), every one required.
OTHER_ALT = {
    "Workers by the gate": {
        "cs": "Dělníci u brány",
        "sk": "Robotníci pri bráne",
        "ky": "Дарбазанын жанындагы жумушчулар",
    },
    "The street today": {"cs": "Ulice dnes", "sk": "Ulica dnes", "ky": "Көчө бүгүн"},
    "A wall": {"cs": "Zeď", "sk": "Stena", "ky": "Дубал"},
}


def fill_card(card, en, ru):
    card.locator('input[name="alt_en"]').fill(en)
    card.locator('input[name="alt_ru"]').fill(ru)
    for lang, text in OTHER_ALT.get(en, {"cs": en, "sk": en, "ky": en}).items():
        card.locator(f'input[name="alt_{lang}"]').fill(text)
    card.locator('input[name="caption_en"]').fill("Test caption " + en)
    card.locator('input[name="credit"]').fill("Anna Guide")
    card.locator('select[name="licence"]').select_option("own")


@pytest.fixture(scope="module")
def uploaded(browser, server):
    """The guide's part, once: two photos at STOP (several at once), one at OTHER,
    a narration for STOP in English."""
    guard = Guard()
    context = new_phone_context(browser, server.url, guard, locale="en-US")
    page = context.new_page()
    sign_in(page)
    page.goto(f"/guide/tours/interhelpo/stops/{STOP['id']}/media")
    page.locator("#photo-file").set_input_files(
        [jpeg_file("IMG_0001.jpg", 1), jpeg_file("IMG_0002.jpg", 2)]
    )
    cards = page.locator("#upload-cards > li")
    expect(cards).to_have_count(2)
    fill_card(cards.nth(0), "Workers by the gate", "Рабочие у ворот")
    fill_card(cards.nth(1), "The street today", "Улица сегодня")
    page.get_by_role("button", name="Upload 2 photos").click()
    expect(page.locator("#photo-list > li")).to_have_count(2, timeout=60_000)
    page.locator("#audio_en").set_input_files(
        {"name": "narration.wav", "mimeType": "audio/wav", "buffer": tone_wav(3.0)}
    )
    page.locator("#audio_en").locator("xpath=..").get_by_role(
        "button", name="Upload", exact=True
    ).click()
    expect(page.locator("[data-testid=recording-en]")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Recording kept.")).to_be_visible()

    # A bad file through the page: the reason shown, nothing added.
    page.locator("#photo-file").set_input_files(
        {"name": "holiday.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.4 no"}
    )
    fill_card(page.locator("#upload-cards > li").nth(0), "x", "x")
    page.get_by_role("button", name="Add photo").click()
    expect(page.locator("#upload-cards > li .upload-note")).to_contain_text(
        "not a picture the server can read"
    )
    expect(page.locator("#photo-list > li")).to_have_count(2)

    page.goto(f"/guide/tours/interhelpo/stops/{OTHER['id']}/media")
    page.locator("#photo-file").set_input_files([jpeg_file("IMG_0003.jpg", 3)])
    fill_card(page.locator("#upload-cards > li").nth(0), "A wall", "Стена")
    page.get_by_role("button", name="Add photo").click()
    expect(page.locator("#photo-list > li")).to_have_count(1, timeout=60_000)
    # The refused upload's answer is the one error the console may show.
    guard.expect_refusals(1)
    guard.check()
    context.close()
    return True


def test_a_guest_sees_the_photo_without_gps_and_hears_the_narration(
    uploaded, phone, guard
):
    page = phone().new_page()
    page.add_init_script(
        """window.__shifts = [];
        new PerformanceObserver((list) => {
            for (const e of list.getEntries())
                if (!e.hadRecentInput) window.__shifts.push(e.value);
        }).observe({type: "layout-shift", buffered: true});"""
    )
    page.goto(f"/tours/interhelpo/stops/{STOP['id']}")
    images = page.locator(".photos img")
    expect(images).to_have_count(2)
    first = images.first
    assert first.get_attribute("loading") == "lazy"
    assert re.search(r" 480w, .+ 960w, .+ 1600w$", first.get_attribute("srcset"))
    assert (first.get_attribute("width"), first.get_attribute("height")) == (
        "960",
        "720",
    )
    assert first.get_attribute("alt") == "Workers by the gate"
    # The box has its final height before the picture arrives.
    box_before = first.bounding_box()
    assert box_before["height"] == pytest.approx(box_before["width"] * 0.75, abs=1)
    first.scroll_into_view_if_needed()
    page.wait_for_function(ALL_LOADED)
    assert first.bounding_box()["height"] == pytest.approx(box_before["height"], abs=1)
    assert page.evaluate("window.__shifts") == []
    expect(page.locator(".photos figcaption").first).to_contain_text("Anna Guide")

    # Every file the page can ask for carries no EXIF, let alone GPS.
    urls = page.evaluate(
        """() => [...new Set([...document.querySelectorAll('.photos [srcset]')]
              .flatMap(n => n.getAttribute('srcset').split(', ')
                             .map(s => s.split(' ')[0])))]"""
    )
    assert len(urls) >= 12  # two photos, three widths, at least two formats
    for url in urls:
        data = page.evaluate(
            """async (url) => {
                const r = await fetch(url);
                const bytes = new Uint8Array(await r.arrayBuffer());
                let s = ""; bytes.forEach((b) => s += String.fromCharCode(b));
                return {cache: r.headers.get("Cache-Control"), body: btoa(s)};
            }""",
            url,
        )
        assert "immutable" in data["cache"]
        assert exif_of(base64.b64decode(data["body"])) == {}, url

    # Full screen, swipe to the next photo, close.
    page.locator("a.photo-open").first.click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator("img")).to_have_attribute("alt", "Workers by the gate")
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("img")).to_have_attribute("alt", "The street today")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()

    # The recording replaces the phone's voice, plays, and sets the Media Session.
    expect(page.locator("[data-listen-play]")).to_have_count(0)
    audio = page.locator("[data-narration-audio]")
    expect(audio).to_have_count(1)
    audio.evaluate("(a) => a.play()")
    page.wait_for_function(
        "() => document.querySelector('[data-narration-audio]').currentTime > 0.3"
    )
    metadata = page.evaluate(
        """() => { const m = navigator.mediaSession.metadata;
            return {title: m.title, artist: m.artist,
                    art: m.artwork.map(a => a.src)}; }"""
    )
    assert metadata["title"] == STOP["name"]["en"]
    assert metadata["artist"].startswith("The making of industrial Bishkek")
    assert len(metadata["art"]) == 1 and metadata["art"][0].endswith(".jpg")
    guard.check()


def test_russian_page_has_russian_alt_text_and_the_phone_voice(uploaded, phone, guard):
    page = phone().new_page()
    page.goto(f"/tours/interhelpo/stops/{STOP['id']}?lang=ru")
    expect(page.locator(".photos img").first).to_have_attribute(
        "alt", "Рабочие у ворот"
    )
    # No Russian recording: Listen (the phone's voice) stays.
    expect(page.locator("[data-narration-audio]")).to_have_count(0)
    expect(page.locator("[data-listen]")).to_have_count(1)
    guard.check()


def test_the_saved_walk_has_its_photos_and_recording_offline(uploaded, phone, guard):
    context = phone()
    page = context.new_page()
    page.goto("/tours/interhelpo/walk")
    expect(page.locator("#offline-status[data-state='ready']")).to_be_visible(
        timeout=30_000
    )
    page.locator("#walk-sheet-toggle").click()  # the walk's sheet holds the rest
    page.get_by_role("button", name="Save this walk for offline").click()
    size = page.locator("#walk-pack-size")
    expect(size).to_contain_text("3 photos")
    expect(size).to_contain_text("1 recordings")
    page.locator("#walk-pack-confirm").click()
    expect(page.locator("#walk-pack-status")).to_have_text(
        "Ready offline ✓", timeout=60_000
    )
    expect(page.locator("#walk-pack-storage")).to_contain_text("This site uses")
    assert page.locator("#walk-pack-progress").evaluate("(p) => p.value") == 1

    context.set_offline(True)
    for stop in (STOP, OTHER):
        page.goto(f"/tours/interhelpo/stops/{stop['id']}")
        expect(page.get_by_role("heading", level=1)).to_have_text(stop["name"]["en"])
        page.locator(".photos img").last.scroll_into_view_if_needed()
        page.wait_for_function(ALL_LOADED)
        expect(page.locator(".photo-placeholder")).to_have_count(0)
    page.goto(f"/tours/interhelpo/stops/{STOP['id']}")
    page.locator("[data-narration-audio]").evaluate("(a) => a.play()")
    page.wait_for_function(
        "() => document.querySelector('[data-narration-audio]').currentTime > 0.3"
    )
    context.set_offline(False)
    guard.check()


def test_photos_not_saved_show_their_alt_text_offline(uploaded, phone, guard):
    context = phone()
    page = context.new_page()
    page.goto("/tours/interhelpo/about")
    expect(page.locator("#offline-status[data-state='ready']")).to_be_visible(
        timeout=30_000
    )
    context.set_offline(True)
    page.goto(f"/tours/interhelpo/stops/{OTHER['id']}")
    placeholder = page.locator(".photo-placeholder")
    page.locator(".photos").scroll_into_view_if_needed()
    expect(placeholder).to_have_count(1)
    expect(placeholder).to_contain_text("A wall")
    expect(page.locator(".photos a.photo-open")).to_be_hidden()
    context.set_offline(False)
    # The one failed download is what this test is about; nothing else may fail.
    failed = [
        e for e in guard.console_errors if e.startswith("Failed to load resource")
    ]
    assert len(failed) == 1
    guard.console_errors = [e for e in guard.console_errors if e not in failed]
    guard.check()


def test_read_aloud_on_arrival_plays_the_recording(browser, server, uploaded, guard):
    """With "read stories aloud" on, arriving at a stop with a recording in the
    page's language plays that recording, not the phone's voice."""
    context = new_phone_context(
        browser,
        server.url,
        guard,
        locale="en-US",
        permissions=["geolocation"],
    )
    try:
        with urllib.request.urlopen(
            server.url + "/api/tours/interhelpo/stops"
        ) as answer:
            where = {
                f["properties"]["id"]: f["geometry"]["coordinates"]
                for f in json.load(answer)["features"]
            }
        lon, lat = where[STOP["id"]]
        context.set_geolocation(
            {"latitude": lat + 0.004, "longitude": lon, "accuracy": 8}
        )
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        page.locator("#walk-sheet-toggle").click()
        page.get_by_role("button", name="Read stories aloud on arrival").click()
        page.locator("#walk-sheet-toggle").click()
        page.get_by_role("button", name="Start the walk").click()
        expect(page.locator("#walk-gps")).to_have_attribute("data-level", "good")
        recording = page.locator(
            f'.walk-story-item[data-stop="{STOP["id"]}"] [data-narration-audio]'
        )
        assert recording.evaluate("(a) => a.paused") is True
        context.set_geolocation({"latitude": lat, "longitude": lon, "accuracy": 8})
        expect(
            page.locator(f'.walk-story-item[data-stop="{STOP["id"]}"]')
        ).to_be_visible()
        page.wait_for_function(
            "(a) => !a.paused && a.currentTime > 0.3", arg=recording.element_handle()
        )
        assert (
            page.evaluate("navigator.mediaSession.metadata.title") == STOP["name"]["en"]
        )
        guard.check()
    finally:
        context.close()
