"""Listen: read aloud in the page's language with a matching voice, only after a tap."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context
from tests.language_support import DECLARED
from tests.language_support import TRANSLATED
from tests.language_support import catalogue


def gettext(msgid: str, lang: str) -> str:
    """The message as the language's catalogue has it."""
    return catalogue(lang)[msgid].string


# A stand-in for the Web Speech API (headless Chromium has no voices). It keeps
# what it was asked to say; the test ends each sentence with window.__finish().
FAKE_SPEECH = """
(() => {
  const voices = %s;
  const log = { spoken: [], calls: [] };
  let current = null;
  const synth = {
    speaking: false, paused: false,
    getVoices: () => voices,
    speak(u) {
      log.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name });
      current = u; this.speaking = true;
    },
    pause() { log.calls.push("pause"); this.paused = true; },
    resume() { log.calls.push("resume"); this.paused = false; },
    cancel() {
      log.calls.push("cancel"); const u = current; current = null;
      this.speaking = false; if (u && u.onerror) u.onerror({ error: "canceled" });
    },
    addEventListener() {},
  };
  class FakeUtterance { constructor(text) { this.text = text; } }
  Object.defineProperty(window, "speechSynthesis", { value: synth });
  window.SpeechSynthesisUtterance = FakeUtterance;
  window.__speech = log;
  window.__finish = () => {
    const u = current; current = null; if (u && u.onend) u.onend({});
  };
})();
"""
# Voices that arrive after the page has asked for them, as on many phones.
LATE_VOICES = """
(() => {
  const synth = window.speechSynthesis;
  const voices = [];
  const handlers = [];
  synth.getVoices = () => voices;
  synth.addEventListener = (type, handler) => {
    if (type === "voiceschanged") handlers.push(handler);
  };
  window.__voicesArrive = () => {
    voices.push({ name: "Russian", lang: "ru-RU", localService: true });
    handlers.forEach((handler) => handler());
  };
})();
"""
VOICES = """[
  { name: "English", lang: "en-US", default: true, localService: true },
  { name: "Russian", lang: "ru-RU", default: false, localService: true }
]"""


@pytest.fixture
def speech_page(browser, live_server, guard, request):
    voices = getattr(request, "param", VOICES)
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    context.add_init_script(FAKE_SPEECH % voices)
    page = context.new_page()
    yield page
    guard.check()
    context.close()


def spoken(page):
    return page.evaluate("window.__speech.spoken")


def test_reads_the_story_only_after_a_tap(speech_page):
    page = speech_page
    page.goto("/tours/interhelpo/stops/pishpek-station")
    listen = page.get_by_role("button", name="Listen", exact=True)
    expect(listen).to_be_visible()
    assert spoken(page) == []  # never on its own
    listen.click()
    first = spoken(page)
    assert first == [
        {
            "text": "Pishpek station (today Bishkek-1)",
            "lang": "en-US",
            "voice": "English",
        }
    ]
    expect(page.locator(".story h1")).to_have_class("is-reading")
    # Sentence by sentence, the paragraph being read is marked.
    page.evaluate("window.__finish()")
    page.evaluate("window.__finish()")
    expect(page.locator(".narrative p").first).to_have_class("is-reading")
    assert len(spoken(page)) == 3
    narrative = page.locator(".narrative p").first.text_content()
    assert narrative.strip().startswith(spoken(page)[2]["text"])

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Resume")).to_be_visible()
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Stop", exact=True).click()
    assert page.evaluate("window.__speech.calls")[-3:] == ["pause", "resume", "cancel"]
    expect(page.locator(".is-reading")).to_have_count(0)
    expect(listen).to_be_visible()
    # Ending a sentence after Stop says nothing more.
    count = len(spoken(page))
    page.evaluate("window.__finish()")
    assert len(spoken(page)) == count


def test_russian_page_reads_with_a_russian_voice(speech_page):
    page = speech_page
    page.goto("/tours/interhelpo/stops/pishpek-station?lang=ru")
    page.get_by_role("button", name="Слушать").click()
    first = spoken(page)[0]
    assert first["lang"] == "ru-RU" and first["voice"] == "Russian"
    assert first["text"] == page.locator(".story h1").text_content().strip()


@pytest.mark.parametrize(
    "speech_page",
    ['[{ name: "English", lang: "en-US", default: true }]'],
    indirect=True,
)
def test_no_voice_for_the_language_says_so(speech_page):
    page = speech_page
    page.goto("/tours/interhelpo/stops/pishpek-station?lang=ru")
    # Said before any tap, and Listen cannot start an English voice instead.
    expect(page.locator("[data-listen-note]")).to_have_text(
        "На этом телефоне нет голоса для чтения вслух на этом языке."
    )
    expect(page.get_by_role("button", name="Слушать")).to_be_disabled()
    assert spoken(page) == []


ALL_VOICES = json.dumps(
    [{"name": f"voice-{lang}", "lang": f"{lang}-XX"} for lang in DECLARED]
)
ENGLISH_ONLY = '[{ name: "English", lang: "en-US", default: true }]'


