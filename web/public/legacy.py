"""The single-tour site's URLs, for printed QR codes and shared links: each answers
with a permanent redirect to its new home under ``/tours/<tour-id>/`` (``/guide/tours/
<tour-id>/`` for the guides' tools).

GET goes by 301; a form or API POST by 308, which keeps its method and body. A URL
naming a row (a date, a registration code, a variant, an upload, a live walk) goes
to that row's tour; the rest go to the default tour (``DEFAULT_TOUR``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask import Response
from flask import current_app
from flask import request
from flask import url_for
from sqlalchemy import select

from web import catalogue
from web.services import booking
from web.services.db import db
from web.services.guide_models import LiveWalk
from web.services.guide_models import RouteVariant
from web.services.guide_models import TrackImport
from web.services.models import TourSession

TourOf = Callable[[dict[str, Any]], str | None]


def _by_id(model: Any, arg: str) -> TourOf:
    def tour_of(args: dict[str, Any]) -> str | None:
        row = db.session.get(model, args[arg])
        return row.tour_id if row is not None else None

    return tour_of


def _by_code(args: dict[str, Any]) -> str | None:
    registration = booking.find(args["code"])
    return registration.session.tour_id if registration is not None else None


def _by_walk_code(args: dict[str, Any]) -> str | None:
    code = "".join(str(args["code"]).split()).upper()[:12]
    return db.session.scalar(select(LiveWalk.tour_id).where(LiveWalk.code == code))


TOUR_PART = "/tours/<tour_id>"


def old_rule(rule: str) -> str | None:
    """The single-tour site's form of a tour's rule, or None for the tour's home
    (``/`` is the list of tours now).

    >>> old_rule("/tours/<tour_id>/stops/<stop_id>"), old_rule("/api/tours/<tour_id>")
    ('/stops/<stop_id>', '/api/tour')
    >>> old_rule("/guide/api/tours/<tour_id>/plan/best-order")
    '/guide/api/plan/best-order'
    """
    if rule == TOUR_PART + "/":
        return None
    if rule == "/api" + TOUR_PART:
        return "/api/tour"
    return rule.replace(TOUR_PART, "", 1)


def _tour_finder(rule: str, args: set[str]) -> TourOf | None:
    if "session_id" in args:
        return _by_id(TourSession, "session_id")
    if "variant_id" in args:
        return _by_id(RouteVariant, "variant_id")
    if "import_id" in args:
        return _by_id(TrackImport, "import_id")
    if "code" in args:
        return _by_walk_code if "/live/" in rule else _by_code
    return None


def init_app(app: Flask) -> None:
    """Add the old form of every rule under a tour, answering with a redirect."""
    taken = {rule.rule for rule in app.url_map.iter_rules()}
    for rule in list(app.url_map.iter_rules()):
        if "tour_id" not in rule.arguments:
            continue
        old = old_rule(rule.rule)
        if old is None or old in taken:
            continue
        app.add_url_rule(
            old,
            endpoint=f"legacy.{rule.endpoint}",
            view_func=_redirector(
                rule.endpoint, _tour_finder(old, set(rule.arguments))
            ),
            methods=sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}),
        )


def _redirector(endpoint: str, tour_of: TourOf | None) -> Callable[..., Response]:
    def view(**args: Any) -> Response:
        args.pop("tour_id", None)
        tour_id = (tour_of(args) if tour_of else None) or catalogue().default_id
        target = url_for(endpoint, tour_id=tour_id, **args)
        if request.query_string:
            target += "?" + request.query_string.decode("latin-1")
        code = 301 if request.method in ("GET", "HEAD") else 308
        return current_app.redirect(target, code)  # type: ignore[return-value]

    return view
