"""The guide records a stop's narration in the browser: Chromium's fake microphone
(a steady tone) stands in for the phone's, through the real MediaRecorder."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.conftest import Guard
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.test_guide_tools import sign_in

STOP = "pishpek-station"
# A fake capture device, and no permission prompt (the context grants it).
FAKE_MICROPHONE = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: the recording must not reach other tests' pages."""
    with own_server(tmp_path_factory.mktemp("recorder-instance")) as server:
        yield server


@pytest.fixture(scope="module")
def microphone_browser(playwright):
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS + FAKE_MICROPHONE,
    )
    yield chromium
    chromium.close()


def test_a_guide_records_listens_back_and_keeps_the_narration(
    microphone_browser, server
):
    guard = Guard()
    context = new_phone_context(microphone_browser, server.url, guard, locale="en-US")
    context.grant_permissions(["microphone"], origin=server.url)
    page = context.new_page()
    sign_in(page)
    page.goto(f"/guide/tours/interhelpo/stops/{STOP}/media")
    english = page.locator('[data-voice="en"] [data-recorder]')
    expect(english).to_be_visible()
    english.locator("[data-rec-start]").click()
    # Recording: Pause and Stop are offered, the clock runs.
    expect(english.locator("[data-rec-stop]")).to_be_visible()
    expect(english.locator("[data-rec-time]")).not_to_have_text("0:00", timeout=10_000)
    page.wait_for_timeout(2_500)
    english.locator("[data-rec-stop]").click()
    # Listen back before keeping it.
    review = english.locator("[data-rec-review]")
    expect(review).to_be_visible()
    playback = english.locator("[data-rec-playback]")
    expect(playback).to_have_attribute("src", re.compile(r"^blob:"))
    english.locator("[data-rec-save]").click()
    # Kept: the page comes back with the stored recording.
    kept = page.get_by_test_id("recording-en")
    expect(kept).to_be_visible(timeout=30_000)
    src = kept.get_attribute("src")
    assert src and src.startswith("/media/")
    duration_s = page.evaluate(
        """src => new Promise((resolve, reject) => {
             const audio = new Audio(src);
             audio.addEventListener("loadedmetadata", () => resolve(audio.duration));
             audio.addEventListener("error", () => reject(new Error("unplayable")));
           })""",
        src,
    )
    assert 1.5 <= duration_s <= 30
    context.close()
    guard.check()
