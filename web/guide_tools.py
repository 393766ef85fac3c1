"""The guides' tools, wired in one place: planner, pre-publish check, stop editing and
field calibration, walked-track import and live walks; all under the /guide gate of
`web.auth` except what guests of a live walk open."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from web import auth
from web import checks
from web import live
from web import planner
from web import stop_editor
from web import tour_store
from web import track_upload


def init_app(app: Flask) -> None:
    """Register the overlay that publishes guides' changes, and the blueprints."""
    tour_store.init_app(app)
    for module in (planner, checks, live, stop_editor, track_upload):
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
