"""Making a new tour in the guides' tools: its pins, its first files, its draft state.

A new tour is a folder in ``TOURS_FOLDER`` like an imported one (``tour.json``
and a ``stops.geojson`` of its meeting point and end), checked by the loader
exactly as at start-up. It starts as a draft (``tour_state.published`` false):
guides add stops (`web.services.tour_store.insert_before_end`), check it and
publish it.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update

from geo.distance import check_lonlat
from geo.errors import BadCoordinateError
from geo.export import dumps
from geo.loader import SLUG
from geo.loader import TOUR_FILE
from geo.loader import load_tour
from web import catalogue
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import Calibration
from web.services.guide_models import LiveWalk
from web.services.guide_models import RouteVariant
from web.services.guide_models import StopEdit
from web.services.guide_models import TourState
from web.services.guide_models import TrackImport
from web.services.media import delete_tour_media
from web.services.models import TourSession
from web.services.rating_models import Rating
from web.services.rating_models import StopReach
from web.services.tour_package import put_in_place
from web.services.tour_shelf import shelf
from web.services.tour_store import bump_revision
from web.services.tour_store import is_draft

# A phone's fix at least this good is a firm pin (the field calibration's rule).
GOOD_ACCURACY_M = 20.0
SOURCES = ("map", "gps")
# A new tour's meeting point and end: the check's smallest comfortable zone.
END_RADIUS_M = 65
END_DWELL_MIN = 5


class TourRefused(ValueError):
    """What a guide typed cannot make a tour or a stop; ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def field_basis(lang: str, day: date, accuracy_m: int) -> str:
    """A pin set on site from a phone, said in ``lang`` (public text: the guide's
    name stays in the calibration log, not on the stop page)."""
    with force_locale(lang):
        return _(
            "Field-verified by a guide on %(date)s"
            " from a phone's position (±%(acc)s m).",
            date=format_date(day, "long"),
            acc=accuracy_m,
        )


@dataclass(frozen=True)
class Pin:
    """A position a guide gave: tapped on the map, or the phone's GPS fix."""

    lon: float
    lat: float
    accuracy_m: float
    source: str  # "map" or "gps"

    def position(self, languages: Iterable[str]) -> dict[str, Any]:
        """The stop's ``position`` property: a good fix is firm, the rest estimates,
        and the basis says in each language how the pin was set."""
        error_m = max(1, round(self.accuracy_m))
        firm = self.source == "gps" and self.accuracy_m <= GOOD_ACCURACY_M
        basis = {}
        for lang in languages:
            if self.source == "gps":
                basis[lang] = field_basis(lang, date.today(), error_m)
                continue
            with force_locale(lang):
                basis[lang] = _(
                    "Placed by a guide on the map (about ±%(acc)s m),"
                    " not yet checked on site.",
                    acc=error_m,
                )
        return {
            "quality": "firm" if firm else "estimate",
            "error_m": error_m,
            "basis": basis,
        }


def pin_from_form(form: Mapping[str, str], which: str) -> Pin:
    """The pin ``which`` of a form (inputs ``<which>_lon``, ``_lat``, ``_accuracy_m``,
    ``_source``); a poor GPS fix needs ``<which>_confirm_poor``."""
    try:
        lon = float(form.get(f"{which}_lon", ""))
        lat = float(form.get(f"{which}_lat", ""))
        accuracy_m = float(form.get(f"{which}_accuracy_m", ""))
        lon, lat = check_lonlat(lon, lat)
        placed = form.get(f"{which}_source", "") in SOURCES
        placed = placed and math.isfinite(accuracy_m) and accuracy_m > 0
    except (ValueError, BadCoordinateError):
        placed = False
    if not placed:
        raise TourRefused(
            _("Place the pin: tap the map where it goes, or use your position."),
            f"{which}_map",
        )
    source = form[f"{which}_source"]
    accuracy_m = min(accuracy_m, 5000.0)
    poor = source == "gps" and accuracy_m > GOOD_ACCURACY_M
    if poor and form.get(f"{which}_confirm_poor") != "yes":
        raise TourRefused(
            _(
                "Accuracy worse than %(m)s m: the pin could land in the wrong place.",
                m=round(GOOD_ACCURACY_M),
            )
            + " "
            + _("Tick “Use it anyway”, or place the pin on the map."),
            f"{which}_map",
        )
    return Pin(lon, lat, accuracy_m, source)


def slug(text: str) -> str:
    """A URL-safe id from a name.

    >>> slug("Old Town: the Walk!"), slug("Ülkü Çeşme"), slug("Фабрика")
    ('old-town-the-walk', 'ulku-cesme', '')
    """
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:48].strip("-")


def free_id(name: str, taken: Iterable[str], fallback: str) -> str:
    """A slug of ``name`` that is not ``taken`` (``fallback`` when it has none).

    >>> free_id("Cloth factory", ["cloth-factory"], "stop")
    'cloth-factory-2'
    >>> free_id("Фабрика", [], "stop")
    'stop'
    """
    base = slug(name) or fallback
    used = set(taken)
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def end_stop_texts(languages: Iterable[str], meta: Mapping[str, Any]) -> dict[str, str]:
    """The meeting point's and the end's names, summaries and stories, from the
    tour's own texts (the guide edits them like any stop afterwards)."""
    texts: dict[str, str] = {}
    for lang in languages:
        with force_locale(lang):
            texts[f"meeting.name.{lang}"] = _("Meeting point")
            texts[f"end.name.{lang}"] = _("End of the walk")
        texts[f"meeting.summary.{lang}"] = meta["meeting_point"][lang]
        texts[f"meeting.narrative.{lang}"] = meta["meeting_directions"][lang]
        texts[f"end.summary.{lang}"] = meta["end_point"][lang]
        texts[f"end.narrative.{lang}"] = meta["end_point"][lang]
    return texts


