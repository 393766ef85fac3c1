"""Editing stops in the browser and setting their pins in the field.

Edits pass the same validation as ``tour_data/`` (`geo.loader.stop_from_feature`) and
carry the version the guide started from: a save over someone else's newer save is
refused with a conflict message, never silently overwritten. Field calibration keeps
an audit log (who, when, old and new position) and reroutes the legs at that stop.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from geo.distance import check_lonlat
from geo.distance import haversine_m
from geo.errors import BadCoordinateError
from geo.errors import TourDataError
from geo.errors import UnknownStopError
from geo.export import stop_to_feature
from geo.loader import stop_from_feature
from geo.tour import Stop
from web import current_tour_id
from web.guide.auth import current_guide
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import Calibration
from web.services.i18n import LANGUAGE_NAMES
from web.services.models import User
from web.services.models import utcnow
from web.services.tour_store import EditConflictError
from web.services.tour_store import base_tour
from web.services.tour_store import bump_revision
from web.services.tour_store import catalogue
from web.services.tour_store import field_verified
from web.services.tour_store import refresh
from web.services.tour_store import reroute_stop
from web.services.tour_store import save_stop
from web.services.tour_store import stop_version

bp = Blueprint("stops", __name__, url_prefix="/guide/tours/<tour_id>/stops")

GOOD_ACCURACY_M = 20.0
TEXT_FIELDS = ("name", "summary", "narrative")


def _stop(stop_id: str) -> Stop:
    for stop in catalogue():
        if stop.id == stop_id:
            return stop
    raise UnknownStopError(stop_id)


def _guide() -> tuple[int | None, str]:
    guide = current_guide()
    return (guide.id, guide.username) if guide else (None, "?")


@bp.get("/")
def index() -> str:
    """Every stop with its pin quality and links to edit and calibrate."""
    stops = catalogue()
    return render_template(
        "guide/stops.html",
        stops=stops,
        verified={stop.id: field_verified(stop.id) for stop in stops},
    )


# --- editing --------------------------------------------------------------------------


def form_values(stop: Stop) -> dict[str, Any]:
    """The edit form's fields for ``stop``."""
    languages = base_tour().languages
    values: dict[str, Any] = {
        "dwell_min": f"{stop.dwell_min:g}",
        "arrival_radius_m": f"{stop.arrival_radius_m:g}",
        "sources": "\n".join(f"{s.url} {s.title}" for s in stop.sources),
    }
    for lang in languages:
        for field in TEXT_FIELDS:
            values[f"{field}_{lang}"] = getattr(stop, field).get(lang, "")
        values[f"look_for_{lang}"] = "\n".join(stop.look_for.get(lang, ()))
        values[f"site_note_{lang}"] = (stop.site_note or {}).get(lang, "")
    return values


def _number(raw: str) -> float | str:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return raw
    return value if math.isfinite(value) else raw


def _sources(raw: str) -> list[dict[str, str]]:
    sources = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        url, _sep, title = line.partition(" ")
        sources.append({"url": url, "title": title.strip()})
    return sources


def feature_from_form(stop: Stop, form: dict[str, str]) -> dict[str, Any]:
    """The stop's Feature with the form's changes (not yet validated)."""
    languages = base_tour().languages
    feature = stop_to_feature(stop)
    props = feature["properties"]
    for field in TEXT_FIELDS:
        props[field] = {lang: form.get(f"{field}_{lang}", "") for lang in languages}
    props["look_for"] = {
        lang: [
            line.strip()
            for line in form.get(f"look_for_{lang}", "").splitlines()
            if line.strip()
        ]
        for lang in languages
    }
    notes = {lang: form.get(f"site_note_{lang}", "").strip() for lang in languages}
    if any(notes.values()):
        props["site_note"] = notes
    else:
        props.pop("site_note", None)
    props["dwell_min"] = _number(form.get("dwell_min", ""))
    props["arrival_radius_m"] = _number(form.get("arrival_radius_m", ""))
    props["sources"] = _sources(form.get("sources", ""))
    return feature


