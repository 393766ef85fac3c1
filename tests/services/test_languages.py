"""The tour's languages: one list (tour.json), a menu, hreflang, Babel's formats.

Parametrized over the languages the shipped tour declares, so a language added
to tour_data/tour.json is covered without touching this file.
"""

from __future__ import annotations

import gettext
import re
from datetime import date

import pytest
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.plurals import get_plural
from flask_babel import force_locale
from flask_babel import format_date
from flask_babel import ngettext

from geo.errors import TourDataError
from tests.conftest import DATA
from tests.language_support import DECLARED
from tests.language_support import ROOT
from tests.language_support import TRANSLATED
from tests.language_support import catalogue
from tests.language_support import tour_with_language
from tests.support import make_app
from web.services.i18n import language_name
from web.services.i18n import missing_catalogues

SMALL = DATA / "tours" / "small"
PAGES = [
    "/tours/interhelpo/",
    "/tours/interhelpo/about",
    "/tours/interhelpo/walk",
    "/tours/interhelpo/dates",
    "/events",
    "/tours/interhelpo/stops/pishpek-station",
]
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def app_on(folder, tmp_path):
    return make_app(tmp_path, TOUR_DATA=str(folder.parent))


# --- catalogues ---------------------------------------------------------------


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_declared_language_has_a_catalogue(lang):
    assert missing_catalogues([lang], ROOT) == [], (
        f"tour_data/tour.json declares {lang!r} but "
        f"translations/{lang}/LC_MESSAGES/messages.po is missing "
        "(./scripts/catalogues.sh starts it)"
    )


def test_a_language_without_a_catalogue_is_named(tmp_path):
    assert missing_catalogues(["en", "ru", "uz"], ROOT) == ["uz"]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_forms_are_the_languages_own(lang):
    """Czech and Slovak have three forms (1, 2-4, 5+), Kyrgyz two, Russian three:
    the catalogue's Plural-Forms rule must choose as Babel's rule does."""
    expected = get_plural(lang)
    found = catalogue(lang)
    assert found.num_plurals == expected.num_plurals, lang
    theirs = gettext.c2py(found.plural_expr)
    ours = gettext.c2py(expected.plural_expr)
    wrong = [n for n in range(0, 1001) if theirs(n) != ours(n)]
    assert wrong == [], f"{lang}: Plural-Forms picks another form for these numbers"
    short = [
        m.id[0]
        for m in found
        if m.id and not isinstance(m.id, str) and len(m.string) != found.num_plurals
    ]
    assert short == [], f"{lang}: plural messages without every form"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_ngettext_picks_the_form_for_the_number(real_app, lang):
    found = catalogue(lang)
    message = found.get(("%(num)s seat left", "%(num)s seats left"))
    assert message is not None and all(message.string)
    form_of = gettext.c2py(get_plural(lang).plural_expr)
    with real_app.test_request_context(), force_locale(lang):
        for n in (1, 2, 3, 4, 5, 11, 21, 22, 25, 101):
            form = form_of(n)
            assert ngettext("%(num)s seat left", "%(num)s seats left", n) == (
                message.string[int(form)] % {"num": n}
            )


# --- one list: menu, html lang, hreflang ------------------------------------------


@pytest.mark.parametrize("lang", DECLARED)
@pytest.mark.parametrize("url", PAGES)
def test_page_says_its_language_and_links_every_other(real_client, url, lang):
    html = real_client.get(f"{url}?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    alternates = dict(ALTERNATE.findall(html))
    assert set(alternates) == {*DECLARED, "x-default"}
    for other in DECLARED:
        assert alternates[other] == f"http://localhost{url}?lang={other}"
    assert alternates["x-default"] == f"http://localhost{url}"


@pytest.mark.parametrize("lang", DECLARED)
def test_menu_lists_every_language_in_its_own_name(real_client, lang):
    html = real_client.get(f"/tours/interhelpo/about?lang={lang}").get_data(
        as_text=True
    )
    menu = html[html.index("data-language-menu") : html.index("</details>")]
    entries = re.findall(
        r'<a href="([^"]+)" hreflang="([^"]+)" lang="([^"]+)"( aria-current="true")?>'
        r"([^<]+)</a>",
        menu,
    )
    assert [(e[1], e[4]) for e in entries] == [
        (code, language_name(code)) for code in DECLARED
    ]
    assert [e[1] for e in entries if e[3]] == [lang]
    assert all(e[0] == f"/tours/interhelpo/about?lang={e[1]}" for e in entries)


def test_language_names_come_from_the_locale_data():
    assert [language_name(c) for c in ("en", "ru", "cs", "sk", "ky")] == [
        "English",
        "Русский",
        "Čeština",
        "Slovenčina",
        "Кыргызча",
    ]


def test_menu_keeps_the_rest_of_the_query(real_client):
    html = real_client.get("/events?lang=ru&past=1").get_data(as_text=True)
    assert 'href="/events?past=1&amp;lang=en" hreflang="en"' in html


def test_choice_sticks_and_accept_language_decides_otherwise(real_client):
    last = DECLARED[-1]
    first = real_client.get(f"/tours/interhelpo/about?lang={last}")
    assert f"lang={last}" in first.headers["Set-Cookie"]
    assert f'<html lang="{last}"' in real_client.get(
        "/tours/interhelpo/about"
    ).get_data(as_text=True)
    fresh = real_client.application.test_client()
    page = fresh.get(
        "/tours/interhelpo/about", headers={"Accept-Language": f"{last};q=1, en;q=0.5"}
    )
    assert f'<html lang="{last}"' in page.get_data(as_text=True)


# --- a sixth language is data and a catalogue, no code ---------------------------


@pytest.fixture
def sixth_language_app(tmp_path):
    """The small test tour declaring Uzbek too: a language no code mentions."""
    folder = tour_with_language(
        DATA / "tours" / "small", tmp_path / "tours" / "small", "uz"
    )
    return app_on(folder, tmp_path)


def test_a_declared_language_is_served_without_code(sixth_language_app):
    client = sixth_language_app.test_client()
    html = client.get("/tours/small/stops/middle?lang=uz").get_data(as_text=True)
    assert '<html lang="uz"' in html
    assert 'hreflang="uz"' in html and language_name("uz") in html
    assert "[uz] First paragraph about Middle" in html
    # No catalogue yet: the interface is English, and the start-up said so.
    assert missing_catalogues(["uz"], ROOT) == ["uz"]


def test_a_language_without_locale_data_stops_the_start(tmp_path):
    folder = tour_with_language(
        DATA / "tours" / "small", tmp_path / "tours" / "small", "qq"
    )
    with pytest.raises(TourDataError, match=r"tour\.json.*languages.*'qq'") as caught:
        app_on(folder, tmp_path)
    assert caught.value.field == "languages"


# --- numbers, dates and distances from Babel's locale data -----------------------


@pytest.mark.parametrize("lang", DECLARED)
def test_numbers_distances_prices_and_dates_follow_the_language(real_app, lang):
    from web.services.i18n import format_distance
    from web.services.i18n import format_price

    symbols = Locale.parse(lang).number_symbols["latn"]
    with real_app.test_request_context(f"/tours/interhelpo/?lang={lang}"):
        assert format_distance(1260).startswith(f"1{symbols['decimal']}3")
        assert format_price(12500, "KGS").startswith(f"12{symbols['group']}500")
        day = format_date(date(2019, 11, 26), "long")
    assert day == babel_format_date(date(2019, 11, 26), "long", locale=lang)
