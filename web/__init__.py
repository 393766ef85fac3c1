"""The web layer: thin views over ``geo``, in three rooms.

``web.public`` holds the pages and API for guests, ``web.guide`` the guides'
tools behind the sign-in gate, ``web.services`` what both use (database,
booking, the tour as edited, the router, mail, rate limits, languages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask import abort
from flask import current_app
from flask import g
from werkzeug.routing import IntegerConverter

from geo.tour import Catalogue
from geo.tour import Tour
from geo.tour import first_sentences

MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL is a database id: one past 64 bits matches no route
    (a 404), rather than overflowing the database driver."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def catalogue() -> Catalogue:
    """Every tour of the site: the shipped ones and those guides imported."""
    from web.services.tour_shelf import current_catalogue

    return current_catalogue()


def public_tour_ids() -> list[str]:
    """The tours guests see: every tour but the drafts guides have not published."""
    from web.services.tour_store import draft_ids

    drafts = draft_ids()
    return [tour_id for tour_id in catalogue().tours if tour_id not in drafts]


def current_tour_id() -> str:
    """The tour of this request: from its URL (``<tour_id>``), a row it opened
    (`use_tour`), else the default tour."""
    tour_id = g.get("tour_id")
    tours = catalogue()
    # An unknown id is answered with a 404 (_check_tour); until then, and for
    # that answer, the page is the default tour's.
    return str(tour_id) if tour_id in tours.tours else tours.default_id


def use_tour(tour_id: str) -> None:
    """Make ``tour_id`` this request's tour (a 404 for an unknown id)."""
    if tour_id not in catalogue().tours:
        abort(404, f"There is no tour {tour_id!r}.")
    g.tour_id = tour_id


def of_tour(row: Any) -> Any:
    """``row`` if it belongs to the request's tour, else None (so a 404): a date,
    variant or upload of another tour is not found under this tour's URL."""
    if row is None or row.tour_id != current_tour_id():
        return None
    return row


def get_tour(tour_id: str | None = None) -> Tour:
    """A tour (this request's by default), with the guides' published changes.

    The overlay (`web.services.tour_store.current_tour`) adds stop edits, the
    published order and path from the database; without it the files' tour is
    returned.
    """
    tour = catalogue().tour(tour_id or current_tour_id())
    overlay = current_app.extensions.get("tour_overlay")
    return overlay(tour) if overlay is not None else tour


def tour_folder(app: Flask, tour_id: str | None = None) -> Path:
    """The data folder of a tour (the default one when ``tour_id`` is None)."""
    shelf = app.extensions["tour_shelf"]
    folder: Path = shelf.folder(tour_id or shelf.catalogue.default_id)
    return folder


def _pull_tour_id(endpoint: str | None, values: dict[str, object] | None) -> None:
    # Views under /tours/<tour_id>/ do not take the id: get_tour() knows it. It is
    # checked by _check_tour, after the guides' gate: a visitor who is not signed
    # in learns nothing from /guide/tours/<id>/..., not even whether <id> exists.
    if values and "tour_id" in values:
        g.tour_id = str(values.pop("tour_id"))


def _check_tour() -> None:
    tour_id = g.get("tour_id")
    if tour_id is not None:
        use_tour(tour_id)
        _hide_draft(tour_id)


def _hide_draft(tour_id: str) -> None:
    from web.guide import current_guide
    from web.services.tour_store import is_draft

    # A draft is not found by guests, the same answer as for no tour at all.
    if is_draft(tour_id) and current_guide() is None:
        abort(404, f"There is no tour {tour_id!r}.")


def _add_tour_id(endpoint: str, values: dict[str, object]) -> None:
    # url_for("pages.stop", stop_id=...) links within the request's tour.
    if "tour_id" not in values and current_app.url_map.is_endpoint_expecting(
        endpoint, "tour_id"
    ):
        values["tour_id"] = current_tour_id()


def register(app: Flask) -> None:
    """Wire services, the error path, the public pages and the guides' tools."""
    from flask_compress import Compress

    from web import cli
    from web import errors
    from web import guide
    from web.public import api
    from web.public import assets
    from web.public import dates
    from web.public import events
    from web.public import gpx
    from web.public import legacy
    from web.public import live
    from web.public import maps
    from web.public import media as media_files
    from web.public import pages
    from web.public import pwa
    from web.public import ratings
    from web.public import share
    from web.public import tours
    from web.public import walk
    from web.services import db
    from web.services import headers
    from web.services import http_cache
    from web.services import i18n
    from web.services import links
    from web.services import media
    from web.services import privacy
    from web.services import routing
    from web.services import security

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    app.url_value_preprocessor(_pull_tour_id)
    app.url_defaults(_add_tour_id)
    Compress(app)
    http_cache.init_app(app)  # right after Compress: see its docstring
    db.init_app(app)
    security.init_app(app)
    headers.init_app(app)
    links.init_app(app)
    i18n.init_app(app)
    media.init_app(app)
    errors.init_app(app)
    dates.init_app(app)
    events.init_app(app)
    for module in (assets, tours, pages, api, gpx, live, media_files, ratings):
        app.register_blueprint(module.bp)
    pwa.init_app(app)
    maps.init_app(app)
    share.init_app(app)
    app.register_blueprint(walk.bp)
    guide.init_app(app)
    routing.init_app(app)
    cli.init_app(app)
    legacy.init_app(app)  # last: the old form of every rule above
    app.before_request(_check_tour)  # after the gate and the CSRF check
    app.jinja_env.filters["tel"] = tel_href
    privacy.init_app(app)  # last: purges what has been kept long enough
    app.jinja_env.globals["first_sentences"] = first_sentences


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a number written for people, without the "(0)"."""
    digits = phone.replace("(0)", "")
    return "tel:" + "".join(ch for ch in digits if ch.isdigit() or ch == "+")
