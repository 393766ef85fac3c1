"""Editing stops in the browser: texts in every language, dwell, radius, sources.

Edits pass the same validation as ``tour_data/`` (`geo.loader.stop_from_feature`) and
carry the version the guide started from: a save over someone else's newer save is
refused with a conflict message, never silently overwritten. Pins are set in the
field by `web.guide.calibrate`.
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

from geo.errors import TourDataError
from geo.export import stop_to_feature
from geo.loader import stop_from_feature
from geo.tour import Stop
from web.guide import current_guide
from web.services.db import write_transaction
from web.services.i18n import language_name
from web.services.tour_store import EditConflictError
from web.services.tour_store import base_tour
from web.services.tour_store import bump_revision
from web.services.tour_store import catalogue
from web.services.tour_store import catalogue_stop
from web.services.tour_store import field_verified
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
    if len(parts) == 2 and parts[1] in base_tour().languages:
        label += f" ({language_name(parts[1])})"
    return f"{label} [{field}]"


@bp.route("/<stop_id>/edit", methods=["GET", "POST"])
def edit(stop_id: str) -> ResponseReturnValue:
    """Edit a stop's texts (every language), dwell, arrival radius and sources."""
    stop = catalogue_stop(stop_id)
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
                    session, edited, expected_version=expected, user_id=_user_id()
                )
                bump_revision(session, _user_id())
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
