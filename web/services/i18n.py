"""Languages: ``?lang=`` picks one and it sticks (cookie); else Accept-Language.

The tour's ``languages`` (tour.json) are the one list of languages: the menu, the
``hreflang`` alternates, the guide's forms and the offline copies all come from
it. Each language's interface text is its catalogue,
``translations/<lang>/LC_MESSAGES/messages.po`` (English is the source language
and needs none); its name, number, date and plural rules come from Babel's
locale data; its walking directions are its phrase file, ``geo/lang/<lang>.json``.
Adding a language is therefore a change of tour data, one new catalogue and one
phrase file, never of code.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from babel import Locale
from babel import UnknownLocaleError
from babel.dates import get_timezone_location
from babel.numbers import get_currency_symbol
from babel.numbers import get_decimal_symbol
from babel.numbers import get_group_symbol
from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask_babel import Babel
from flask_babel import format_decimal
from flask_babel import get_locale
from flask_babel import gettext as _

from geo import directions
from geo import phrasebook
from geo import placeholders
from geo.errors import TourDataError
from geo.tour import Stop
from geo.tour import Tour
from geo.tour import pick as geo_pick
from web import get_tour
from web.services.links import public_base

log = logging.getLogger(__name__)

LANG_COOKIE = "lang"
ONE_YEAR_S = 365 * 24 * 3600
SOURCE_LANGUAGE = "en"
"""The language the interface is written in: it has no catalogue of its own."""


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers; check the tour's languages."""
    tour = app.extensions["tour"]
    check_languages(tour, Path(app.config["TOUR_DATA"]))
    for lang in missing_catalogues(tour.languages, Path(app.root_path)):
        app.logger.warning(
            "tour.json declares %r but %s is missing: its interface stays English",
            lang,
            catalogue_path(Path(app.root_path), lang),
        )
    # A broken phrase file stops start-up here, naming file and field, rather
    # than failing the first route asked for.
    phrasebook.load_all()
    for lang in tour.languages:
        if phrasebook.phrasebook(lang) is None:
            app.logger.warning(
                "tour.json declares %r but %s is missing: its walking directions"
                " are given in English, and the page says so",
                lang,
                phrasebook.LANG_DIR / f"{lang}.json",
            )
    Babel(app, locale_selector=select_language)
    app.after_request(_remember_choice)
    app.context_processor(lambda: {"tour": get_tour()})
    app.jinja_env.globals.update(
        current_lang=current_lang,
        pick=pick,
        look_for=look_for,
        distance=format_distance,
        minutes=format_minutes,
        number=format_number,
        number_symbol=number_symbol,
        price=format_price,
        currency=currency_symbol,
        language_name=language_name,
        language_url=language_url,
        zone_city=zone_city,
    )
    app.jinja_env.filters["tour_time"] = tour_time


def check_languages(tour: Tour, folder: Path) -> None:
    """Every declared language must be one Babel has locale data for.

    Without it there are no plural rules, number or date formats, nor a name for
    the menu: better to stop at start-up, naming the file and the language.
    """
    for lang in tour.languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            raise TourDataError(
                str(folder / "tour.json"),
                None,
                "languages",
                f"no locale data for language {lang!r} (Babel knows no such locale)",
            ) from None


def catalogue_path(root: Path, lang: str) -> Path:
    """Where a language's interface catalogue lives, relative to the project."""
    return root / "translations" / lang / "LC_MESSAGES" / "messages.po"


def missing_catalogues(languages: Sequence[str], root: Path) -> list[str]:
    """The declared languages without an interface catalogue under ``root``."""
    return [
        lang
        for lang in languages
        if lang != SOURCE_LANGUAGE and not catalogue_path(root, lang).is_file()
    ]


def interface_languages(root: Path) -> list[str]:
    """The languages the interface speaks (a catalogue under ``root``), English
    first: those a new tour may be written in."""
    folder = root / "translations"
    found = sorted(
        p.name for p in folder.iterdir() if catalogue_path(root, p.name).is_file()
    )
    return [SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE)]


@lru_cache(maxsize=64)
def language_name(lang: str) -> str:
    """A language's name in that language, as a menu shows it: 'Čeština'.

    Examples
    --------
    >>> language_name("ru"), language_name("ky"), language_name("sk")
    ('Русский', 'Кыргызча', 'Slovenčina')
    """
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def select_language() -> str:
    """The request's language: query, then cookie, then the browser's preference."""
    languages = get_tour().languages
    asked = request.args.get("lang")
    if asked in languages:
        g.lang_choice = asked
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return cookie
    best = request.accept_languages.best_match(languages)
    return best or get_tour().default_language


