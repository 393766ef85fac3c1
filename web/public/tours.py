"""The site's front door: the list of tours, or the one tour itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from geo.tour import Tour
from web import get_tour
from web import public_tour_ids
from web.services import booking
from web.services.db import db
from web.services.i18n import pick
from web.services.models import SCHEDULED
from web.services.models import TourSession

bp = Blueprint("tours", __name__)


@bp.app_context_processor
def _several() -> dict[str, object]:
    return {"several_tours": lambda: len(public_tour_ids()) > 1}


@dataclass(frozen=True)
class TourCard:
    """What the list says of one tour."""

    tour: Tour
    pitch: str
    next_date: datetime | None


def pitch(tour: Tour, lang: str | None = None) -> str:
    """The tour's one-line pitch: the first sentence of its description."""
    first = pick(tour.description, lang).split("\n\n")[0].strip()
    for end in (". ", "! ", "? "):
        if end in first:
            return first.split(end)[0] + end.strip()
    return first


def next_dates() -> dict[str, datetime]:
    """Each tour's next scheduled date, by tour id."""
    rows = db.session.execute(
        select(TourSession.tour_id, TourSession.starts_at)
        .where(
            TourSession.status == SCHEDULED,
            TourSession.starts_at > booking.local_now(),
        )
        .order_by(TourSession.starts_at)
    )
    found: dict[str, datetime] = {}
    for tour_id, starts_at in rows:
        found.setdefault(tour_id, starts_at)
    return found


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the tours; with a single tour, open it (not permanently: a second
    tour makes this the list)."""
    tour_ids = public_tour_ids()
    if len(tour_ids) == 1:
        target = url_for("pages.index", tour_id=tour_ids[0])
        if request.query_string:  # ?lang=ru goes along
            target += "?" + request.query_string.decode("latin-1")
        return redirect(target, 302)
    dates = next_dates()
    cards = [
        TourCard(get_tour(tour_id), pitch(get_tour(tour_id)), dates.get(tour_id))
        for tour_id in tour_ids
    ]
    return render_template("public/tours.html", cards=cards)