FIELD_LABELS = {
    "name": _l("Name"),
    "summary": _l("Summary (one line)"),
    "narrative": _l("Story (paragraphs separated by a blank line)"),
    "look_for": _l("What to look for (one per line)"),
    "site_note": _l("Site note (optional)"),
    "dwell_min": _l("Minutes at the stop"),
    "arrival_radius_m": _l("Arrival radius in metres (20–300)"),
    "sources": _l("Sources"),
}


def field_label(field: str) -> str:
    """The form label for a loader field name: 'name.ru' -> 'Name (Русский)'."""
    key = field.split(".")[0].split("[")[0]
    label = str(FIELD_LABELS.get(key, field))
    parts = field.split(".")
    if len(parts) == 2 and parts[1] in LANGUAGE_NAMES:
        label += f" ({LANGUAGE_NAMES[parts[1]]})"
    return f"{label} [{field}]"


@bp.route("/<stop_id>/edit", methods=["GET", "POST"])
def edit(stop_id: str) -> ResponseReturnValue:
    """Edit a stop's texts (every language), dwell, arrival radius and sources."""
    stop = _stop(stop_id)
    version = stop_version(stop_id)
    error = None
    status = 200
    values = form_values(stop)
    if request.method == "POST":
        values = dict(request.form)
        try:
            expected = int(request.form.get("version", ""))
        except ValueError:
            abort(400, _("The form is missing its version; reload the page."))
        feature = feature_from_form(stop, request.form.to_dict())
        try:
            edited = stop_from_feature(
                feature,
                base_tour().languages,
                path=Path("edit form"),
                index=stop.order,
            )
            with write_transaction() as session:
                save_stop(
                    session, edited, expected_version=expected, user_id=_guide()[0]
                )
                bump_revision(session, _guide()[0])
        except TourDataError as exc:
            error = _(
                "Not saved: %(field)s: %(problem)s",
                field=field_label(exc.field or ""),
                problem=exc.problem,
            )
            status = 422
        except EditConflictError as exc:
            error = _(
                "Not saved: someone else saved this stop while you were editing"
                " (now version %(n)s). Your text is still below: copy what you need,"
                " then reload the page to see their changes.",
                n=exc.current_version,
            )
            status = 409
        else:
            refresh()
            flash(_("Saved “%(name)s”.", name=edited.name.get("en", stop_id)))
            return redirect(url_for("stops.edit", stop_id=stop_id), 303)
        # The form keeps the version it started from: sending it again after a
        # conflict conflicts again, until the guide reloads and sees the change.
        version = expected
    return (
        render_template(
            "guide/stop_edit.html",
            stop=stop,
            values=values,
            version=version,
            error=error,
            languages=base_tour().languages,
        ),
        status,
    )


# --- field calibration ----------------------------------------------------------------

# Public text: the guide's name stays in the audit log, not on the stop page.
BASIS = {
    "en": "Field-verified by a guide on {date} from a phone's position (±{acc} m).",
    "ru": "Проверено гидом на месте {date} по координатам телефона (±{acc} м).",
}


@bp.get("/<stop_id>/calibrate")
def calibrate(stop_id: str) -> str:
    """Set the stop's pin from where the guide stands."""
    stop = _stop(stop_id)
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
    )


@bp.post("/<stop_id>/calibrate")
def set_position(stop_id: str) -> ResponseReturnValue:
    """Move the pin; worse than 20 m accuracy needs an explicit confirmation."""
    stop = _stop(stop_id)
    form = request.form
    try:
        lon, lat = check_lonlat(float(form["lon"]), float(form["lat"]))
        accuracy = float(form.get("accuracy", "nan"))
        expected = int(form.get("version", ""))
    except (BadCoordinateError, KeyError, ValueError):
        abort(400, _("No usable position was sent; try again."))
    if not math.isfinite(accuracy) or accuracy <= 0 or accuracy > 5000:
        abort(400, _("No usable position was sent; try again."))
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
        return redirect(url_for("stops.calibrate", stop_id=stop_id), 303)
    user_id = _guide()[0]
    date = utcnow().strftime("%Y-%m-%d")
    acc = round(accuracy)
    basis = {
        lang: BASIS.get(lang, BASIS["en"]).format(date=date, acc=acc)
        for lang in base_tour().languages
    }
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
        return redirect(url_for("stops.calibrate", stop_id=stop_id), 303)
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
    return redirect(url_for("stops.calibrate", stop_id=stop_id), 303)
