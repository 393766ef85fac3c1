"""HTTP caching in one place: hashed static URLs, ETags, and public pages reused.

- Static and vendored files are linked as ``...?v=<content hash>``; asked for with
  the current hash they are cached for a year (``immutable``), otherwise revalidated.
- Every other ``GET`` answer gets an ``ETag`` and a ``304 Not Modified`` when the
  client already has it (Flask-Compress suffixes the tag per encoding).
- `public_page` renders a public page once per (tour revision, page, language,
  display mode, host) and keeps it compressed; requests after that are answered
  from memory. Such a page holds nothing that depends on the visitor beyond the
  language and display cookies (no CSRF token, no nonce: the CSP has none), so
  a proxy may keep it a minute too (``Vary`` names what it depends on).
- `ReadyPages` (WSGI middleware) answers a repeat ``GET`` of such a page with the
  whole response Flask gave the first time, without running Flask at all, while
  the tour's revision, its published state, the tours' stamp and the page's
  time to live say it is still the same page. Anything unusual (a query string,
  a conditional request, a cookie other than the language and display choices)
  goes to Flask.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli  # type: ignore[import-untyped]
from flask import Flask
from flask import Response
from flask import current_app
from flask import has_app_context
from flask import request
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.http import parse_accept_header
from werkzeug.http import parse_cookie

from web import current_tour_id
from web import get_tour
from web.services.i18n import current_lang
from web.services.tour_store import read_state
from web.services.tour_store import tour_revision

ONE_YEAR_S = 365 * 24 * 3600
PUBLIC_MAX_AGE_S = 60
IMMUTABLE = f"public, max-age={ONE_YEAR_S}, immutable"
PAGE_VARY = ("Accept-Encoding", "Accept-Language", "Cookie")
MAX_PAGES = 512  # bounded: the Host header and paths come from the visitor
HASHED_ENDPOINTS = {"static", "assets.vendor", "assets.bundle"}


def init_app(app: Flask) -> None:
    """Hash static URLs and tag responses.

    Call right after Flask-Compress: after-request hooks run in reverse order, so
    the tag is set on the plain body before compression, and cookies set by the
    other hooks (the language choice) are seen here.
    """
    app.url_defaults(_hashed_url)
    app.after_request(_cache_headers)
    if app.config["PAGE_CACHE"]:
        app.wsgi_app = ReadyPages(app, app.wsgi_app)  # type: ignore[method-assign]
    if not event.contains(Session, "after_commit", _forget_pages):
        event.listen(Session, "after_commit", _forget_pages)


def _forget_pages(session: Session) -> None:
    # A booking, a date, a photo, a stop edit: this process shows it at once;
    # other worker processes within their pages' time to live.
    if not has_app_context():
        return
    for name in ("page_cache", "ready_pages"):
        pages = current_app.extensions.get(name)
        if pages:
            pages.clear()
    current_app.extensions.pop("next_date", None)


def file_hash(endpoint: str, filename: str) -> str | None:
    """A short hash of a static or vendored file's content; None when absent."""
    cache: dict[tuple[str, str], str | None] = current_app.extensions.setdefault(
        "file_hashes", {}
    )
    key = (endpoint, filename)
    if key not in cache and endpoint == "assets.bundle":
        from web.public.assets import BUNDLES
        from web.public.assets import bundle_bytes

        known = filename in BUNDLES
        cache[key] = (
            hashlib.sha256(bundle_bytes(filename)).hexdigest()[:12] if known else None
        )
    if key not in cache:
        path = _file_path(endpoint, filename)
        cache[key] = (
            hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            if path is not None and path.is_file()
            else None
        )
    return cache[key]


def _file_path(endpoint: str, filename: str) -> Path | None:
    from web.public.assets import vendor_folder

    if endpoint == "static":
        folder = Path(current_app.static_folder or "static")
    else:
        package, _, filename = filename.partition("/")
        found = vendor_folder(package)
        if found is None:
            return None
        folder = Path(found)
    path = (folder / filename).resolve()
    return path if folder.resolve() in path.parents else None


