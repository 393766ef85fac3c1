"""Editing stops in the browser: texts in every language, dwell, radius, sources.

Edits pass the same validation as ``tour_data/`` (`geo.loader.stop_from_feature`) and
carry the version the guide started from: a save over someone else's newer save is
refused with a conflict message, never silently overwritten. Pins are set in the
field by `web.guide.calibrate`.
"""

from __future__ import annotations

import math
import re
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
from flask_babel import force_locale
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from geo.errors import TourDataError
from geo.export import stop_to_feature
from geo.loader import stop_from_feature
from geo.tour import Stop
from geo.tour import Tour
from web.guide import current_guide
from web.services.db import write_transaction
from web.services.i18n import language_name
from web.services.i18n import pick
from web.services.params import db_int
from web.services.tour_maker import TourRefused
from web.services.tour_maker import free_id
from web.services.tour_maker import pin_from_form
from web.services.tour_store import EditConflictError
from web.services.tour_store import base_tour
from web.services.tour_store import bump_revision
from web.services.tour_store import catalogue
from web.services.tour_store import catalogue_stop
from web.services.tour_store import field_verified
from web.services.tour_store import insert_before_end
from web.services.tour_store import is_draft
from web.services.tour_store import refresh
from web.services.tour_store import save_stop
from web.services.tour_store import stop_version

bp = Blueprint("stops", __name__, url_prefix="/guide/tours/<tour_id>/stops")

TEXT_FIELDS = ("name", "summary", "narrative")


def _user_id() -> int | None:
    guide = current_guide()
    return guide.id if guide else None


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
        "sources": "\n".join(f"{s.url or ''} {s.title}".strip() for s in stop.sources),
    }
    for lang in languages:
        for field in TEXT_FIELDS:
            values[f"{field}_{lang}"] = getattr(stop, field).get(lang, "")
        values[f"look_for_{lang}"] = "\n".join(stop.look_for.get(lang, ()))
        values[f"site_note_{lang}"] = (stop.site_note or {}).get(lang, "")
    return values


def form_number(raw: str) -> float | str:
    """A number typed in a form (a decimal comma too); the text itself if it is
    none, for the loader to explain."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return raw
    return value if math.isfinite(value) else raw


def form_sources(raw: str) -> list[dict[str, str]]:
    """Sources typed one per line: the web address, a space, the title."""
    sources = []
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if not line.startswith(("http://", "https://")):
            # A source known only by name: the whole line is its title.
            sources.append({"title": line})
            continue
        url, _sep, title = line.partition(" ")
        sources.append({"url": url, "title": title.strip()})
    return sources


def feature_from_form(stop: Stop, form: dict[str, str]) -> dict[str, Any]:
    """The stop's Feature with the form's changes (not yet validated)."""
    return apply_form(stop_to_feature(stop), form)


def apply_form(feature: dict[str, Any], form: dict[str, str]) -> dict[str, Any]:
    """``feature`` with the stop form's texts, dwell, radius and sources."""
    languages = base_tour().languages
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
    props["dwell_min"] = form_number(form.get("dwell_min", ""))
    props["arrival_radius_m"] = form_number(form.get("arrival_radius_m", ""))
    props["sources"] = form_sources(form.get("sources", ""))
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


# Short names of the text fields, for messages about them.
FIELD_NAMES = {
    "name": _l("Name"),
    "summary": _l("Summary"),
    "narrative": _l("Story"),
    "look_for": _l("What to look for"),
    "site_note": _l("Site note"),
}


def field_label(field: str) -> str:
    """The form label for a loader field name: 'name.ru' -> 'Name (Русский)'."""
    key = field.split(".")[0].split("[")[0]
    label = str(FIELD_LABELS.get(key, field))
    parts = field.split(".")
    if len(parts) == 2 and parts[1] in base_tour().languages:
        label += f" ({language_name(parts[1])})"
    return label


