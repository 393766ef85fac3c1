"""The guides' tools behind one sign-in gate, wired in one place.

Everything under ``/guide`` needs a signed-in guide: people are sent to the
sign-in page, API clients (``/guide/api/...``) get a 401 JSON error. The gate
is a ``before_request`` hook, so a new guide page is protected even if its
view forgets ``@login_required``. The rooms: ``auth`` (sign-in, start page,
``flask guide``), ``dates`` (dates and registrations), ``events``, ``planner``,
``check``, ``stops`` (editing), ``calibrate`` (pins set in the field),
``media`` (photos and recorded narration), ``tracks`` (walked-path import) and
``live`` (the guide's remote of a live walk), ``ratings`` (walkers'
feedback) and ``tours`` (a new tour, publishing, tour packages).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import Flask
from flask import current_app
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.services.db import db
from web.services.models import User

SESSION_KEY = "guide_id"
VERSION_KEY = "guide_version"
SIGNED_IN_KEY = "signed_in_at"
# Endpoints under /guide that anonymous visitors may reach.
PUBLIC_ENDPOINTS = {"auth.login"}
# Links on the guide's start page: (endpoint, label), in this order.
GUIDE_MENU: list[tuple[str, Any]] = [
    ("guide_dates.index", _l("Tour dates and registrations")),
    ("guide_events.index", _l("Events in town")),
    ("planner.plan", _l("Plan the route")),
    ("checks.check", _l("Check before publishing")),
    ("stops.index", _l("Stops: edit, set pins on site")),
    ("stops.new", _l("Add a stop")),
    ("track.upload_form", _l("Import a walked path (GPX)")),
    ("guide_live.home", _l("Live walk")),
    ("guide_ratings.index", _l("Walkers' ratings and comments")),
    ("guide_tours.package", _l("Download the tour package (.zip)")),
    ("guide_tours.new_form", _l("Make a new tour")),
    ("guide_tours.import_form", _l("Import a tour package")),
]

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    """The gate, the overlay that publishes guides' changes, and the blueprints."""
    from web.guide import auth
    from web.guide import calibrate
    from web.guide import check
    from web.guide import dates
    from web.guide import events
    from web.guide import live
    from web.guide import media
    from web.guide import planner
    from web.guide import ratings
    from web.guide import stops
    from web.guide import tours
    from web.guide import tracks
    from web.services import privacy
    from web.services import tour_store

    # First of all hooks, before CSRF: anonymous requests to /guide get the
    # same answer (sign in, or 401) whatever else is wrong with them.
    app.before_request_funcs.setdefault(None, []).insert(0, _gate)
    app.after_request(_no_store)
    app.context_processor(lambda: {"current_guide": current_guide})
    auth.init_app(app)
    if "purge" not in auth.guide_cli.commands:
        auth.guide_cli.add_command(privacy.purge_command)
    tour_store.init_app(app)
    for module in (
        dates,
        events,
        planner,
        check,
        stops,
        calibrate,
        media,
        tracks,
        live,
        ratings,
        tours,
    ):
        app.register_blueprint(module.bp)


def current_guide() -> User | None:
    """The signed-in guide of this request, or None.

    A session counts only with the guide's current session version (signing
    out, a new password or removal raise it) and within the absolute
    lifetime from sign-in; a session of the kind made before versions
    existed has neither and is cleared.
    """
    if "guide" not in g:
        g.guide = _session_guide()
        if g.guide is None and SESSION_KEY in session:
            session.clear()
    guide: User | None = g.guide
    return guide


def _session_guide() -> User | None:
    guide_id = session.get(SESSION_KEY)
    version = session.get(VERSION_KEY)
    signed_in_at = session.get(SIGNED_IN_KEY)
    if not (
        isinstance(guide_id, int)
        and isinstance(version, int)
        and isinstance(signed_in_at, int)
    ):
        return None
    max_age = int(current_app.config["GUIDE_SESSION_MAX_AGE_S"])
    if not 0 <= time.time() - signed_in_at <= max_age:
        return None
    user = db.session.get(User, guide_id)
    if user is None or user.session_version != version:
        return None
    return user


def start_session(user: User) -> None:
    """Sign ``user`` in on this browser: a fresh session, no data carried over."""
    session.clear()
    session.permanent = True
    session[SESSION_KEY] = user.id
    session[VERSION_KEY] = user.session_version
    session[SIGNED_IN_KEY] = int(time.time())


def revoke_sessions(user: User) -> None:
    """End every session of ``user``, on every device (commit to take effect)."""
    user.session_version = (user.session_version or 0) + 1


def is_guide_path(path: str) -> bool:
    """Whether a URL path belongs to the guide area."""
    return path == "/guide" or path.startswith("/guide/")


def _refuse() -> ResponseReturnValue:
    from web.errors import error_json

    if request.path.startswith("/guide/api") or (
        request.accept_mimetypes.best == "application/json"
    ):
        return error_json(_("Sign in as a guide first."), 401)
    target = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("auth.login", next=target.rstrip("?")), 303)


def login_required(view: F) -> F:
    """Refuse anonymous visitors: redirect to sign-in, or 401 JSON for APIs."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_guide() is None:
            return _refuse()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _gate() -> ResponseReturnValue | None:
    if not is_guide_path(request.path) or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_guide() is None:
        return _refuse()
    return None


def _no_store(response: Any) -> Any:
    # Guide pages hold personal data: never cached by browsers or proxies.
    if is_guide_path(request.path):
        response.headers["Cache-Control"] = "no-store"
    return response
