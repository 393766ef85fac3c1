"""The folium maps' scripts, served as files: pages hold no inline script.

A page links ``/tours/<tour-id>/maps/<kind>.js?lang=..&v=<digest>``. Element ids
are numbered (`geo.mapping.number_elements`), so every worker renders the same
script for the same map: the script is rebuilt here from that tour in that
language and cached for a year when its digest is the one asked for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import g
from flask import request
from flask import url_for

from geo.mapping import MapParts
from web.services.i18n import current_lang

bp = Blueprint("maps", __name__)

# kind -> a function drawing that map for the current language (None: no map).
BUILDERS: dict[str, Callable[[], MapParts | None]] = {}
ONE_YEAR_S = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    """The route and the template helper."""
    app.register_blueprint(bp)
    app.jinja_env.globals.update(map_script_url=script_url)


def register(kind: str, builder: Callable[[], MapParts | None]) -> None:
    """Serve the scripts of the maps ``builder`` draws, one per tour, as
    ``/tours/<tour-id>/maps/<kind>.js``."""
    BUILDERS[kind] = builder


def digest(parts: MapParts) -> str:
    """A short hash of a map's script: its version in the URL."""
    return hashlib.sha256(parts.script.encode()).hexdigest()[:16]


def script_url(kind: str, parts: MapParts) -> str:
    """Where the page loads the script of ``parts``, a map of ``kind``."""
    return url_for("maps.script", kind=kind, lang=current_lang(), v=digest(parts))


@bp.get("/tours/<tour_id>/maps/<kind>.js")
def script(kind: str) -> Response:
    """One map's script in the language asked for."""
    builder = BUILDERS.get(kind)
    parts = builder() if builder is not None else None
    if parts is None:
        abort(404)
    g.pop("lang_choice", None)  # a script's ?lang= is not the visitor's choice
    response = Response(parts.script, mimetype="text/javascript")
    if request.args.get("v") == digest(parts):
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR_S}, immutable"
    else:
        # An older page asks for a map that has changed since: the current one,
        # never kept.
        response.headers["Cache-Control"] = "no-cache"
    return response
