"""The web layer: blueprints with thin views over ``geo``."""

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

    The overlay (`web.tour_store.current_tour`) adds stop edits, the published
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
    """Wire extensions, error handlers and every blueprint into ``app``."""
    from flask_compress import Compress

    from web import api
    from web import assets
    from web import auth
    from web import dates
    from web import db
    from web import errors
    from web import events
    from web import gpx
    from web import guide_dates
    from web import guide_tools
    from web import i18n
    from web import pages
    from web import pwa
    from web import security
    from web import share
    from web import walk

    app.url_map.converters["int"] = IdConverter  # before any rule is added
    Compress(app)
    db.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    auth.init_app(app)
    dates.init_app(app)
    events.init_app(app)
    guide_dates.init_app(app)
    for module in (assets, pages, api, gpx):
        app.register_blueprint(module.bp)
    pwa.init_app(app)
    share.init_app(app)
    app.register_blueprint(walk.bp)
    guide_tools.init_app(app)
    app.jinja_env.filters["tel"] = tel_href


def tel_href(phone: str) -> str:
    """A ``tel:`` link for a number written for people, without the "(0)"."""
    digits = phone.replace("(0)", "")
    return "tel:" + "".join(ch for ch in digits if ch.isdigit() or ch == "+")