def field_input(field: str) -> str | None:
    """The id of the form input a loader field comes from: 'name.ru' -> 'name_ru'."""
    key = field.split(".")[0].split("[")[0]
    if key in ("dwell_min", "arrival_radius_m", "sources"):
        return key
    parts = field.split(".")
    if key in FIELD_LABELS and len(parts) == 2:
        return f"{key}_{parts[1]}"
    return None


def _number_text(value: object) -> str:
    return str(format_decimal(value)) if isinstance(value, int | float) else "?"


def explain(exc: TourDataError) -> str:
    """What is wrong with the form, as a person would say it."""
    field = exc.field or ""
    key = field.split(".")[0].split("[")[0]
    low = _number_text(exc.params.get("low"))
    high = _number_text(exc.params.get("high"))
    if key == "arrival_radius_m":
        if exc.code == "out_of_range":
            return _(
                "The arrival radius must be between %(low)s and %(high)s m.",
                low=low,
                high=high,
            )
        return _("Give the arrival radius as a number of metres, e.g. 40.")
    if key == "dwell_min":
        if exc.code == "out_of_range":
            return _(
                "The time at the stop must be between %(low)s and %(high)s minutes.",
                low=low,
                high=high,
            )
        return _("Give the time at the stop as a number of minutes, e.g. 5.")
    if key == "sources":
        index = re.search(r"\[(\d+)\]", field)
        number = int(index[1]) + 1 if index else 1
        if exc.code == "not_url":
            return _(
                "Source %(n)s does not start with a web address (https://…): write"
                " the address first, then a space and the title.",
                n=number,
            )
        if exc.code == "no_url":
            return _(
                "At least one source needs its web address (https://…): write the"
                " address first, then a space and the title. A source without an"
                " address is written as its title alone."
            )
        if field.endswith(".title"):
            return _(
                "Source %(n)s has no title: write it after the web address, with a"
                " space between.",
                n=number,
            )
        return _("Give at least one source: its web address, a space, then its title.")
    parts = field.split(".")
    if exc.code in ("empty", "missing") and key in FIELD_NAMES and len(parts) == 2:
        return _(
            "The “%(field)s” field (%(language)s) is empty; every language needs it.",
            field=FIELD_NAMES[key],
            language=language_name(parts[1]),
        )
    return _("%(field)s: %(problem)s", field=field_label(field), problem=exc.problem)


def _preview(stop: Stop) -> dict[str, Markup]:
    """The stop's public page, per language, as it would read after saving."""
    tour = refresh()
    in_route = any(s.id == stop.id for s in tour.stops)
    previous = tour.neighbours(stop.id)[0] if in_route else None
    pages = {}
    for lang in base_tour().languages:
        with force_locale(lang):
            pages[lang] = Markup(
                render_template(
                    "partials/story.html",
                    tour=tour,
                    stop=stop,
                    leg=tour.leg_to(stop.id) if in_route else None,
                    previous=previous,
                    story_tools=False,
                    story_level=3,
                    story_prefix=f"preview-{lang}-",
                )
            )
    return pages


@bp.route("/<stop_id>/edit", methods=["GET", "POST"])
def edit(stop_id: str) -> ResponseReturnValue:
    """Edit a stop's texts (every language), dwell, arrival radius and sources.

    "Preview" validates the form and shows the public page as it would read,
    saving nothing; "Save" stores it.
    """
    stop = catalogue_stop(stop_id)
    version = stop_version(stop_id)
    error = None
    error_input = None
    preview = None
    status = 200
    values = form_values(stop)
    if request.method == "POST":
        values = dict(request.form)
        try:
            expected = db_int(request.form.get("version", ""))
        except ValueError:
            abort(400, _("The form is missing its version; reload the page."))
        feature = feature_from_form(stop, request.form.to_dict())
        try:
            edited = stop_from_feature(
                feature,
                base_tour().languages,
                path=Path("edit form"),
                index=stop.order,
                tour=base_tour(),
            )
            if request.form.get("action") == "preview":
                preview = _preview(edited)
            else:
                with write_transaction() as session:
                    save_stop(
                        session, edited, expected_version=expected, user_id=_user_id()
                    )
                    bump_revision(session, _user_id())
        except TourDataError as exc:
            error = explain(exc)
            error_input = field_input(exc.field or "")
            status = 422
        except EditConflictError as exc:
            error = _(
                "Someone else saved this stop while you were editing"
                " (now version %(n)s). Your text is still below: copy what you need,"
                " then reload the page to see their changes.",
                n=exc.current_version,
            )
            status = 409
        else:
            if preview is None:
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
            error_input=error_input,
            preview=preview,
            languages=base_tour().languages,
        ),
        status,
    )


