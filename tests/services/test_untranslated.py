"""No English left: every public page, in every declared language but English,
shows no interface message whose translation differs from its English text.

The walk covers the pages, the stories, a date's registration, confirmation and
cancel pages, the error page, the GPX and the calendar files. Text that is not
ours to translate is skipped: source titles (``translate="no"``), guests' and
guides' words (``user-text``) and anything marked as another language (the
language menu's own names).
"""

from __future__ import annotations

import re

import pytest

from tests.booking_support import add_date
from tests.booking_support import register
from tests.language_support import TRANSLATED
from tests.language_support import catalogue
from tests.language_support import extract_pot
from tests.language_support import gpx_text
from tests.language_support import ical_text
from tests.language_support import message_pattern
from tests.language_support import page_text
from tests.support import make_app


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped tour with one tour date and one registration."""
    tmp = tmp_path_factory.mktemp("site")
    app = make_app(tmp)
    date_id = add_date(app, capacity=10, seats_taken=8)
    client = app.test_client()
    confirmed = register(client, date_id, tour="interhelpo")
    code = confirmed.headers["Location"].rstrip("/").split("/")[-1]
    tour = app.extensions["tour"]
    events = app.extensions["events"]
    urls = [
        "/tours/interhelpo/",
        "/tours/interhelpo/about",
        "/tours/interhelpo/walk",
        "/tours/interhelpo/dates",
        "/events",
        "/live",
        "/tours/interhelpo/dates/cancel",
        f"/tours/interhelpo/dates/{date_id}/register",
        f"/tours/interhelpo/dates/r/{code}",
        f"/tours/interhelpo/dates/r/{code}/cancel",
        "/no-such-page",
        *[f"/tours/interhelpo/stops/{stop.id}" for stop in tour.stops],
        "/tours/interhelpo/tour.gpx",
        f"/tours/interhelpo/dates/{date_id}/calendar.ics",
        f"/tours/interhelpo/dates/r/{code}/calendar.ics",
        *[f"/events/{event.id}.ics" for event in events[:2]],
    ]
    return app, urls


@pytest.fixture(scope="module")
def english_messages(tmp_path_factory):
    """Every interface message (singular and plural), freshly extracted."""
    pot = extract_pot(tmp_path_factory.mktemp("pot"))
    return [m for m in pot if m.id]


def leftovers(text: str, lang: str, messages) -> list[str]:
    return [
        msgid for msgid, pattern in candidates(lang, messages) if pattern.search(text)
    ]


def candidates(lang: str, messages) -> list[tuple[str, re.Pattern[str]]]:
    """The English messages that would be out of place on a ``lang`` page: those
    whose translation differs from them (or that have none)."""
    key = (lang, id(messages))
    if key not in _CANDIDATES:
        found = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(lang)}
        chosen = []
        for message in messages:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            entry = found.get(ids[0])
            strings = [] if entry is None else as_strings(entry.string)
            for msgid in ids:
                pattern = message_pattern(msgid)
                if pattern and msgid not in strings:  # not "GPX" = "GPX"
                    chosen.append((msgid, pattern))
        _CANDIDATES[key] = chosen
    return _CANDIDATES[key]


_CANDIDATES: dict[tuple[str, int], list[tuple[str, re.Pattern[str]]]] = {}


def as_strings(string) -> list[str]:
    return [string] if isinstance(string, str) else [s for s in string if s]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_message_is_left_on_any_page(site, english_messages, lang):
    app, urls = site
    client = app.test_client()
    problems = {}
    for url in urls:
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}lang={lang}")
        assert response.status_code in (200, 404), url
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            text = page_text(body, lang)
        elif response.mimetype == "text/calendar":
            text = ical_text(body)
        else:
            assert "gpx" in response.mimetype, url
            text = gpx_text(body)
        left = leftovers(text, lang, english_messages)
        if left:
            problems[url] = left
    assert problems == {}, f"English messages on {lang!r} pages: {problems}"


def test_the_walk_finds_an_untranslated_message(site, english_messages):
    """The check can fail: an English message on a page is found."""
    lang = TRANSLATED[0] if TRANSLATED else pytest.skip("no language but English")
    html = '<html lang="x"><body><p>Skip to content</p></body></html>'
    assert "Skip to content" in leftovers(page_text(html, lang), lang, english_messages)
    hidden = '<p translate="no">Skip to content</p><p lang="en">Skip to content</p>'
    assert leftovers(page_text(hidden, lang), lang, english_messages) == []
