"""Live walks: the guide says "we are at stop N" and every guest's phone follows.

State lives in the database (``live_walks``), so it works behind a plain WSGI server
with several worker processes: guests poll ``/api/live/<code>`` every few seconds.
A walk ends by itself four hours after it started; the guide's position is shared
only while the walk is live, and only when the guide turns sharing on.
"""

from __future__ import annotations

import io
import math
import secrets
from datetime import timedelta
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from geo.distance import check_lonlat
from geo.errors import BadCoordinateError
from web import current_tour_id
from web import get_tour
from web import use_tour
from web.errors import BadRequestParameter
from web.guide.auth import current_guide
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import LiveWalk
from web.services.i18n import pick
from web.services.models import utcnow

bp = Blueprint("live", __name__)

WALK_HOURS = 4
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6
POSITION_FRESH_S = 120
POLL_MS = 3000


def new_code() -> str:
    """A short code that is easy to read out and type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Codes are case-insensitive: 'ab3 xyz' -> 'AB3XYZ'."""
    return "".join(code.split()).upper()[:12]


def is_live(walk: LiveWalk) -> bool:
    """Started, not ended by the guide, and within its four hours."""
    return walk.ended_at is None and utcnow() < walk.expires_at


def _walk(code: str) -> LiveWalk:
    walk = db.session.scalar(
        select(LiveWalk).where(LiveWalk.code == normalise_code(code))
    )
    if walk is None or walk.tour_id != g.get("tour_id", walk.tour_id):
        abort(404, _("No live walk has this code. Check it with your guide."))
    use_tour(walk.tour_id)  # guests' pages have no tour in their URL
    return walk


def _active_walks() -> list[LiveWalk]:
    walks = db.session.scalars(
        select(LiveWalk)
        .where(
            LiveWalk.tour_id == current_tour_id(),
            LiveWalk.ended_at.is_(None),
            LiveWalk.expires_at > utcnow(),
        )
        .order_by(LiveWalk.started_at.desc())
    )
    return list(walks)


def join_url(code: str) -> str:
    """The link guests open (and the QR code holds)."""
    return url_for("live.guest", code=code, _external=True)


def qr_svg(code: str) -> Markup:
    """The join link as an inline SVG QR code."""
    buffer = io.BytesIO()
    segno.make(join_url(code), error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, svgns=True, title=code
    )
    return Markup(buffer.getvalue().decode())


# --- the guide's side -----------------------------------------------------------------


@bp.get("/guide/tours/<tour_id>/live")
def control_home() -> ResponseReturnValue:
    """Start a live walk, or go back to the one in progress."""
    walks = _active_walks()
    if walks:
        return redirect(url_for("live.control", code=walks[0].code))
    return render_template("guide/live_start.html")


@bp.post("/guide/tours/<tour_id>/live/start")
def start() -> ResponseReturnValue:
    """Start a live walk at the meeting point; it ends by itself after 4 hours."""
    guide = current_guide()
    now = utcnow()
    with write_transaction() as session:
        for _attempt in range(5):
            code = new_code()
            taken = session.scalar(select(LiveWalk.id).where(LiveWalk.code == code))
            if taken is None:
                break
        session.add(
            LiveWalk(
                tour_id=current_tour_id(),
                code=code,
                guide_id=guide.id if guide else None,
                started_at=now,
                expires_at=now + timedelta(hours=WALK_HOURS),
                stop_index=0,
                seq=0,
                updated_at=now,
            )
        )
    return redirect(url_for("live.control", code=code), 303)


@bp.get("/guide/tours/<tour_id>/live/<code>")
def control(code: str) -> str:
    """The guide's remote: code, link, QR, "we are at stop N", sharing, end."""
    walk = _walk(code)
    return render_template(
        "guide/live.html",
        walk=walk,
        live=is_live(walk),
        url=join_url(walk.code),
        qr=qr_svg(walk.code),
        stops=get_tour().stops,
    )


