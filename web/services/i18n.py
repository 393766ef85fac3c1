"""Languages: ``?lang=`` picks one and it sticks (cookie); else Accept-Language."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from flask import Response
from flask import g
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import gettext as _

from geo import directions
from geo.tour import pick as geo_pick
from web import get_tour

LANG_COOKIE = "lang"
ONE_YEAR_S = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers."""
    Babel(app, locale_selector=select_language)
    app.after_request(_remember_choice)
    app.context_processor(lambda: {"tour": get_tour()})
    app.jinja_env.globals.update(
        current_lang=current_lang,
        pick=pick,
        distance=format_distance,
        minutes=format_minutes,
        language_names=LANGUAGE_NAMES,
    )


LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}


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


def pick(text: Mapping[str, str] | None, lang: str | None = None) -> str:
    """`geo.tour.pick` in this request's language unless ``lang`` is given."""
    return geo_pick(text, lang or current_lang())


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
