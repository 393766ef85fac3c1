"""Domain errors map to HTTP here, in one place: JSON under /api, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from geo.errors import BadCoordinateError
from geo.errors import NoRouteError
from geo.errors import TooFarFromStreetsError
from geo.errors import UnknownStopError
from web.services import booking

log = logging.getLogger(__name__)

# Order matters: the first matching class wins.
DOMAIN_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (booking.DateNotFound, 404),
    (booking.RegistrationNotFound, 404),
    (booking.DateClosed, 410),
    (booking.BookingError, 409),
    (UnknownStopError, 404),
    (BadCoordinateError, 400),
    (TooFarFromStreetsError, 422),
    (NoRouteError, 422),
)


class BadRequestParameter(ValueError):
    """A query or form parameter that cannot be used as given."""


def wants_json() -> bool:
    """API clients (/api, /guide/api) get JSON errors; people get pages."""
    return request.path.startswith(("/api/", "/guide/api/")) or request.path == "/api"


def error_response(message: str, status: int) -> ResponseReturnValue:
    """The one error shape: JSON under /api, a friendly page elsewhere."""
    if wants_json():
        return jsonify(ok=False, error=message, status=status), status
    template = "errors/404.html" if status == 404 else "errors/error.html"
    return render_template(template, message=message, status=status), status


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        return error_response(exc.description or exc.name, exc.code or 500)

    @app.errorhandler(BadRequestParameter)
    def bad_parameter(exc: BadRequestParameter) -> ResponseReturnValue:
        return error_response(str(exc), 400)

    for error_class, status in DOMAIN_STATUS:
        app.register_error_handler(error_class, _domain_handler(status))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s", request.path)
        return error_response(InternalServerError.description, 500)


def _domain_handler(status: int):  # type: ignore[no-untyped-def]
    def handle(exc: Exception) -> ResponseReturnValue:
        return error_response(str(exc), status)

    return handle