# --- adding -----------------------------------------------------------------------


def _new_values(tour: Tour) -> dict[str, Any]:
    values: dict[str, Any] = {
        "dwell_min": "5",
        "arrival_radius_m": "65",
        # The tour's sources to start from: most stops of a walk share some.
        "sources": "\n".join(f"{s.url or ''} {s.title}".strip() for s in tour.sources),
    }
    for lang in tour.languages:
        for field in (*TEXT_FIELDS, "look_for", "site_note"):
            values[f"{field}_{lang}"] = ""
    return values


def picker_data(tour: Tour) -> dict[str, Any]:
    """What the pin picker's map needs: where to look, the stops placed so far."""
    (lon1, lat1), (lon2, lat2) = tour.stops[0].lonlat, tour.stops[-1].lonlat
    return {
        # Between the meeting point and the end: where a new stop usually goes.
        "center": {"lat": (lat1 + lat2) / 2, "lon": (lon1 + lon2) / 2},
        "stops": [
            {"lat": stop.lonlat[1], "lon": stop.lonlat[0], "name": pick(stop.name)}
            for stop in tour.stops
        ],
    }


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Add a stop: its pin (tapped on the map or the phone's position) and texts.

    In a draft tour it is walked last before the end, its legs routed; in a
    published tour it joins the catalogue for the planner, and guests see it
    only once a plan with it is published.
    """
    tour = refresh()
    draft = is_draft(tour.id)
    values = _new_values(tour)
    error = error_input = None
    status = 200
    if request.method == "POST":
        form = request.form.to_dict()
        values = dict(form)
        taken = [stop.id for stop in catalogue()]
        stop_id = free_id(form.get("name_en", ""), taken, "stop")
        try:
            pin = pin_from_form(form, "pin")
            feature = {
                "type": "Feature",
                "id": stop_id,
                "geometry": {"type": "Point", "coordinates": [pin.lon, pin.lat]},
                "properties": {
                    "id": stop_id,
                    "order": len(taken),
                    "kind": "stop",
                    "position": pin.position(tour.languages),
                },
            }
            added = stop_from_feature(
                apply_form(feature, form),
                tour.languages,
                path=Path("new stop form"),
                index=len(taken),
                tour=base_tour(),
            )
            with write_transaction() as session:
                verified = pin.accuracy_m if pin.source == "gps" else None
                save_stop(
                    session,
                    added,
                    expected_version=0,
                    user_id=_user_id(),
                    verified_accuracy_m=verified,
                )
                if draft:
                    insert_before_end(session, tour, added, _user_id())
                else:
                    bump_revision(session, _user_id())
        except TourRefused as exc:
            error, error_input, status = str(exc), exc.field, 422
        except TourDataError as exc:
            error, error_input, status = explain(exc), field_input(exc.field or ""), 422
        except EditConflictError:
            error = _("Someone added a stop of that name just now: save again.")
            status = 409
        else:
            refresh()
            name = pick(added.name)
            if draft:
                flash(_("Added “%(name)s” before the end of the walk.", name=name))
                return redirect(url_for("stops.new"), 303)
            flash(
                _(
                    "Added “%(name)s” to the stops. Guests see it once a plan with"
                    " it is published: add it in the planner.",
                    name=name,
                )
            )
            return redirect(url_for("planner.plan"), 303)
    return (
        render_template(
            "guide/stop_new.html",
            tour=tour,
            draft=draft,
            values=values,
            error=error,
            error_input=error_input,
            languages=tour.languages,
            picker=picker_data(tour),
        ),
        status,
    )