@pytest.mark.parametrize("speech_page", [ALL_VOICES], indirect=True)
@pytest.mark.parametrize("lang", DECLARED)
def test_each_language_is_read_with_its_own_voice(speech_page, lang):
    page = speech_page
    page.goto(f"/tours/interhelpo/stops/pishpek-station?lang={lang}")
    page.locator("[data-listen-play]").click()
    first = spoken(page)[0]
    assert first == {
        "text": page.locator(".story h1").text_content().strip(),
        "lang": f"{lang}-XX",
        "voice": f"voice-{lang}",
    }


@pytest.mark.parametrize("speech_page", [ENGLISH_ONLY], indirect=True)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_language_without_a_voice_says_so_in_that_language(speech_page, lang):
    page = speech_page
    page.goto(f"/tours/interhelpo/stops/pishpek-station?lang={lang}")
    message = gettext("This phone has no voice for reading this language aloud.", lang)
    expect(page.locator("[data-listen-note]")).to_have_text(message)
    expect(page.locator("[data-listen-play]")).to_be_disabled()
    assert spoken(page) == []


def test_voices_that_load_late_are_used(browser, live_server, guard):
    """Phones fill the voice list only after 'voiceschanged'."""
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    context.add_init_script(FAKE_SPEECH % "[]")
    context.add_init_script(LATE_VOICES)
    page = context.new_page()
    page.goto("/tours/interhelpo/stops/pishpek-station?lang=ru")
    page.evaluate("window.__voicesArrive()")
    play = page.locator("[data-listen-play]")
    expect(play).to_be_enabled()
    play.click()
    assert spoken(page)[0]["voice"] == "Russian"
    expect(page.locator("[data-listen-note]")).not_to_have_text(
        "На этом телефоне нет голоса для чтения вслух на этом языке."
    )
    guard.check()
    context.close()


def test_arriving_on_the_walk_stops_reading(speech_page):
    page = speech_page
    page.goto("/tours/interhelpo/walk")
    page.locator("#walk-sheet-toggle").click()  # "I am here" is in the walk's sheet
    page.get_by_role("button", name="I am here").click()
    story = page.locator(".walk-story-item:visible")
    story.get_by_role("button", name="Listen", exact=True).click()
    assert len(spoken(page)) == 1
    page.get_by_role("button", name="I am here").click()
    expect(page.locator(".walk-story-item:visible")).to_have_count(1)
    assert "cancel" in page.evaluate("window.__speech.calls")
    expect(page.locator(".is-reading")).to_have_count(0)


def test_read_aloud_on_arrival_starts_the_story_by_itself(browser, live_server, guard):
    """The walker turns "read stories aloud" on with a tap (which also unlocks
    speech); arriving by GPS then reads the stop's story with no further tap."""
    stops = json.loads(
        urllib.request.urlopen(live_server.url + "/api/tours/interhelpo/stops").read()
    )["features"]
    meeting = stops[0]["geometry"]["coordinates"]
    context = new_phone_context(
        browser,
        live_server.url,
        guard,
        locale="en-US",
        permissions=["geolocation"],
        geolocation={
            "latitude": meeting[1] + 0.004,
            "longitude": meeting[0],
            "accuracy": 8,
        },
    )
    context.add_init_script(FAKE_SPEECH % VOICES)
    try:
        page = context.new_page()
        page.goto("/tours/interhelpo/walk")
        page.locator("#walk-sheet-toggle").click()
        switch = page.get_by_role("button", name="Read stories aloud on arrival")
        expect(switch).to_have_attribute("aria-pressed", "false")
        switch.click()
        expect(switch).to_have_attribute("aria-pressed", "true")
        page.locator("#walk-sheet-toggle").click()
        page.get_by_role("button", name="Start the walk").click()
        expect(page.locator("#walk-gps")).to_have_attribute("data-level", "good")
        # Nothing is read before arriving (the tap's unlock says nothing at all).
        assert [s["text"] for s in spoken(page) if s["text"]] == []
        context.set_geolocation(
            {"latitude": meeting[1], "longitude": meeting[0], "accuracy": 8}
        )
        story = page.locator('.walk-story-item[data-stop="meeting-point"]')
        expect(story).to_be_visible()
        page.wait_for_function("window.__speech.spoken.some((s) => s.text.length > 0)")
        said = [s for s in spoken(page) if s["text"]]
        assert said[0] == {
            "text": story.locator(".story-title").inner_text(),
            "lang": "en-US",
            "voice": "English",
        }
        expect(story.get_by_role("button", name="Pause")).to_be_visible()
        # With the switch off again, the next arrival stays silent.
        page.get_by_role("button", name="Stop", exact=True).click()
        switch.click()
        expect(switch).to_have_attribute("aria-pressed", "false")
        before = len(spoken(page))
        first = stops[1]["geometry"]["coordinates"]
        context.set_geolocation(
            {"latitude": first[1], "longitude": first[0], "accuracy": 8}
        )
        expect(
            page.locator('.walk-story-item[data-stop="interhelpo-quarter"]')
        ).to_be_visible()
        page.wait_for_timeout(300)
        assert len(spoken(page)) == before
        guard.check()
    finally:
        context.close()
