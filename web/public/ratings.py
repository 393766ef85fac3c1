"""The walk's feedback API: ``POST /api/ratings`` and ``POST /api/walk-end``.

Anonymous and cookie-less, so there is no session a forged request could ride
on and no CSRF token to check (the walk page is one cached page for everyone);
instead a browser's request must come from this site (``Sec-Fetch-Site`` or
``Origin``), ratings must be JSON (which no cross-site form can send), and each
address is rate-limited (`web.services.security`).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import request
from flask_babel import gettext as _

from web import get_tour
from web.services import ratings
from web.services.links import public_base
from web.services.security import attempts_since
from web.services.security import client_address
from web.services.security import csrf
from web.services.security import record_attempt

log = logging.getLogger(__name__)

bp = Blueprint("ratings", __name__, url_prefix="/api")


@bp.post("/tours/<tour_id>/ratings")
@csrf.exempt
def rate() -> Response:
    """Store one phone's rating of a stop or of the walk (a second one replaces it)."""
    _from_this_site()
    if not request.is_json:
        abort(415, _("Send the rating as JSON."))
    _throttle()
    tour = get_tour()
    rating = ratings.parse_rating(_body(), tour)
    replaced = ratings.save_rating(tour.id, rating)
    return jsonify(ok=True, replaced=replaced)


@bp.post("/tours/<tour_id>/walk-end")
@csrf.exempt
def walk_end() -> Response:
    """Count where a self-guided walker got to: the stop index only, no position."""
    _from_this_site()
    _throttle()
    tour = get_tour()
    last, previous = ratings.parse_reach(_body(), tour)
    ratings.record_reach(tour.id, last, previous)
    return jsonify(ok=True)


def _body() -> dict[str, Any]:
    # sendBeacon posts text/plain: the same JSON object, read here.
    if request.is_json:
        body = request.get_json(silent=True)
    else:
        try:
            body = json.loads(request.get_data(cache=False, as_text=True))
        except (ValueError, RecursionError):
            body = None
    if not isinstance(body, dict):
        abort(400, _("Send the data as one JSON object."))
    return body


def _from_this_site() -> None:
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        abort(403, _("Ratings are taken from this site's walk page only."))
    origin = request.headers.get("Origin")
    if origin is not None and origin != "null":
        ours = {_origin(request.host_url), _origin(public_base())}
        if _origin(origin) not in ours:
            abort(403, _("Ratings are taken from this site's walk page only."))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _throttle() -> None:
    limit = int(current_app.config["RATINGS_PER_ADDRESS"])
    if not limit:
        return
    window = float(current_app.config["RATINGS_WINDOW_S"])
    count, wait = attempts_since("rating", client_address(), window)
    if count >= limit:
        log.info("rating refused: rate limit")
        abort(
            429,
            _(
                "Thank you, that is a lot of ratings from your connection. "
                "Please try again in %(n)s min.",
                n=max(1, round(wait / 60)),
            ),
        )
    record_attempt("rating", client_address())