def _hashed_url(endpoint: str, values: dict[str, Any]) -> None:
    if endpoint not in HASHED_ENDPOINTS or "v" in values:
        return
    if endpoint == "static":
        name = str(values.get("filename", ""))
    elif endpoint == "assets.bundle":
        name = str(values.get("name", ""))
    else:
        name = f"{values.get('package', '')}/{values.get('filename', '')}"
    digest = file_hash(endpoint, name)
    if digest:
        values["v"] = digest


def _asked_file(endpoint: str) -> str:
    args = request.view_args or {}
    if endpoint == "static":
        return str(args.get("filename", ""))
    if endpoint == "assets.bundle":
        return str(args.get("name", ""))
    return f"{args.get('package', '')}/{args.get('filename', '')}"


def _cache_headers(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if endpoint in HASHED_ENDPOINTS and response.status_code in (200, 304):
        asked = request.args.get("v")
        if asked and asked == file_hash(endpoint, _asked_file(endpoint)):
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response
    control = response.headers.get("Cache-Control", "")
    if "Set-Cookie" in response.headers and "public" in control:
        # A cookie is this visitor's alone: no shared cache may keep it.
        response.headers["Cache-Control"] = "private, no-cache"
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.is_streamed
        and not response.direct_passthrough
        and "no-store" not in control
        and "ETag" not in response.headers
        and "Content-Encoding" not in response.headers
    ):
        response.add_etag()
        response.make_conditional(request)
    return response


@dataclass(frozen=True)
class _Page:
    created: float
    ttl_s: float | None
    etag: str
    bodies: dict[str, bytes]  # encoding ("br", "gzip", "identity") -> body


def public_page(render: Callable[[], str], *, ttl_s: float | None = None) -> Response:
    """Answer a public page from memory, rendering it only when needed.

    ``ttl_s`` bounds the age of pages showing dates and seats; other pages live
    ``PAGE_TTL_S`` (photos and recordings change without a new tour revision).
    """
    if ttl_s is None:
        ttl_s = float(current_app.config["PAGE_TTL_S"])
    if not current_app.config["PAGE_CACHE"]:
        return _page_response(_compressed(render(), ttl_s=ttl_s), PUBLIC_MAX_AGE_S)
    get_tour()  # brings this worker's copy of the tour up to its current revision
    key = (
        current_tour_id(),
        tour_revision(current_tour_id()),
        request.endpoint,
        tuple(sorted((request.view_args or {}).items())),
        current_lang(),
        request.cookies.get("display") == "sunlight",
        request.host_url,
    )
    pages: OrderedDict[tuple[Any, ...], _Page] = current_app.extensions.setdefault(
        "page_cache", OrderedDict()
    )
    page = pages.get(key)
    if page is None or time.monotonic() - page.created >= ttl_s:
        page = _render_once(pages, key, page, render, ttl_s)
    if key in pages:
        pages.move_to_end(key)
    max_age = min(PUBLIC_MAX_AGE_S, int(ttl_s))
    # What ReadyPages needs to answer the next such request itself.
    request.environ[READY_MARK] = (
        current_tour_id(),
        tour_revision(current_tour_id()),
        current_app.extensions["tour_shelf"].stamp,
        page.created,
        ttl_s,
    )
    return _page_response(page, max_age)


# One render at a time per page: when a page expires under load, every thread
# of a worker would otherwise render and compress it at once (brotli at its best
# takes a good part of a second for the walk page), and the worker stalls.
RENDER_LOCKS = tuple(threading.Lock() for _ in range(64))


def _render_once(
    pages: OrderedDict[tuple[Any, ...], _Page],
    key: tuple[Any, ...],
    stale: _Page | None,
    render: Callable[[], str],
    ttl_s: float,
) -> _Page:
    """Render the page, unless another thread is at it: then its expired copy
    serves a moment longer, or (none yet) this thread waits for the new one."""
    lock = RENDER_LOCKS[hash(key) % len(RENDER_LOCKS)]
    if stale is not None and not lock.acquire(blocking=False):
        return stale
    if stale is None:
        lock.acquire()
    try:
        found = pages.get(key)
        if found is not None and time.monotonic() - found.created < ttl_s:
            return found  # rendered by the thread this one waited for
        page = _compressed(render(), created=time.monotonic(), ttl_s=ttl_s)
        pages[key] = page
        while len(pages) > MAX_PAGES:
            pages.popitem(last=False)
        return page
    finally:
        lock.release()


