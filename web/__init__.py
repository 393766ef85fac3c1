"""The web layer: thin views over ``geo``, in three rooms.

``web.public`` holds the pages and API for guests, ``web.guide`` the guides'
tools behind the sign-in gate, ``web.services`` what both use (database,
booking, the tour as edited, the router, mail, rate limits, languages).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask import current_app
from werkzeug.routing import IntegerConverter

from geo.tour import Tour

MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in a URL is a database id: one past 64 bits matches no route
    (a 404), rather than overflowing the database driver."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def get_tour() -> Tour:
    """The tour loaded at start-up, with the guides' published changes laid over it.

    The overlay (`web.services.tour_store.current_tour`) adds stop edits, the published
    order and path from the database; without it the files' tour is returned.
    """
    tour: Tour = current_app.extensions["tour"]
    overlay = current_app.extensions.get("tour_overlay")
    return overlay(tour) if overlay is not None else tour


def tour_folder(app: Flask, tour_id: str | None = None) -> Path:
    """The data folder of a tour (the default one when ``tour_id`` is None)."""
    tour_id = tour_id or app.extensions["tours"].default_id
    return Path(app.config["TOUR_DATA"]) / tour_id


def register(app: Flask) -> None:
    """Wire services, the error path, the public pages and the guides' tools."""
    from flask_compress import Compress

    from web import errors
    from web import guide
    from web.public import api
    from web.public import assets
    from web.public import dates
    from web.public import events
    from web.public import gpx
    from web.public import pages
    from web.public import pwa
    from web.public import share
    from web.public import walk
    from web.services import db
    from web.services import i18n
    from web.services import security

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    Compress(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    dates.init_app(app)
    events.init_app(app)
    for module in (assets, pages, api, gpx):
        app.register_blueprint(module.bp)
    pwa.init_app(app)
    share.init_app(app)
    app.register_blueprint(walk.bp)
    guide.init_app(app)
    app.jinja_env.filters["tel"] = tel_href


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a number written for people, without the "(0)"."""
    digits = phone.replace("(0)", "")
    return "tel:" + "".join(ch for ch in digits if ch.isdigit() or ch == "+")
