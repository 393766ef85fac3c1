"""Live walks for guests: type the code, then the phone follows the guide's stop."""

from __future__ import annotations

import io

import segno
from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from web.services.db import db
from web.services.links import external_url
from web.services.live import POLL_MS
from web.services.live import find_walk
from web.services.live import is_live
from web.services.live import normalise_code
from web.services.live import state

bp = Blueprint("live", __name__)


def join_url(code: str) -> str:
    """The link guests open (and the QR code holds)."""
    return external_url("live.guest", code=code)


def qr_svg(code: str) -> Markup:
    """The join link as an inline SVG QR code."""
    buffer = io.BytesIO()
    segno.make(join_url(code), error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, svgns=True, title=code
    )
    return Markup(buffer.getvalue().decode())


@bp.get("/live")
def join() -> ResponseReturnValue:
    """Guests type the code their guide reads out."""
    code = request.args.get("code", "")
    if code.strip():
        return redirect(url_for("live.guest", code=normalise_code(code)))
    return render_template("public/live/join.html")


@bp.get("/live/<code>")
def guest(code: str) -> ResponseReturnValue:
    """The guest's view: follows the guide's current stop."""
    walk = find_walk(code)
    if walk.code != code:
        return redirect(url_for("live.guest", code=walk.code))
    return render_template(
        "public/live/guest.html",
        walk=walk,
        live=is_live(walk),
        state=state(walk),
        poll_ms=POLL_MS,
    )


@bp.get("/live/<code>/qr.svg")
def qr(code: str) -> Response:
    """The join link as a QR code image."""
    walk = find_walk(code)
    return Response(str(qr_svg(walk.code)), mimetype="image/svg+xml")


@bp.get("/api/live/<code>")
def api_state(code: str) -> Response:
    """The live walk's state for polling guests (never cached)."""
    walk = find_walk(code)
    response = jsonify(state(walk))
    db.session.rollback()
    response.headers["Cache-Control"] = "no-store"
    return response
