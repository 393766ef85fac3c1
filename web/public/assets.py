"""Third-party files installed from PyPI (xstatic), served by the app itself: no CDN."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import send_from_directory
from flask import url_for
from xstatic.pkg import leaflet

from geo.mapping import MapAssets

bp = Blueprint("assets", __name__)

VENDOR_DIRS = {"leaflet": leaflet.BASE_DIR}
ONE_WEEK_S = 7 * 24 * 3600


def vendor_folder(package: str) -> str | None:
    """Where a vendored package's files are; None for an unknown package."""
    return VENDOR_DIRS.get(package)


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Response:
    """Serve a file of a vendored package."""
    folder = VENDOR_DIRS.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=ONE_WEEK_S)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for this; answer with the SVG icon."""
    return send_from_directory(
        current_app.static_folder or "static", "icons/icon.svg", max_age=ONE_WEEK_S
    )


def map_assets() -> MapAssets:
    """Local URLs for the files folium asks for by name."""
    return MapAssets(
        js=(
            (
                "leaflet",
                url_for("assets.vendor", package="leaflet", filename="leaflet.js"),
            ),
        ),
        css=(
            (
                "leaflet_css",
                url_for("assets.vendor", package="leaflet", filename="leaflet.css"),
            ),
        ),
    )
