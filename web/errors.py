"""The one error path: every domain error maps to HTTP here, and one function
builds the JSON error. API clients (``/api``, ``/guide/api``) get JSON, people
get a friendly page. No blueprint registers a handler of its own.
"""

from __future__ import annotations

import logging

from flask import Flask
from flask import Response
from flask import jsonify
from flask import render_template
from flask import request
from flask.globals import request_ctx
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from geo.errors import BadCoordinateError
from geo.errors import NoRouteError
from geo.errors import TooFarFromStreetsError
from geo.errors import TrackError
from geo.errors import TrackTooLargeError
from geo.errors import UnknownStopError
from geo.planning import PlanningError
from web.services import booking
from web.services import ratings
from web.services.tour_store import EditConflictError

log = logging.getLogger(__name__)

# Order matters: the first matching class wins.
DOMAIN_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (booking.DateNotFound, 404),
    (booking.RegistrationNotFound, 404),
    (booking.DateClosed, 410),
    (booking.BookingError, 409),
    (ratings.SpamShaped, 422),
    (ratings.BadRating, 400),
    (UnknownStopError, 404),
    (BadCoordinateError, 400),
    (TooFarFromStreetsError, 422),
    (NoRouteError, 422),
    (PlanningError, 400),
    (TrackTooLargeError, 413),
    (TrackError, 422),
    (EditConflictError, 409),
)


class BadRequestParameter(ValueError):
    """A query or form parameter that cannot be used as given."""


def wants_json() -> bool:
    """API clients (/api, /guide/api) get JSON errors; people get pages."""
    return request.path.startswith(("/api/", "/guide/api/")) or request.path == "/api"


def error_json(message: str, status: int) -> ResponseReturnValue:
    """The one JSON error shape: ``{"ok": false, "error": message, "status": n}``."""
    return jsonify(ok=False, error=message, status=status), status


def error_response(message: str, status: int) -> ResponseReturnValue:
    """An error as API clients (JSON) or people (a friendly page) should see it."""
    if request_ctx.url_adapter is None:
        # Werkzeug could not use the Host header (a label over 63 characters,
        # "a..b"): no URL can be built, so no page either; plain text it is.
        return Response(f"{message}\n", status, mimetype="text/plain")
    if wants_json():
        return error_json(message, status)
    template = "errors/404.html" if status == 404 else "errors/error.html"
    return render_template(template, message=message, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers."""
    # Before every before_request hook (the /guide gate builds URLs): a Host
    # werkzeug refuses gets its 400 here.
    app.url_value_preprocessor(_host_usable)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(BadRequestParameter)
    def bad_parameter(exc: BadRequestParameter) -> ResponseReturnValue:
        return error_response(str(exc), 400)

    @app.errorhandler(CSRFError)
    def csrf_refused(exc: CSRFError) -> ResponseReturnValue:
        message = _(
            "This form has expired or was sent from elsewhere. "
            "Please reload the page and try again."
        )
        return error_response(message, 400)

    for error_class, status in DOMAIN_STATUS:
        app.register_error_handler(error_class, _domain_handler(status))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s", request.path)
        return error_response(InternalServerError.description, 500)


def _host_usable(_endpoint: str | None, _values: dict[str, object] | None) -> None:
    if request_ctx.url_adapter is None:
        error = request.routing_exception
        if isinstance(error, HTTPException):
            raise error
        raise BadRequest()


def _domain_handler(status: int):  # type: ignore[no-untyped-def]
    def handle(exc: Exception) -> ResponseReturnValue:
        return error_response(str(exc), status)

    return handle
