"""The guides' page of walkers' feedback: ratings per stop and for the walk,
their comments, and where self-guided walkers stopped following."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template

from web import get_tour
from web.services import ratings

bp = Blueprint("guide_ratings", __name__, url_prefix="/guide")


@bp.get("/tours/<tour_id>/ratings")
def index() -> str:
    """Count, average, distribution and comments (newest first) per stop."""
    tour = get_tour()
    reach = ratings.reach_counts(tour.id)
    return render_template(
        "guide/ratings.html",
        tour=tour,
        stops={stop.id: stop for stop in tour.stops},
        summaries=ratings.summaries(tour),
        scores=list(ratings.SCORES),
        reach=[(stop, reach.get(index, 0)) for index, stop in enumerate(tour.stops)],
        reach_total=sum(reach.values()),
    )
