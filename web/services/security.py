"""CSRF on every form, session cookie flags, and rate limits kept in the database.

Rate limits count attempts per HMAC of the client's address (or a user name),
so that neither the database nor the logs hold the address itself; every
worker process sees the same counts.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import timedelta

from flask import Flask
from flask import abort
from flask import current_app
from flask import has_request_context
from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from web.services.db import write_transaction
from web.services.models import Attempt
from web.services.models import utcnow

csrf = CSRFProtect()

PURGE_AFTER = timedelta(days=1)


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is ``Secure`` whenever served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config["SESSION_COOKIE_SECURE"]:
            return True
        return has_request_context() and request.is_secure


def init_app(app: Flask) -> None:
    """Cookie flags, CSRF protection and (optionally) proxy headers."""
    # Not a setting: scripts never need the session cookie.
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.session_interface = SessionInterface()
    proxies = int(app.config["TRUSTED_PROXIES"] or 0)
    if proxies:
        # Behind a reverse proxy: trust its X-Forwarded-For/-Proto for client
        # addresses (rate limits) and for HTTPS (Secure cookies).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    csrf.init_app(app)
    app.before_request(_json_body_is_an_object)  # after the CSRF check


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _json_body_is_an_object() -> None:
    # Forms (Flask-WTF reads a JSON body as the form) and the guide's JSON
    # endpoints take fields from an object: a list, a number, a string, broken
    # JSON or nesting too deep to decode is refused here, not inside a view.
    if request.method not in _BODY_METHODS or not request.is_json:
        return
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        body = None
    if not isinstance(body, dict):
        abort(400, _("Send the data as one JSON object."))


def client_address() -> str:
    """The client's IP address as the app sees it."""
    return request.remote_addr or "unknown"


def _key(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    message = f"{kind}\0{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:64]


def attempts_since(kind: str, value: str, window_s: float) -> tuple[int, float]:
    """How many attempts of ``kind`` by ``value`` within the window.

    Returns the count and the seconds until the oldest of them leaves the window.
    """
    since = utcnow() - timedelta(seconds=window_s)
    with write_transaction() as session:
        count, oldest = session.execute(
            select(func.count(Attempt.id), func.min(Attempt.at)).where(
                Attempt.kind == kind,
                Attempt.key == _key(kind, value),
                Attempt.at > since,
            )
        ).one()
    wait = 0.0
    if oldest is not None:
        wait = max(1.0, window_s - (utcnow() - oldest).total_seconds())
    return int(count), wait


def record_attempt(kind: str, value: str) -> None:
    """Count one attempt; old rows are purged on the way."""
    now = utcnow()
    with write_transaction() as session:
        session.add(Attempt(kind=kind, key=_key(kind, value), at=now))
        session.execute(delete(Attempt).where(Attempt.at < now - PURGE_AFTER))


def clear_attempts(kind: str, value: str) -> None:
    """Forget the attempts of ``kind`` by ``value`` (after a good login)."""
    with write_transaction() as session:
        session.execute(
            delete(Attempt).where(
                Attempt.kind == kind, Attempt.key == _key(kind, value)
            )
        )


# Control characters and bidirectional overrides that have no place in a
# name or a note; everything else (emoji, Arabic, Hebrew, ...) is kept.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Normalise user text: NFC, no control characters, trimmed.

    >>> clean_text("  Ann\\x00a\\u202e  ")
    'Anna'
    >>> clean_text("a\\r\\nb\\tc", multiline=True)
    'a\\nb c'
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    kept = []
    for char in value:
        if char == "\n" and multiline:
            kept.append(char)
        elif char in _BIDI_CONTROLS or char in "\ufeff\ufffe\uffff":
            continue
        elif char.isspace():
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    text = "".join(kept)
    if multiline:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        return "\n".join(lines).strip()
    return " ".join(text.split())
