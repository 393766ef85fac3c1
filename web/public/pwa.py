"""Installable and offline: the web app manifest, the service worker, its file list."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask import send_from_directory
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from web import get_tour
from web import public_tour_ids
from web import tour_folder
from web.public.assets import BUNDLES
from web.public.maps import script_url
from web.services.i18n import current_lang
from web.services.i18n import pick
from web.services.tour_shelf import shelf

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
    app.register_blueprint(bp)
    app.after_request(_content_language)
    app.jinja_env.globals.update(cache_version=cache_version)


def _content_language(response: Response) -> Response:
    # The service worker files a cached page under its language, read from here.
    if response.mimetype in ("text/html", "application/gpx+xml"):
        response.headers.setdefault("Content-Language", current_lang())
    return response


def _digest_folders(digest: Any, folders: list[Path]) -> None:
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix in (".pyc", ".mo"):
                continue
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())


def shell_version() -> str:
    """A short hash of what every page is made with (code, templates, translations,
    assets, settings), not of any tour's data."""
    app = current_app
    versions: dict[str, str] = app.extensions.setdefault("pwa_versions", {})
    if "" not in versions:
        digest = hashlib.sha256()
        root = Path(app.root_path)
        _digest_folders(
            digest,
            [
                Path(app.static_folder or root / "static"),
                root / "templates",
                root / "translations",
                Path(__file__).parents[1],  # the whole web layer
            ],
        )
        for key in ("TILE_URL", "TILES_ALLOW_BULK", "TILE_CACHE_MAX_MB"):
            digest.update(repr(app.config[key]).encode())
        digest.update(str(app.config["OFFLINE_VERSION"]).encode())
        versions[""] = digest.hexdigest()[:12]
    return versions[""]


def tour_version(tour_id: str) -> str:
    """A short hash of one tour's offline copy: the shell and that tour's files.
    A deploy that changes another tour leaves it as it was."""
    versions: dict[str, str] = current_app.extensions.setdefault("pwa_versions", {})
    # An imported package may replace the tour's files: a new stamp, a new version.
    key = f"{tour_id}@{shelf().stamp}"
    if key not in versions:
        digest = hashlib.sha256(shell_version().encode())
        _digest_folders(digest, [tour_folder(current_app, tour_id)])
        versions[key] = digest.hexdigest()[:12]
    return versions[key]


def cache_version() -> str:
    """The service worker's version: any change to the shell or to a tour makes a
    new worker, which fetches only the copies that changed."""
    digest = hashlib.sha256(shell_version().encode())
    for tour_id in public_tour_ids():
        digest.update(f"{tour_id}={tour_version(tour_id)}".encode())
    return digest.hexdigest()[:12]


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


def offline_pages(tour_id: str) -> list[str]:
    """A tour's pages kept for offline use, without the language parameter."""
    tour = get_tour(tour_id)
    pages = [
        url_for("pages.index", tour_id=tour_id),
        url_for("pages.about", tour_id=tour_id),
        url_for("walk.walk", tour_id=tour_id),
        url_for("dates.index", tour_id=tour_id),
    ]
    pages += [url_for("pages.stop", tour_id=tour_id, stop_id=s.id) for s in tour.stops]
    pages.append(url_for("gpx.tour_gpx", tour_id=tour_id))
    return pages


def tour_precache(tour_id: str) -> list[str]:
    """What the service worker saves of one tour: its pages in each of its
    languages and its data."""
    tour = get_tour(tour_id)
    urls = [
        f"{page}?lang={lang}"
        for page in offline_pages(tour_id)
        for lang in tour.languages
    ]
    urls += [
        url_for("api.tour", tour_id=tour_id),
        url_for("api.stops", tour_id=tour_id),
        url_for("api.route", tour_id=tour_id),
    ]
    urls += [url_for("api.stop", tour_id=tour_id, stop_id=s.id) for s in tour.stops]
    urls += map_script_urls(tour_id, tour.languages)
    return urls


def shell_precache() -> list[str]:
    """What every tour's pages need: the assets, the manifest, the icon."""
    urls = [url_for("pwa.manifest"), url_for("assets.favicon")]
    urls += [url_for("static", filename=name) for name in static_files()]
    urls += [url_for("assets.bundle", name=name) for name in BUNDLES]
    urls += [
        url_for("assets.vendor", package=package, filename=name)
        for package, name in VENDOR_FILES
    ]
    return urls


def precache_urls() -> list[str]:
    """Every URL the service worker saves when it installs."""
    urls = [url for tour_id in public_tour_ids() for url in tour_precache(tour_id)]
    return urls + shell_precache()


def map_script_urls(tour_id: str, languages: tuple[str, ...] | list[str]) -> list[str]:
    """The scripts of a tour's maps on its offline pages, in every language."""
    from web.public.pages import drawn_map

    before = g.get("tour_id")
    g.tour_id = tour_id  # drawn_map and url_for draw and link this tour's maps
    try:
        urls = []
        for lang in languages:
            with force_locale(lang):
                urls += [
                    script_url(kind, drawn_map(kind)) for kind in ("tour", "meeting")
                ]
        return urls
    finally:
        if before is None:
            g.pop("tour_id", None)
        else:
            g.tour_id = before


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
    tour_ids = public_tour_ids()
    languages = {lang for t in tour_ids for lang in get_tour(t).languages}
    # One cache per tour and one for the shell, each named by its own version:
    # the worker keeps every cache whose name it still lists.
    groups = [
        {
            "cache": f"tour-{tour_id}-{tour_version(tour_id)}",
            "prefixes": [
                url_for("pages.index", tour_id=tour_id),
                url_for("api.tour", tour_id=tour_id) + "/",
                url_for("api.tour", tour_id=tour_id),
            ],
            "precache": tour_precache(tour_id),
        }
        for tour_id in tour_ids
    ]
    groups.append(
        {
            "cache": f"shell-{shell_version()}",
            "prefixes": [],
            "precache": shell_precache(),
        }
    )
    response = jsonify(
        version=cache_version(),
        languages=sorted(languages),
        default_language=tour.default_language,
        groups=groups,
        precache=precache_urls(),
        pages=[page for tour_id in tour_ids for page in offline_pages(tour_id)],
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
