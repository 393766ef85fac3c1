"""CSRF on every form, session cookie flags, and rate limits kept in the database.

Rate limits count attempts per HMAC of the client's address (or a user name),
so that neither the database nor the logs hold the address itself; every
worker process sees the same counts.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import zlib
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
from sqlalchemy import text
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from web.services.db import write_transaction
from web.services.models import Attempt
from web.services.models import utcnow

csrf = CSRFProtect()

# Request bodies: forms and JSON are small (MAX_CONTENT_LENGTH); routes that take
# files say more here (endpoint -> bytes). Larger bodies get a 413 unread.
UPLOAD_LIMITS: dict[str, int] = {}

PURGE_AFTER = timedelta(days=1)


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is ``Secure`` whenever served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if app.config["SESSION_COOKIE_SECURE"]:
            return True
        # Public over HTTPS (a TLS proxy in front may speak plain HTTP to us).
        if app.config.get("PREFERRED_URL_SCHEME") == "https":
            return True
        if str(app.config.get("PUBLIC_URL") or "").startswith("https://"):
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
    app.before_request_funcs.setdefault(None, []).insert(0, _body_limit)
    csrf.init_app(app)
    app.before_request(_json_body_is_an_object)  # after the CSRF check


def _body_limit() -> None:
    # First of the hooks: a body declared too big is refused unread (werkzeug
    # would hand CSRF an empty form, and the answer would be a CSRF error).
    limit = UPLOAD_LIMITS.get(request.endpoint or "")
    if limit:
        request.max_content_length = limit
    allowed = request.max_content_length
    if allowed is not None and (request.content_length or 0) > allowed:
        raise RequestEntityTooLarge()


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


def reserve_attempt(
    limits: list[tuple[str, str, int]],
    *,
    window_s: float,
    delay_s: float,
    max_delay_s: float,
) -> tuple[float, list[int]]:
    """Check and count one attempt against every ``(kind, value, free)`` limit.

    ``free`` attempts in the window pass at once; after that each one waits
    ``delay_s``, doubling with every further attempt (at most ``max_delay_s``)
    since the last. A delay, never a lock: after the wait a try is checked.
    The check and the count are one transaction, so concurrent tries cannot
    pass the limit together: returns the seconds to wait (nothing counted), or
    0 and the ids of the attempts counted, which the caller may forget again
    (`forget_attempts`) when the attempt succeeded.
    """
    now = utcnow()
    since = now - timedelta(seconds=window_s)
    keys = [(kind, _key(kind, value), free) for kind, value, free in limits]
    with write_transaction() as session:
        if session.get_bind().dialect.name == "postgresql":
            for _kind, key, _free in keys:  # SQLite: BEGIN IMMEDIATE already
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"),
                    {"k": zlib.crc32(key.encode())},
                )
        wait = 0.0
        for kind, key, free in keys:
            count, last = session.execute(
                select(func.count(Attempt.id), func.max(Attempt.at)).where(
                    Attempt.kind == kind, Attempt.key == key, Attempt.at > since
                )
            ).one()
            if count >= free and last is not None:
                delay = min(max_delay_s, delay_s * 2.0 ** min(count - free, 60))
                wait = max(wait, delay - (now - last).total_seconds())
        if wait > 0:
            return wait, []
        rows = [Attempt(kind=kind, key=key, at=now) for kind, key, _free in keys]
        session.add_all(rows)
        session.execute(delete(Attempt).where(Attempt.at < now - PURGE_AFTER))
        session.flush()
        return 0.0, [row.id for row in rows]


def forget_attempts(ids: list[int]) -> None:
    """Uncount attempts made by `reserve_attempt` (the attempt succeeded)."""
    if ids:
        with write_transaction() as session:
            session.execute(delete(Attempt).where(Attempt.id.in_(ids)))


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
