"""Listen: read aloud in the page's language with a matching voice, only after a tap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_phone_context

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
    page.get_by_role("button", name="Слушать").click()
    expect(page.locator("[data-listen-note]")).to_have_text(
        "На этом телефоне нет голоса для чтения вслух на этом языке."
    )
    assert spoken(page) == []


def test_arriving_on_the_walk_stops_reading(speech_page):
    page = speech_page
    page.goto("/tours/interhelpo/walk")
    page.get_by_role("button", name="I am here").click()
    story = page.locator(".walk-story-item:visible")
    story.get_by_role("button", name="Listen", exact=True).click()
    assert len(spoken(page)) == 1
    page.get_by_role("button", name="I am here").click()
    expect(page.locator(".walk-story-item:visible")).to_have_count(1)
    assert "cancel" in page.evaluate("window.__speech.calls")
    expect(page.locator(".is-reading")).to_have_count(0)