def _update(code: str, **values: Any) -> LiveWalk:
    with write_transaction() as session:
        walk = session.scalar(
            select(LiveWalk).where(LiveWalk.code == normalise_code(code))
        )
        if walk is None:
            abort(404, _("No live walk has this code. Check it with your guide."))
        if not is_live(walk):
            abort(409, _("This live walk has ended."))
        for key, value in values.items():
            setattr(walk, key, value)
        walk.seq += 1
        walk.updated_at = utcnow()
    return walk


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.post("/guide/tours/<tour_id>/live/<code>/at")
def at_stop(code: str) -> ResponseReturnValue:
    """'We are at stop N': every guest's view moves there."""
    stops = get_tour().stops
    raw = (
        (request.get_json(silent=True) or {}).get("stop")
        if request.is_json
        else (request.form.get("stop"))
    )
    try:
        index = int(str(raw))
    except ValueError:
        raise BadRequestParameter(_("Choose a stop.")) from None
    if not 0 <= index < len(stops):
        raise BadRequestParameter(_("Choose a stop."))
    walk = _update(code, stop_index=index)
    if _wants_json():
        return jsonify(ok=True, stop_index=walk.stop_index, seq=walk.seq)
    flash(_("Guests now see stop %(n)s.", n=index))
    return redirect(url_for("live.control", code=walk.code), 303)


@bp.post("/guide/tours/<tour_id>/live/<code>/position")
def share_position(code: str) -> ResponseReturnValue:
    """The guide's position while sharing is on (JSON: lat, lon, accuracy)."""
    body = request.get_json(silent=True) or {}
    try:
        lon, lat = check_lonlat(float(body["lon"]), float(body["lat"]))
        accuracy = float(body.get("accuracy", math.nan))
    except (BadCoordinateError, KeyError, TypeError, ValueError):
        raise BadRequestParameter(_("Not a position.")) from None
    if not math.isfinite(accuracy) or not 0 <= accuracy <= 10_000:
        raise BadRequestParameter(_("Not a position."))
    _update(
        code,
        guide_lon=lon,
        guide_lat=lat,
        guide_accuracy_m=accuracy,
        guide_position_at=utcnow(),
    )
    return jsonify(ok=True)


@bp.post("/guide/tours/<tour_id>/live/<code>/position/stop")
def stop_sharing(code: str) -> ResponseReturnValue:
    """Stop sharing: guests no longer see the guide's position."""
    _update(
        code,
        guide_lon=None,
        guide_lat=None,
        guide_accuracy_m=None,
        guide_position_at=None,
    )
    if _wants_json():
        return jsonify(ok=True)
    return redirect(url_for("live.control", code=code), 303)


@bp.post("/guide/tours/<tour_id>/live/<code>/end")
def end(code: str) -> ResponseReturnValue:
    """End the walk now; the guide's position is forgotten."""
    _update(
        code,
        ended_at=utcnow(),
        guide_lon=None,
        guide_lat=None,
        guide_accuracy_m=None,
        guide_position_at=None,
    )
    flash(_("The live walk has ended."))
    return redirect(url_for("live.control_home"), 303)


# --- the guests' side -----------------------------------------------------------------


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
    walk = _walk(code)
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
    walk = _walk(code)
    return Response(str(qr_svg(walk.code)), mimetype="image/svg+xml")


def state(walk: LiveWalk) -> dict[str, Any]:
    """What a guest's phone needs: the current stop and, if shared, the guide."""
    tour = get_tour()
    live = is_live(walk)
    index = min(walk.stop_index, len(tour.stops) - 1)
    stop = tour.stops[index]
    guide = None
    if (
        live
        and walk.guide_lat is not None
        and walk.guide_lon is not None
        and walk.guide_position_at is not None
    ):
        age_s = (utcnow() - walk.guide_position_at).total_seconds()
        if age_s <= POSITION_FRESH_S:
            guide = {
                "lat": walk.guide_lat,
                "lon": walk.guide_lon,
                "accuracy_m": walk.guide_accuracy_m,
                "age_s": round(age_s),
            }
    return {
        "ok": True,
        "code": walk.code,
        "live": live,
        "seq": walk.seq,
        "stop_index": index,
        "stop_count": len(tour.stops),
        "stop": {
            "id": stop.id,
            "name": pick(stop.name),
            "summary": pick(stop.summary),
            "narrative": pick(stop.narrative).split("\n\n"),
            "lat": stop.lat,
            "lon": stop.lon,
            "url": url_for("pages.stop", stop_id=stop.id),
        },
        "guide": guide,
        "ends_at": walk.expires_at.isoformat() + "Z",
    }


@bp.get("/api/live/<code>")
def api_state(code: str) -> Response:
    """The live walk's state for polling guests (never cached)."""
    walk = db.session.scalar(
        select(LiveWalk).where(LiveWalk.code == normalise_code(code))
    )
    if walk is None:
        abort(404, _("No live walk has this code. Check it with your guide."))
    response = jsonify(state(walk))
    db.session.rollback()
    response.headers["Cache-Control"] = "no-store"
    return response
