"""Security headers on every response, set in this one place.

The Content-Security-Policy allows scripts from the app only: no inline
script, no ``eval``. Pages carry their data in ``<script type="application/json">``
blocks and the folium maps are served as their own script files
(`web.public.maps`), so the policy is the same for every response and a page
may be stored and replayed (service worker, page caches) without a nonce.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import current_app
from flask import request

PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=()"
# The guide's photos-and-voice page records narration with the microphone.
RECORDER_POLICY = "geolocation=(self), camera=(), microphone=(self)"


def init_app(app: Flask) -> None:
    """Compute the policy once and set the headers after every request."""
    app.extensions["csp"] = content_security_policy(app.config["TILE_URL"])
    app.after_request(set_headers)


def tile_source(tile_url: str) -> str | None:
    """The CSP source of the tile server, or None when the app serves the tiles.

    Examples
    --------
    >>> tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    'https://tile.openstreetmap.org'
    >>> tile_source("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png")
    'https://*.tile.example.org:8443'
    >>> tile_source("/tiles/{z}/{x}/{y}.png") is None
    True
    """
    parts = urlsplit(tile_url.replace("{s}", "__sub__"))
    if not parts.netloc:
        return None
    host = parts.netloc.replace("__sub__", "*")
    if "{" in host or "}" in host:
        # A placeholder other than {s} in the host: allow every subdomain of the rest.
        host = "*." + host.rsplit("}", 1)[-1].lstrip(".-")
    return f"{parts.scheme or 'https'}://{host}"


def content_security_policy(tile_url: str) -> str:
    """The policy for a tile server; every page gets the same one."""
    tiles = tile_source(tile_url)
    # blob: for the previews of photos and recordings a guide is about to upload.
    images = ["'self'", "data:", "blob:"] + ([tiles] if tiles else [])
    # The service worker fetches tiles itself (to size and keep them).
    connect = ["'self'"] + ([tiles] if tiles else [])
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Leaflet and folium position map panes with style attributes and one
        # <style> block; styles cannot run code, scripts stay strict.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "connect-src": connect,
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(
        f"{name} {' '.join(values)}" for name, values in directives.items()
    )


def set_headers(response: Response) -> Response:
    """Add the security headers; views do not set them themselves."""
    headers = response.headers
    headers["Content-Security-Policy"] = current_app.extensions["csp"]
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"  # for browsers without frame-ancestors
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = (
        RECORDER_POLICY if is_recorder_page(request.path) else PERMISSIONS_POLICY
    )
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        max_age = int(current_app.config["HSTS_MAX_AGE_S"])
        headers["Strict-Transport-Security"] = f"max-age={max_age}"
    return response


def is_recorder_page(path: str) -> bool:
    """The guide's media page of a stop, the only one that may use the microphone.

    >>> is_recorder_page("/guide/tours/interhelpo/stops/pishpek-station/media")
    True
    >>> is_recorder_page("/stops/pishpek-station")
    False
    """
    return path.startswith("/guide/") and path.rstrip("/").endswith("/media")