def _end_feature(
    which: str,
    order: int,
    pin: Pin,
    languages: list[str],
    texts: Mapping[str, str],
    sources: list[dict[str, str]],
) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": which,
        "order": order,
        "kind": "meeting" if which == "meeting" else "end",
    }
    for field in ("name", "summary", "narrative"):
        props[field] = {lang: texts[f"{which}.{field}.{lang}"] for lang in languages}
    props.update(
        look_for={lang: [] for lang in languages},
        dwell_min=END_DWELL_MIN,
        arrival_radius_m=END_RADIUS_M,
        position=pin.position(languages),
        sources=sources,
    )
    return {
        "type": "Feature",
        "id": which,
        "geometry": {"type": "Point", "coordinates": [pin.lon, pin.lat]},
        "properties": props,
    }


def make_tour(
    tour_id: str,
    meta: dict[str, Any],
    start: Pin,
    end: Pin,
    user_id: int | None,
) -> str:
    """Make the draft tour ``tour_id`` from ``meta`` (tour.json's fields, plus
    ``end_point``) and its two pins; return its id.

    Raises
    ------
    TourRefused
        For an id that is taken or unusable.
    TourDataError
        When the loader refuses the files (naming the field); nothing is kept.
    """
    if not SLUG.match(tour_id):
        raise TourRefused(
            _("Use a–z, 0–9 and - in the web address, e.g. old-town."), "tour_id"
        )
    root = shelf().imported
    if tour_id in catalogue().tours or (root / tour_id).exists():
        raise TourRefused(
            _("There is already a tour at /tours/%(id)s/: choose another address.")
            % {"id": tour_id},
            "tour_id",
        )
    languages = list(meta["languages"])
    texts = end_stop_texts(languages, meta)
    tour_meta = {key: value for key, value in meta.items() if key != "end_point"}
    stops = [
        _end_feature("meeting", 0, start, languages, texts, meta["sources"]),
        _end_feature("end", 1, end, languages, texts, meta["sources"]),
    ]
    root.mkdir(parents=True, exist_ok=True)
    # Beside the tours (one rename puts it in place), hidden by its leading dot.
    scratch = Path(tempfile.mkdtemp(prefix=".new-", dir=root))
    try:
        folder = scratch / tour_id
        folder.mkdir()
        (folder / "tour.json").write_text(dumps(tour_meta), encoding="utf-8")
        (folder / "stops.geojson").write_text(
            dumps({"type": "FeatureCollection", "features": stops}), encoding="utf-8"
        )
        load_tour(folder)  # exactly as at start-up; TourDataError names the field
        # The draft row first: the tour is never on the site unpublished-but-public.
        with write_transaction() as session:
            bump_revision(session, user_id, tour_id=tour_id, published=False)
        try:
            put_in_place(folder, root / tour_id)
        except BaseException:
            with write_transaction() as session:
                session.execute(delete(TourState).where(TourState.tour_id == tour_id))
            raise
        shelf().changed()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return tour_id


# The rows a deleted draft leaves behind (its dates are never deleted here).
DRAFT_ROWS = (StopEdit, Calibration, TrackImport, LiveWalk, Rating, StopReach)


def delete_draft(tour_id: str) -> None:
    """Remove a draft made or imported here: its folder, media and rows.

    Raises
    ------
    TourRefused
        For a published tour, a shipped one, or a draft with dates (dates and
        registrations are never deleted with a tour).
    """
    if not is_draft(tour_id):
        raise TourRefused(_("Only a draft can be deleted: unpublish the tour first."))
    folder = shelf().imported / tour_id
    if not (folder / TOUR_FILE).is_file():
        raise TourRefused(
            _("This tour ships with the site (tour_data/): it cannot be deleted here.")
        )
    dated = db.session.execute(
        select(TourSession.id).where(TourSession.tour_id == tour_id).limit(1)
    ).first()
    if dated is not None:
        raise TourRefused(
            _("This draft has dates: delete them first (Tour dates and registrations).")
        )
    gone = folder.with_name(f".gone-{tour_id}-{uuid.uuid4().hex}")
    # Out of the catalogue of every worker first: with its state row gone and the
    # tour still loaded, another worker would take it for a published tour.
    os.replace(folder, gone)
    shelf().changed()
    try:
        with write_transaction() as session:
            for model in DRAFT_ROWS:
                session.execute(delete(model).where(model.tour_id == tour_id))
            session.execute(
                update(TourState)
                .where(TourState.tour_id == tour_id)
                .values(published_variant_id=None)
            )
            session.execute(delete(RouteVariant).where(RouteVariant.tour_id == tour_id))
            session.execute(delete(TourState).where(TourState.tour_id == tour_id))
    except BaseException:
        os.replace(gone, folder)
        shelf().changed()
        raise
    delete_tour_media(tour_id)
    shutil.rmtree(gone, ignore_errors=True)