def _remember_choice(response: Response) -> Response:
    choice = g.get("lang_choice")
    if choice and request.cookies.get(LANG_COOKIE) != choice:
        response.set_cookie(
            LANG_COOKIE, choice, max_age=ONE_YEAR_S, samesite="Lax", httponly=True
        )
    if not request.path.startswith("/static"):
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def current_lang() -> str:
    """The language code of this request."""
    return str(get_locale() or get_tour().default_language)


def language_url(lang: str | None, *, external: bool = False) -> str:
    """This page in another language: the same path and query, ``lang`` replaced.

    ``None`` drops ``lang``: the page in the visitor's own choice (x-default).
    """
    args = [(key, value) for key, value in request.args.items(multi=True)]
    args = [(key, value) for key, value in args if key != "lang"]
    if lang is not None:
        args.append(("lang", lang))
    # External: PUBLIC_URL's scheme and host, never the client's Host header.
    base = public_base() + request.path if external else request.path
    return f"{base}?{urlencode(args)}" if args else base


def pick(text: Mapping[str, str] | str | None, lang: str | None = None) -> str:
    """One language's version of a multilingual text, English as the fallback.

    A plain string (a name as its source gives it) is the same in every language.
    Placeholders (`geo.placeholders`) are filled in from the current tour.
    """
    if isinstance(text, str):
        return text
    if not text:
        return ""
    lang = lang or current_lang()
    try:
        return get_tour().text_in(text, lang)
    except placeholders.PlaceholderError:
        # Validated against an older tour (an edit): show it as written, not a 500.
        log.exception("placeholder cannot be filled in %r", dict(text))
        return geo_pick(text, lang)


def look_for(stop: Stop, lang: str | None = None) -> list[str]:
    """The stop's "what to look for" list in one language, placeholders filled."""
    lang = lang or current_lang()
    chosen = lang if stop.look_for.get(lang) else "en"
    return [pick({chosen: item}, chosen) for item in stop.look_for.get(chosen, ())]


def filled(text: Mapping[str, str]) -> dict[str, str]:
    """Every language of a text, placeholders filled (for the API)."""
    return {lang: pick({lang: value}, lang) for lang, value in text.items()}


def format_number(value: float, digits: int = 0) -> str:
    """A number in this request's language (digit grouping, decimal sign)."""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=pattern))


def number_symbol(kind: str) -> str:
    """The page language's 'decimal' or 'group' sign, or its 'digits' (the CLDR
    numbering system, e.g. 'latn'), for the scripts' numbers."""
    if kind == "digits":
        return str(get_locale().default_numbering_system)
    if kind == "decimal":
        return str(get_decimal_symbol(get_locale()))
    if kind == "group":
        return str(get_group_symbol(get_locale()))
    raise ValueError(f"no number symbol {kind!r}")


def format_price(amount: float, currency: str) -> str:
    """An amount of money as this request's language writes it: '2,100 KGS',
    '2 100 KGS', '700 сом' (Babel's number format and currency symbol)."""
    return f"{format_number(amount)} {currency_symbol(currency)}"


def currency_symbol(currency: str) -> str:
    """A currency as this request's language names it: 'KGS', 'сом'."""
    return str(get_currency_symbol(currency, locale=str(get_locale() or "en")))


def format_distance(length_m: float) -> str:
    """A walking distance as people say it, in this request's language."""
    return directions.format_distance(length_m, current_lang())


def format_minutes(duration_s: float) -> str:
    """A duration in whole minutes, or hours and minutes past the hour."""
    total = max(1, round(duration_s / 60))
    if total < 60:
        return _("%(n)s min", n=total)
    if total % 60 == 0:
        return _("%(h)s h", h=total // 60)
    return _("%(h)s h %(m)s min", h=total // 60, m=total % 60)


def tour_zone() -> ZoneInfo:
    """The tour's time zone (``time_zone`` in tour.json)."""
    return ZoneInfo(get_tour().time_zone)


def tour_time(stamp: datetime) -> datetime:
    """A stored bookkeeping stamp (naive UTC) as wall-clock time in the tour's zone.

    Tour dates and events are stored as wall-clock times already; only stamps made
    with ``utcnow()`` (registered, calibrated, ends at ...) pass through here.
    """
    return stamp.replace(tzinfo=UTC).astimezone(tour_zone()).replace(tzinfo=None)


def zone_city() -> str:
    """The city the tour's clock is set to, in this request's language: 'Bishkek'."""
    return str(
        get_timezone_location(tour_zone(), locale=current_lang(), return_city=True)
    )
