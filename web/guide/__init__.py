"""The guides' tools, wired in one place: sign-in and the /guide gate, dates and
registrations, events, planner, pre-publish check, stop editing and field
calibration, walked-track import and live walks; all under the /guide gate of
`web.guide.auth` except what guests of a live walk open."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """The gate, the overlay that publishes guides' changes, and the blueprints."""
    from web.guide import auth
    from web.guide import check
    from web.guide import dates
    from web.guide import planner
    from web.guide import stops
    from web.guide import tracks
    from web.public import live
    from web.services import tour_store

    auth.init_app(app)
    dates.init_app(app)
    tour_store.init_app(app)
    for module in (planner, check, live, stops, tracks):
        app.register_blueprint(module.bp)
    menu = [
        ("planner.plan", _l("Plan the route")),
        ("checks.check", _l("Check before publishing")),
        ("stops.index", _l("Stops: edit, set pins on site")),
        ("track.upload_form", _l("Import a walked path (GPX)")),
        ("live.control_home", _l("Live walk")),
    ]
    for item in menu:
        if item[0] not in {endpoint for endpoint, _ in auth.GUIDE_MENU}:
            auth.GUIDE_MENU.append(item)
