"""Setting a stop's pin in the field from the guide's phone.

A fix worse than 20 m needs an explicit confirmation. Every calibration is kept in
an audit log (who, when, old and new position), the stop's position says it was
field-verified, and the legs to and from the stop are rerouted.
"""

from __future__ import annotations

import math
from pathlib import Path

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
from sqlalchemy import select

from geo.distance import check_lonlat
from geo.distance import haversine_m
from geo.errors import BadCoordinateError
from geo.export import stop_to_feature
from geo.loader import stop_from_feature
from web import current_tour_id
from web.guide import current_guide
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import Calibration
from web.services.i18n import tour_time
from web.services.models import User
from web.services.models import utcnow
from web.services.params import db_int
from web.services.params import number
from web.services.tour_maker import GOOD_ACCURACY_M
from web.services.tour_maker import field_basis
from web.services.tour_store import EditConflictError
from web.services.tour_store import base_tour
from web.services.tour_store import bump_revision
from web.services.tour_store import catalogue_stop
from web.services.tour_store import field_verified
from web.services.tour_store import refresh
from web.services.tour_store import reroute_stop
from web.services.tour_store import save_stop
from web.services.tour_store import stop_version

bp = Blueprint("calibrate", __name__, url_prefix="/guide/tours/<tour_id>/stops")


def _user_id() -> int | None:
    guide = current_guide()
    return guide.id if guide else None


@bp.get("/<stop_id>/calibrate")
def form(stop_id: str) -> str:
    """Set the stop's pin from where the guide stands."""
    stop = catalogue_stop(stop_id)
    log = db.session.execute(
        select(Calibration, User.username)
        .outerjoin(User, User.id == Calibration.user_id)
        .where(Calibration.tour_id == current_tour_id(), Calibration.stop_id == stop_id)
        .order_by(Calibration.at.desc())
    ).all()
    return render_template(
        "guide/calibrate.html",
        stop=stop,
        version=stop_version(stop_id),
        verified=field_verified(stop_id),
        log=log,
        good_m=GOOD_ACCURACY_M,
        far_m=current_app.config["CALIBRATION_MAX_MOVE_M"],
    )


@bp.post("/<stop_id>/calibrate")
def set_position(stop_id: str) -> ResponseReturnValue:
    """Move the pin; worse than 20 m accuracy needs an explicit confirmation."""
    stop = catalogue_stop(stop_id)
    form = request.form
    try:
        lon, lat = check_lonlat(number(form["lon"]), number(form["lat"]))
        accuracy = number(form.get("accuracy", "nan"))
        expected = db_int(form.get("version", ""))
    except (BadCoordinateError, KeyError, ValueError):
        abort(400, _("No usable position was sent; try again."))
    if not math.isfinite(accuracy) or accuracy <= 0 or accuracy > 5000:
        abort(400, _("No usable position was sent; try again."))
    moved_m = haversine_m((stop.lon, stop.lat), (lon, lat))
    max_move_m = float(current_app.config["CALIBRATION_MAX_MOVE_M"])
    if moved_m > max_move_m and form.get("confirm_far") != "yes":
        # A fix from the wrong place (or a made-up one) would move the stop
        # across town: only when the guide says so.
        flash(
            _(
                "Not saved: that is %(d)s m from the pin (more than %(limit)s m)."
                " Check that you stand at the stop, or tick “move it this far”.",
                d=round(moved_m),
                limit=round(max_move_m),
            )
        )
        return redirect(url_for("calibrate.form", stop_id=stop_id), 303)
    confirmed = form.get("confirm_poor") == "yes"
    if accuracy > GOOD_ACCURACY_M and not confirmed:
        flash(
            _(
                "Not saved: the position is only accurate to %(acc)s m (worse than"
                " %(limit)s m). Wait for a better fix, or tick “use it anyway”.",
                acc=round(accuracy),
                limit=round(GOOD_ACCURACY_M),
            )
        )
        return redirect(url_for("calibrate.form", stop_id=stop_id), 303)
    user_id = _user_id()
    acc = round(accuracy)
    today = tour_time(utcnow()).date()
    basis = {lang: field_basis(lang, today, acc) for lang in base_tour().languages}
    feature = stop_to_feature(stop)
    feature["geometry"]["coordinates"] = [round(lon, 7), round(lat, 7)]
    feature["properties"]["position"] = {
        "quality": "firm",
        "error_m": max(1.0, round(accuracy, 1)),
        "basis": basis,
    }
    moved = stop_from_feature(
        feature, base_tour().languages, path=Path("calibration"), index=stop.order
    )
    tour = refresh()
    try:
        with write_transaction() as session:
            save_stop(
                session,
                moved,
                expected_version=expected,
                user_id=user_id,
                verified_accuracy_m=accuracy,
            )
            session.add(
                Calibration(
                    tour_id=current_tour_id(),
                    stop_id=stop_id,
                    user_id=user_id,
                    at=utcnow(),
                    old_lon=stop.lon,
                    old_lat=stop.lat,
                    new_lon=lon,
                    new_lat=lat,
                    accuracy_m=accuracy,
                    confirmed_poor=accuracy > GOOD_ACCURACY_M,
                )
            )
            in_route = any(s.id == stop_id for s in tour.stops)
            if in_route:
                reroute_stop(session, tour, moved, user_id)
            else:
                bump_revision(session, user_id)
    except EditConflictError as exc:
        flash(str(exc))
        return redirect(url_for("calibrate.form", stop_id=stop_id), 303)
    refresh()
    moved_m = haversine_m(stop.lonlat, (lon, lat))
    flash(
        _(
            "Pin set (moved %(m)s m, accuracy ±%(acc)s m); the walk to and from it"
            " was rerouted.",
            m=round(moved_m),
            acc=acc,
        )
    )
    return redirect(url_for("calibrate.form", stop_id=stop_id), 303)
