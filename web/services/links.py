"""Absolute links (GPX, .ics, QR codes, e-mails, share buttons) from PUBLIC_URL.

The Host header is the client's to choose: a link built from it could point
guests elsewhere. ``PUBLIC_URL`` (``https://walk.example.org``) is the only
source of scheme and host; only debug and test runs may go without it.
"""

from __future__ import annotations

import sys
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask
from flask import current_app
from flask import request
from flask import url_for

NO_PUBLIC_URL = (
    "Set PUBLIC_URL to the address guests open, e.g. "
    "export FLASK_PUBLIC_URL=https://walk.example.org: links in GPX files, "
    "calendars, QR codes and e-mails are built from it, never from the Host a "
    "client sends (./scripts/start.sh sets it to the address it serves on)."
)


def init_app(app: Flask) -> None:
    """Check the setting and offer the helpers to templates."""
    app.config["PUBLIC_URL"] = public_origin(app)
    app.jinja_env.globals.update(external_url=external_url, public_base=public_base)


def public_origin(app: Flask) -> str | None:
    """``PUBLIC_URL`` as ``scheme://host[:port]``, or None in debug and tests."""
    value = str(app.config.get("PUBLIC_URL") or "").strip()
    if not value:
        if app.debug or app.testing or _maintenance_command():
            return None
        raise RuntimeError(NO_PUBLIC_URL)
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise RuntimeError(f"PUBLIC_URL {value!r} is not an origin. {NO_PUBLIC_URL}")
    return f"{parts.scheme}://{parts.netloc}"


def _maintenance_command() -> bool:
    """True under a ``flask`` command other than ``run`` (``db upgrade``, ``guide
    add`` ...): those serve no one, so they need no public address."""
    if click.get_current_context(silent=True) is None:
        return False  # gunicorn, or a script calling create_app()
    words = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    return bool(words) and words[0] != "run"


def public_base() -> str:
    """Scheme and host of the guide, without a trailing slash."""
    origin: str | None = current_app.config.get("PUBLIC_URL")
    if origin:
        return origin
    return request.host_url.rstrip("/")  # debug and tests only


def external_url(endpoint: str, **values: Any) -> str:
    """``url_for`` made absolute with PUBLIC_URL."""
    return public_base() + url_for(endpoint, **values)
