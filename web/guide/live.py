"""The guide's remote for a live walk: start, "we are at stop N", position, end."""

from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

from geo.distance import check_lonlat
from geo.errors import BadCoordinateError
from web import current_tour_id
from web import get_tour
from web.errors import BadRequestParameter
from web.guide import current_guide
from web.public.live import join_url
from web.public.live import qr_svg
from web.services.db import write_transaction
from web.services.guide_models import LiveWalk
from web.services.live import WALK_HOURS
from web.services.live import active_walks
from web.services.live import find_walk
from web.services.live import is_live
from web.services.live import new_code
from web.services.live import update_walk
from web.services.models import utcnow
from web.services.params import number
from web.services.privacy import erase_expired_positions

bp = Blueprint("guide_live", __name__, url_prefix="/guide/tours/<tour_id>/live")


@bp.get("")
def home() -> ResponseReturnValue:
    """Start a live walk, or go back to the one in progress."""
    walks = active_walks()
    if walks:
        return redirect(url_for("guide_live.control", code=walks[0].code))
    return render_template("guide/live_start.html")


@bp.post("/start")
def start() -> ResponseReturnValue:
    """Start a live walk at the meeting point; it ends by itself after 4 hours."""
    guide = current_guide()
    now = utcnow()
    erase_expired_positions()  # the walks before this one
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
    return redirect(url_for("guide_live.control", code=code), 303)


@bp.get("/<code>")
def control(code: str) -> str:
    """The guide's remote: code, link, QR, "we are at stop N", sharing, end."""
    walk = find_walk(code)
    return render_template(
        "guide/live.html",
        walk=walk,
        live=is_live(walk),
        url=join_url(walk.code),
        qr=qr_svg(walk.code),
        stops=get_tour().stops,
    )


def _wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


@bp.post("/<code>/at")
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
    walk = update_walk(code, stop_index=index)
    if _wants_json():
        return jsonify(ok=True, stop_index=walk.stop_index, seq=walk.seq)
    flash(_("Guests now see stop %(n)s.", n=index))
    return redirect(url_for("guide_live.control", code=walk.code), 303)


@bp.post("/<code>/position")
def share_position(code: str) -> ResponseReturnValue:
    """The guide's position while sharing is on (JSON: lat, lon, accuracy)."""
    body = request.get_json(silent=True) or {}
    try:
        lon, lat = check_lonlat(number(body["lon"]), number(body["lat"]))
        accuracy = number(body.get("accuracy", math.nan))
    except (BadCoordinateError, KeyError, TypeError, ValueError):
        raise BadRequestParameter(_("Not a position.")) from None
    if not math.isfinite(accuracy) or not 0 <= accuracy <= 10_000:
        raise BadRequestParameter(_("Not a position."))
    update_walk(
        code,
        guide_lon=lon,
        guide_lat=lat,
        guide_accuracy_m=accuracy,
        guide_position_at=utcnow(),
    )
    return jsonify(ok=True)


@bp.post("/<code>/position/stop")
def stop_sharing(code: str) -> ResponseReturnValue:
    """Stop sharing: guests no longer see the guide's position."""
    update_walk(
        code,
        guide_lon=None,
        guide_lat=None,
        guide_accuracy_m=None,
        guide_position_at=None,
    )
    if _wants_json():
        return jsonify(ok=True)
    return redirect(url_for("guide_live.control", code=code), 303)


@bp.post("/<code>/end")
def end(code: str) -> ResponseReturnValue:
    """End the walk now; the guide's position is forgotten."""
    update_walk(
        code,
        ended_at=utcnow(),
        guide_lon=None,
        guide_lat=None,
        guide_accuracy_m=None,
        guide_position_at=None,
    )
    flash(_("The live walk has ended."))
    return redirect(url_for("guide_live.home"), 303)
