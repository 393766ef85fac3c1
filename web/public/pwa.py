"""Installable and offline: the web app manifest, the service worker, its file list."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_babel import gettext as _

from web import get_tour
from web.services.i18n import current_lang
from web.services.i18n import pick

bp = Blueprint("pwa", __name__)

SW_FILE = "js/sw.js"
# Leaflet's own files; its default marker images are asked for by the map script.
VENDOR_FILES = (
    ("leaflet", "leaflet.js"),
    ("leaflet", "leaflet.css"),
    ("leaflet", "images/marker-icon.png"),
    ("leaflet", "images/marker-icon-2x.png"),
    ("leaflet", "images/marker-shadow.png"),
    ("leaflet", "images/layers.png"),
    ("leaflet", "images/layers-2x.png"),
)


def init_app(app: Flask) -> None:
    """Defaults for the offline settings, and the language header on responses."""
    # An operator whose tile provider allows it may offer the tour area's tiles
    # for download; tile.openstreetmap.org forbids bulk downloads, so: off.
    app.config.setdefault("TILES_ALLOW_BULK", False)
    app.config.setdefault("TILE_CACHE_MAX_MB", 30)
    app.config.setdefault("TILE_AVERAGE_KB", 20)
    app.config.setdefault("OFFLINE_AREA_ZOOMS", [14, 15, 16, 17, 18])
    app.config.setdefault("OFFLINE_AREA_BUFFER_M", 200)
    app.register_blueprint(bp)
    app.after_request(_content_language)
    app.jinja_env.globals.update(cache_version=cache_version)


def _content_language(response: Response) -> Response:
    # The service worker files a cached page under its language, read from here.
    if response.mimetype in ("text/html", "application/gpx+xml"):
        response.headers.setdefault("Content-Language", current_lang())
    return response


def cache_version() -> str:
    """A short hash of everything the offline copy holds: a new deploy changes it."""
    app = current_app
    cached = app.extensions.get("pwa_version")
    if cached:
        return str(cached)
    digest = hashlib.sha256()
    root = Path(app.root_path)
    folders = [
        Path(app.static_folder or root / "static"),
        root / "templates",
        root / "translations",
        Path(app.config["TOUR_DATA"]),
        Path(__file__).parents[1],  # the whole web layer
    ]
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in (".pyc", ".mo"):
                continue
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    for key in ("TILE_URL", "TILES_ALLOW_BULK", "TILE_CACHE_MAX_MB"):
        digest.update(repr(app.config.get(key)).encode())
    digest.update(str(app.config.get("OFFLINE_VERSION", "")).encode())
    version = digest.hexdigest()[:12]
    app.extensions["pwa_version"] = version
    return version


def tile_pattern(template: str) -> str:
    """A JavaScript regular expression matching the tile URLs of ``template``.

    Examples
    --------
    >>> tile_pattern("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    '^https://tile\\\\.openstreetmap\\\\.org/\\\\d+/\\\\d+/\\\\d+\\\\.png$'
    """
    pattern = re.escape(template)
    for name, part in (
        ("z", r"\d+"),
        ("x", r"\d+"),
        ("y", r"\d+"),
        ("s", "[a-z0-9]+"),
        ("r", "(?:@2x)?"),
    ):
        pattern = pattern.replace(re.escape("{" + name + "}"), part)
    return "^" + pattern + "$"


def offline_pages() -> list[str]:
    """The pages kept for offline use, without the language parameter."""
    tour = get_tour()
    pages = [url_for("pages.index"), url_for("pages.about"), url_for("walk.walk")]
    pages += [url_for("pages.stop", stop_id=stop.id) for stop in tour.stops]
    pages.append(url_for("gpx.tour_gpx"))
    return pages


def precache_urls() -> list[str]:
    """Every URL the service worker saves when it installs."""
    tour = get_tour()
    urls = [
        f"{page}?lang={lang}" for page in offline_pages() for lang in tour.languages
    ]
    urls += [
        url_for("api.tour"),
        url_for("api.stops"),
        url_for("api.route"),
        url_for("pwa.manifest"),
        url_for("assets.favicon"),
    ]
    urls += [url_for("api.stop", stop_id=stop.id) for stop in tour.stops]
    urls += [url_for("static", filename=name) for name in static_files()]
    urls += [
        url_for("assets.vendor", package=package, filename=name)
        for package, name in VENDOR_FILES
    ]
    return urls


def static_files() -> list[str]:
    """Every file under static/ but the service worker itself, as static names."""
    folder = Path(current_app.static_folder or "static")
    names = sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    return [name for name in names if name != SW_FILE]


@bp.get("/sw.js")
def service_worker() -> Response:
    """Serve the service worker from the root, so that it controls every page."""
    response = send_from_directory(
        current_app.static_folder or "static", SW_FILE, max_age=0
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/sw-config.json")
def sw_config() -> Response:
    """Tell the service worker what to save and how much room tiles may take."""
    config = current_app.config
    tour = get_tour()
    response = jsonify(
        version=cache_version(),
        languages=list(tour.languages),
        default_language=tour.default_language,
        precache=precache_urls(),
        pages=offline_pages(),
        tile_pattern=tile_pattern(config["TILE_URL"]),
        tile_max_bytes=int(float(config["TILE_CACHE_MAX_MB"]) * 1024 * 1024),
        tile_average_bytes=int(float(config["TILE_AVERAGE_KB"]) * 1024),
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    """Describe the guide for installing it on a phone's home screen."""
    tour = get_tour()

    def icon(name: str, size: str, kind: str, purpose: str = "any") -> dict[str, str]:
        return {
            "src": url_for("static", filename=f"icons/{name}"),
            "sizes": size,
            "type": kind,
            "purpose": purpose,
        }

    lang = current_lang()
    data = {
        "name": pick(tour.title, lang),
        "short_name": _("Interhelpo walk"),
        "description": pick(tour.description, lang).split("\n\n")[0],
        "lang": lang,
        "dir": "ltr",
        "id": url_for("pages.index"),
        # The front door: the list of tours, or the one tour.
        "start_url": url_for("tours.index"),
        "scope": url_for("tours.index"),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#7a1f14",
        "icons": [
            icon("icon-192.png", "192x192", "image/png"),
            icon("icon-512.png", "512x512", "image/png"),
            icon("icon-maskable-512.png", "512x512", "image/png", "maskable"),
            icon("icon.svg", "any", "image/svg+xml"),
        ],
        "shortcuts": [
            {"name": _("Start the walk"), "url": url_for("walk.walk")},
            {"name": _("Before you come"), "url": url_for("pages.about")},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    response.vary.add("Accept-Language")
    if request.args.get("lang"):
        response.headers["Content-Language"] = lang
    return response
