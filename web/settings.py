"""Every setting of the guide in one place: its name, default, unit and meaning.

`create_app` starts from these defaults, then reads ``instance/config.py``, then
``FLASK_*`` environment variables (``FLASK_TILE_CACHE_MAX_MB=50``; values are
parsed as JSON where they can be), then the test configuration. No other module
gives a setting a default. The README's "Configuration" table is this list, as
``python -m web.settings`` prints it (a test checks they agree).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    """One configuration key. ``default`` may depend on the app (its instance path)."""

    name: str
    default: Any
    unit: str
    meaning: str
    shown_default: str | None = None  # how the README shows a computed default

    def value_for(self, app: Flask) -> Any:
        """The default for ``app``: computed ones are called with it."""
        return self.default(app) if callable(self.default) else self.default

    def default_text(self) -> str:
        """The default as the README shows it."""
        if self.shown_default is not None:
            return self.shown_default
        if isinstance(self.default, timedelta):
            hours = self.default.total_seconds() / 3600
            return f"{hours:g} h"
        return "none" if self.default is None else f"`{self.default!r}`"


def _instance_file(name: str) -> Callable[[Flask], str]:
    return lambda app: os.path.join(app.instance_path, name)


COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/gpx+xml",
    "application/manifest+json",
    "image/svg+xml",
]

SETTINGS: tuple[Setting, ...] = (
    # --- the tour
    Setting(
        "TOUR_DATA",
        str(ROOT / "tour_data"),
        "folder",
        "The tours, one folder each named by the tour's id (tour.json, stops.geojson,"
        " route.geojson), and the site-wide events.json.",
        shown_default="`tour_data/`",
    ),
    Setting(
        "DEFAULT_TOUR",
        "interhelpo",
        "tour id",
        "The tour that the single-tour site's old links (/stops/..., /walk) open;"
        " with one tour, that one.",
    ),
    Setting(
        "TOURS_FOLDER",
        _instance_file("tours"),
        "folder",
        "The tours guides imported (tour packages) or made in the browser, in the"
        " TOUR_DATA formats; one here replaces a shipped tour of the same id.",
        shown_default="`instance/tours`",
    ),
    Setting(
        "TOUR_PACKAGE_MAX_MB",
        300,
        "MB",
        "The most a tour package may hold once unpacked (files, photos and"
        " recordings together); a larger one is refused as a zip bomb.",
    ),
    Setting(
        "TOUR_PACKAGE_MAX_FILES",
        2000,
        "files",
        "The most files a tour package may hold.",
    ),
    # --- security
    Setting(
        "SECRET_KEY",
        None,
        "text",
        "Signs the session cookie and form tokens; outside debug and tests the"
        " app refuses to start without one of 16+ characters that is not a"
        " known default. None: the one in SECRET_KEY_FILE.",
    ),
    Setting(
        "SECRET_KEY_FILE",
        _instance_file("secret_key"),
        "file",
        "Where scripts/setup.sh keeps a random SECRET_KEY (mode 600).",
        shown_default="`instance/secret_key`",
    ),
    Setting(
        "PUBLIC_URL",
        None,
        "URL",
        "The address guests open (https://walk.example.org): the only source of"
        " scheme and host in GPX, .ics, QR codes, e-mails and share links."
        " Required outside debug and tests; start.sh sets it to where it serves.",
    ),
    Setting(
        "PREFERRED_URL_SCHEME",
        "http",
        "http/https",
        "https: the session cookie is Secure even when a TLS proxy speaks plain"
        " HTTP to the app (so is it with an https PUBLIC_URL).",
    ),
    Setting(
        "HSTS_MAX_AGE_S",
        365 * 24 * 3600,
        "seconds",
        "Strict-Transport-Security max-age, sent on HTTPS responses.",
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        1024 * 1024,
        "bytes",
        "Largest request body; bigger ones get a 413 unread (the GPX upload"
        " allows 16 MB).",
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "count",
        "Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.",
    ),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        "yes/no",
        "Always mark the session cookie Secure (it is anyway on HTTPS requests).",
    ),
    Setting(
        "SESSION_COOKIE_SAMESITE",
        "Lax",
        "Lax/Strict",
        "SameSite attribute of the session cookie.",
    ),
    Setting(
        "PERMANENT_SESSION_LIFETIME",
        timedelta(hours=12),
        "seconds",
        "How long a guide stays signed in without using the tools.",
    ),
    Setting(
        "GUIDE_SESSION_MAX_AGE_S",
        3 * 24 * 3600,
        "seconds",
        "How long a sign-in lasts however active the guide is; signing out, a"
        " new password or `flask guide remove` end every session sooner.",
    ),
    Setting(
        "WTF_CSRF_TIME_LIMIT",
        None,
        "seconds",
        "Age limit of a form's CSRF token; none: as long as the session.",
    ),
    Setting(
        "LOGIN_FAILURES_PER_NAME",
        5,
        "count",
        "Failed sign-ins with one user name from one address before each further"
        " try there waits (nothing locks the name for other addresses).",
    ),
    Setting(
        "LOGIN_FAILURES_PER_ADDRESS",
        20,
        "count",
        "Failed sign-ins from one address, any names, before each further try waits.",
    ),
    Setting(
        "LOGIN_WINDOW_S",
        15 * 60,
        "seconds",
        "The window in which sign-in failures are counted.",
    ),
    Setting(
        "LOGIN_DELAY_S",
        2,
        "seconds",
        "The first wait after the free failures; it doubles with each failure.",
    ),
    Setting(
        "LOGIN_MAX_DELAY_S",
        15 * 60,
        "seconds",
        "The longest wait between sign-in tries.",
    ),
    Setting(
        "REGISTRATIONS_PER_ADDRESS",
        10,
        "count",
        "Registrations from one address per window, against scripted sign-ups.",
    ),
    Setting(
        "REGISTRATION_WINDOW_S",
        3600,
        "seconds",
        "The window in which registrations per address are counted.",
    ),
    Setting(
        "REGISTRATION_RETENTION_DAYS",
        30,
        "days",
        "Guests' names, phones, e-mails and notes are erased this long after"
        " their tour date (at start-up and by `flask guide purge`).",
    ),
    Setting(
        "RATINGS_PER_ADDRESS",
        120,
        "count",
        "Ratings and end-of-walk reports from one address per window (a group on"
        " one Wi-Fi rates several stops each); further ones get a 429.",
    ),
    Setting(
        "RATINGS_WINDOW_S",
        3600,
        "seconds",
        "The window in which ratings per address are counted.",
    ),
    Setting(
        "RATING_COMMENT_MAX_CHARS",
        1000,
        "characters",
        "The longest comment a walker may leave with a rating.",
    ),
    Setting(
        "RATING_TOKEN_RETENTION_DAYS",
        30,
        "days",
        "A rating keeps the hash of its phone's random key this long after its"
        " last change (so that the phone can replace it); then only the score"
        " and comment remain (at start-up and by `flask guide purge`).",
    ),
    Setting(
        "CALIBRATION_MAX_MOVE_M",
        500.0,
        "metres",
        "A pin set in the field further than this from where it was needs"
        ' "move it this far".',
    ),
    Setting(
        "NEXT_DATE_TTL_S",
        10,
        "seconds",
        "How long public pages (first screen, /about, /dates) may show dates and"
        " seats before they are read again; a booking shows at once in its own"
        " worker process. The registration form always shows the exact seats.",
    ),
    Setting(
        "PAGE_TTL_S",
        60,
        "seconds",
        "How long other worker processes may serve a kept public page after a"
        " change that is not a new tour revision (photos, recordings).",
    ),
    Setting(
        "PAGE_CACHE",
        True,
        "yes/no",
        "Keep rendered, compressed public pages in memory per tour revision and"
        " language (off only to debug templates).",
    ),
    # --- database
    Setting(
        "DATABASE",
        _instance_file("guide.sqlite3"),
        "file",
        "The SQLite database, used when DATABASE_URL is not set.",
        shown_default="`instance/guide.sqlite3`",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "URL",
        "A database server, e.g. postgresql://user@host/db; outside tests the"
        " DATABASE_URL environment variable is read too.",
    ),
    Setting(
        "DB_AUTO_UPGRADE",
        True,
        "yes/no",
        "Bring the schema up to date (Alembic migrations) when the app starts.",
    ),
    # --- mail
    Setting(
        "MAIL_SERVER",
        None,
        "host",
        "SMTP server for confirmation mails; none: no mail is sent.",
    ),
    Setting("MAIL_PORT", 25, "port", "SMTP port."),
    Setting("MAIL_USE_TLS", False, "yes/no", "Use STARTTLS."),
    Setting("MAIL_USERNAME", None, "text", "SMTP user, if the server wants one."),
    Setting("MAIL_PASSWORD", None, "text", "SMTP password."),
    Setting("MAIL_FROM", "walk@localhost", "address", "Sender of the mails."),
    # --- map, offline, walk mode
    Setting(
        "TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "URL template",
        "Map tiles. openstreetmap.org's tile policy forbids bulk downloads.",
    ),
    Setting(
        "TILES_ALLOW_BULK",
        False,
        "yes/no",
        "Offer to save the tour area's tiles for offline use; only if your tile"
        " provider allows bulk downloads.",
    ),
    Setting(
        "TILE_CACHE_MAX_MB",
        30,
        "MB",
        "Map tiles a visitor has seen that the phone keeps for offline use.",
    ),
    Setting(
        "TILE_AVERAGE_KB",
        20,
        "kB",
        "Size of one tile, to tell the visitor what an offline area will take.",
    ),
    Setting(
        "OFFLINE_AREA_ZOOMS",
        [14, 15, 16, 17, 18],
        "zoom levels",
        "Zoom levels of the offline area (with TILES_ALLOW_BULK).",
    ),
    Setting(
        "OFFLINE_AREA_BUFFER_M",
        200,
        "metres",
        "Width of the corridor around the route saved for offline use.",
    ),
    Setting(
        "OFFLINE_VERSION",
        "",
        "text",
        "Added to the offline copy's version: change it to make phones reload.",
    ),
    # --- photos and recorded narration
    Setting(
        "MEDIA_ROOT",
        _instance_file("media"),
        "folder",
        "Where photos and recordings are kept, a folder per tour and stop.",
        shown_default="`instance/media`",
    ),
    Setting(
        "MEDIA_PHOTO_MAX_MB",
        25,
        "MB",
        "Largest photo a guide may upload.",
    ),
    Setting(
        "MEDIA_AUDIO_MAX_MB",
        60,
        "MB",
        "Largest recording a guide may upload.",
    ),
    Setting(
        "MEDIA_AUDIO_MAX_MIN",
        15,
        "minutes",
        "Longest recording a guide may upload.",
    ),
    # --- routing
    Setting(
        "STREET_FILES",
        None,
        "OSM files",
        "Street files to route on (a list, or paths joined with the OS path"
        " separator; [] for none). None: what `flask tour fetch-streets` saved,"
        " else ../shared/geodata's skeleton if present.",
    ),
    Setting(
        "STREETS_MARGIN_M",
        2000.0,
        "metres",
        "Streets kept (and fetched) around the tour's stops.",
    ),
    Setting(
        "OVERPASS_URL",
        "https://overpass-api.de/api/interpreter",
        "URL",
        "Where `flask tour fetch-streets` downloads street data.",
    ),
    # --- the framework's extensions
    Setting(
        "BABEL_TRANSLATION_DIRECTORIES",
        "translations",
        "folder",
        "The interface's message catalogues.",
    ),
    Setting(
        "COMPRESS_ALGORITHM",
        ["br", "gzip"],
        "names",
        "Response compression, best first.",
    ),
    Setting(
        "COMPRESS_MIMETYPES",
        COMPRESS_MIMETYPES,
        "media types",
        "Responses that are compressed.",
        shown_default="text, JSON, GeoJSON, GPX, SVG ...",
    ),
)

NAMES = frozenset(setting.name for setting in SETTINGS)


def defaults(app: Flask) -> dict[str, Any]:
    """Every setting's default for ``app``."""
    return {setting.name: setting.value_for(app) for setting in SETTINGS}


def markdown_table() -> str:
    """The README's table of settings."""
    rows = ["| setting | default | unit | meaning |", "|---|---|---|---|"]
    for setting in SETTINGS:
        rows.append(
            f"| `{setting.name}` | {setting.default_text()} | {setting.unit}"
            f" | {setting.meaning} |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