def _compressed(
    html: str,
    *,
    created: float = 0.0,
    ttl_s: float | None = None,
) -> _Page:
    body = html.encode()
    return _Page(
        created=created,
        ttl_s=ttl_s,
        etag=hashlib.sha256(body).hexdigest()[:20],
        bodies={
            "br": brotli.compress(body, quality=11, mode=brotli.MODE_TEXT),
            "gzip": gzip.compress(body, compresslevel=9, mtime=0),
            "identity": body,
        },
    )


def _page_response(page: _Page, max_age: int) -> Response:
    accepted = request.accept_encodings
    encoding = next((name for name in ("br", "gzip") if accepted[name] > 0), "identity")
    response = Response(page.bodies[encoding], mimetype="text/html")
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.set_etag(f"{page.etag}-{encoding}")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    for header in PAGE_VARY:
        response.vary.add(header)
    response.make_conditional(request)
    return response


# --- whole responses, answered without Flask ---------------------------------------

READY_MARK = "walk.ready_page"
# The only cookies a public page depends on (languages, sunlight display).
PAGE_COOKIES = {"lang", "display"}
ENVIRON_KEYS = (
    "PATH_INFO",
    "SCRIPT_NAME",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "wsgi.url_scheme",
    "HTTP_ACCEPT_LANGUAGE",
)


@dataclass(frozen=True)
class _Ready:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    tour_id: str
    revision: int
    stamp: str
    created: float
    ttl_s: float


def _encoding(header: str | None) -> str:
    accepted = parse_accept_header(header)
    return next((name for name in ("br", "gzip") if accepted[name] > 0), "identity")


def ready_key(environ: dict[str, Any]) -> tuple[Any, ...] | None:
    """What a cached public page's answer depends on; None: ask Flask.

    >>> ready_key({"REQUEST_METHOD": "GET", "PATH_INFO": "/tours/x/",
    ...            "HTTP_COOKIE": "lang=ru", "HTTP_ACCEPT_ENCODING": "gzip"})[-3:]
    ('ru', None, 'gzip')
    >>> get = {"REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    >>> ready_key({**get, "QUERY_STRING": "a=1"})
    >>> ready_key({**get, "HTTP_COOKIE": "session=x"})
    """
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return None
    if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
        return None
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    if any(name not in PAGE_COOKIES for name in cookies):
        return None  # a guide's session, a CSRF cookie: Flask decides
    forwarded = tuple(
        (name, value) for name, value in environ.items() if name.startswith("HTTP_X_")
    )
    return (
        *(environ.get(name) for name in ENVIRON_KEYS),
        forwarded,
        cookies.get("lang"),
        cookies.get("display"),
        _encoding(environ.get("HTTP_ACCEPT_ENCODING")),
    )


class ReadyPages:
    """Answers a public page Flask answered before, while it is still the same."""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.pages: OrderedDict[tuple[Any, ...], _Ready] = app.extensions.setdefault(
            "ready_pages", OrderedDict()
        )

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        key = ready_key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        ready = self.pages.get(key)
        if ready is not None and self._still_same(ready):
            start_response(ready.status, list(ready.headers))
            return [ready.body]
        seen: dict[str, Any] = {}

        def keep(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, *exc)

        answer = self.wsgi_app(environ, keep)
        mark = environ.get(READY_MARK)
        headers = seen.get("headers", [])
        if (
            mark is None
            or not seen.get("status", "").startswith("200")
            or any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        self.pages[key] = _Ready(seen["status"], tuple(headers), body, *mark)
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        return [body]

    def _still_same(self, ready: _Ready) -> bool:
        if time.monotonic() - ready.created >= ready.ttl_s:
            return False
        if self.app.extensions["tour_shelf"].read_stamp() != ready.stamp:
            return False
        return read_state(self._engine(), ready.tour_id) == (ready.revision, True)

    def _engine(self) -> Any:
        if "ready_engine" not in self.app.extensions:
            from web.services.db import db

            with self.app.app_context():
                self.app.extensions["ready_engine"] = db.engine
        return self.app.extensions["ready_engine"]
