"""Walked-path import: upload a recorded GPX track, review it, then replace the path.

Nothing changes until the guide confirms on the review page; a bad file gets a clear
message and leaves the tour alone. A review made against an older tour (someone
changed it meanwhile) cannot be applied.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from geo.errors import EmptyTrackError
from geo.errors import TrackError
from geo.errors import TrackFormatError
from geo.errors import TrackMissesStopError
from geo.errors import TrackTooFarError
from geo.errors import TrackTooLargeError
from geo.loader import legs_from_data
from geo.track_import import MATCH_LIMIT_M
from geo.track_import import MAX_BYTES
from geo.track_import import match_track
from geo.track_import import read_track
from web import current_tour_id
from web import of_tour
from web.guide import current_guide
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import TrackImport
from web.services.i18n import pick
from web.services.models import utcnow
from web.services.security import UPLOAD_LIMITS
from web.services.tour_store import bump_revision
from web.services.tour_store import path_json
from web.services.tour_store import refresh
from web.services.tour_store import state_of

bp = Blueprint("track", __name__, url_prefix="/guide/tours/<tour_id>/track")
# The upload may be bigger than other requests (web.services.security); up to
# this size a too-big file still gets the explaining page below, not a bare 413.
UPLOAD_LIMITS["track.upload"] = 16 * 1024 * 1024

FORM_OVERHEAD_BYTES = 64 * 1024
DRAIN_LIMIT_BYTES = 100 * 1024 * 1024


def _drain(limit: int) -> None:
    stream = request.stream
    left = limit
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            break
        left -= len(chunk)


def explain(exc: TrackError) -> str:
    """The problem in the guide's language, with the technical detail after it."""
    if isinstance(exc, TrackTooLargeError):
        lead = _("The file is too big.")
    elif isinstance(exc, EmptyTrackError):
        lead = _("The file holds no track: record the walk, then export it as GPX.")
    elif isinstance(exc, TrackFormatError):
        lead = _("This is not a GPX file we can read.")
    elif isinstance(exc, TrackTooFarError):
        lead = _("The track was recorded somewhere else, far from the tour.")
    elif isinstance(exc, TrackMissesStopError):
        lead = _(
            "The track does not pass every stop in order (within %(m)s m).",
            m=round(MATCH_LIMIT_M),
        )
    else:
        lead = _("The track cannot be used.")
    return f"{lead} ({exc})"


def _revision() -> int:
    state = state_of(db.session)
    return state.revision if state else 0


@bp.get("/")
def upload_form() -> str:
    """The upload form."""
    return render_template("guide/track_upload.html", error=None)


@bp.post("/")
def upload() -> ResponseReturnValue:
    """Read and match the track; keep it for review, or say what is wrong."""
    tour = refresh()
    size = request.content_length or 0
    if size > MAX_BYTES + FORM_OVERHEAD_BYTES:
        # Refused without reading the track. (The CSRF check may already have
        # parsed the form into a temporary file, which werkzeug deletes.) What is
        # left of the body is read and dropped, up to a bound, so that the browser,
        # still sending, gets this page rather than a reset connection.
        _drain(DRAIN_LIMIT_BYTES)
        error = TrackTooLargeError(
            f"the upload is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:g} MB"
        )
        return render_template("guide/track_upload.html", error=explain(error)), 413
    upload = request.files.get("track")
    try:
        if upload is None or not upload.filename:
            raise EmptyTrackError(_("no file was chosen"))
        data = upload.stream.read(MAX_BYTES + 1)
        track = read_track(data)
        result = match_track(
            track,
            [(stop.id, stop.lonlat) for stop in tour.stops],
            speed_kmh=tour.walking_speed_kmh,
        )
    except TrackError as exc:
        return render_template("guide/track_upload.html", error=explain(exc)), 422
    guide = current_guide()
    with write_transaction() as session:
        pending = TrackImport(
            tour_id=current_tour_id(),
            user_id=guide.id if guide else None,
            filename=Path(upload.filename or "track.gpx").name[:255],
            created_at=utcnow(),
            base_revision=_revision(),
            path_json=path_json(tour, result.legs),
            matches_json=json.dumps(
                [
                    {"stop": m.stop_id, "distance_m": round(m.distance_m, 1)}
                    for m in result.matches
                ]
            ),
        )
        session.add(pending)
        session.flush()
        pending_id = pending.id
    return redirect(url_for("track.review", import_id=pending_id), 303)


def _pending(import_id: int) -> TrackImport:
    pending = of_tour(db.session.get(TrackImport, import_id))
    if pending is None:
        abort(404, _("No such upload."))
    return pending


@bp.get("/<int:import_id>")
def review(import_id: int) -> str:
    """Compare the walked path with the current one before replacing it."""
    pending = _pending(import_id)
    tour = refresh()
    new_legs = legs_from_data(json.loads(pending.path_json), Path("upload"), tour.stops)
    names = {stop.id: pick(stop.name) for stop in tour.stops}
    rows = [
        {
            "from": names[new.from_id],
            "to": names[new.to_id],
            "old_m": old.length_m,
            "new_m": new.length_m,
            "new_s": new.duration_s,
        }
        for old, new in zip(tour.legs, new_legs, strict=True)
    ]
    map_data: dict[str, Any] = {
        "tileUrl": current_app.config["TILE_URL"],
        "old": [[[lat, lon] for lon, lat in leg.coords] for leg in tour.legs],
        "new": [[[lat, lon] for lon, lat in leg.coords] for leg in new_legs],
        "stops": [[s.lat, s.lon, pick(s.name)] for s in tour.stops],
    }
    return render_template(
        "guide/track_review.html",
        pending=pending,
        rows=rows,
        matches=[
            {"name": names.get(m["stop"], m["stop"]), "distance_m": m["distance_m"]}
            for m in json.loads(pending.matches_json)
        ],
        stale=pending.base_revision != _revision(),
        total_old=sum(leg.length_m for leg in tour.legs),
        total_new=sum(leg.length_m for leg in new_legs),
        map_data=map_data,
    )


@bp.post("/<int:import_id>/apply")
def apply(import_id: int) -> ResponseReturnValue:
    """Replace the tour's path with the reviewed track."""
    guide = current_guide()
    with write_transaction() as session:
        pending = of_tour(session.get(TrackImport, import_id))
        if pending is None:
            abort(404, _("No such upload."))
        state = state_of(session)
        revision = state.revision if state else 0
        if pending.applied_at is not None or pending.base_revision != revision:
            flash(
                _(
                    "Not replaced: the tour changed after this upload. Upload the"
                    " track again to review it against the current tour."
                )
            )
            return redirect(url_for("track.review", import_id=import_id), 303)
        order = [stop.id for stop in refresh().stops]
        bump_revision(
            session,
            guide.id if guide else None,
            order_json=json.dumps(order),
            path_json=pending.path_json,
        )
        pending.applied_at = utcnow()
    flash(_("The walked path now is the tour's path."))
    return redirect(url_for("track.review", import_id=import_id), 303)


@bp.post("/<int:import_id>/discard")
def discard(import_id: int) -> ResponseReturnValue:
    """Throw the upload away."""
    with write_transaction() as session:
        pending = of_tour(session.get(TrackImport, import_id))
        if pending is not None and pending.applied_at is None:
            session.delete(pending)
    flash(_("The upload was discarded; the path is unchanged."))
    return redirect(url_for("track.upload_form"), 303)
