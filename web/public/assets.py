"""Third-party files installed from PyPI (xstatic), served by the app itself: no CDN;
and our scripts in bundles, so that a phone on a slow network asks for a few files,
not a dozen."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import send_from_directory
from flask import url_for
from werkzeug.exceptions import NotFound
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


# The scripts every page runs, and those of the walk screen, each list in the
# order the pages ran them one by one (all are deferred, so order is all).
BUNDLES = {
    "site": ("js/pwa.js", "js/numbers.js", "js/language_menu.js", "js/menu.js"),
    "walk": (
        "js/listen.js",
        "js/gallery.js",
        "js/narration.js",
        "js/walk.js",
        "js/ticket.js",
        "js/walk_pack.js",
    ),
}


def bundle_bytes(name: str) -> bytes:
    """A bundle's scripts joined, each one still a whole file (each wraps
    itself in a function, so nothing leaks from one into the next)."""
    if name not in BUNDLES:
        raise NotFound(f"There is no script bundle {name!r}.")
    folder = current_app.static_folder or "static"
    parts = []
    for filename in BUNDLES[name]:
        with open(f"{folder}/{filename}", "rb") as handle:
            parts.append(f"// {filename}\n".encode() + handle.read().rstrip() + b"\n")
    return b";\n".join(parts)


@bp.get("/bundles/<name>.js")
def bundle(name: str) -> Response:
    """Serve a bundle of our scripts (linked by its content hash)."""
    return Response(bundle_bytes(name), mimetype="text/javascript")


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
