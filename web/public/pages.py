"""Pages for people: the map, a story per stop, and what to know before coming."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import url_for
from flask_babel import gettext as _

from geo.mapping import MapParts
from geo.mapping import StopLink
from geo.mapping import build_map
from geo.mapping import build_meeting_map
from geo.mapping import render_parts
from web import get_tour
from web.public import maps
from web.public.assets import map_assets
from web.services.http_cache import public_page
from web.services.i18n import current_lang
from web.services.tour_store import tour_revision

bp = Blueprint("pages", __name__)


def stop_links() -> dict[str, StopLink]:
    """Each stop's page, as a marker popup links to it."""
    return {
        stop.id: StopLink(url_for("pages.stop", stop_id=stop.id), _("Read the story"))
        for stop in get_tour().stops
    }


# Two kinds of map in each language of the current revision, with room to spare.
MAP_CACHE_SIZE = 16


def drawn_map(kind: str) -> MapParts:
    """The tour's map (``"tour"``) or the meeting point's (``"meeting"``), drawn.

    Each is drawn once per language and revision of the tour (guides may publish
    a new route: web/services/tour_store.py); folium rendering costs tens of ms.
    """
    lang = current_lang()
    cache: dict[tuple[str, str, str, int], MapParts] = (
        current_app.extensions.setdefault("map_cache", {})
    )
    tour = get_tour()
    key = (tour.id, kind, lang, tour_revision(tour.id))
    if key not in cache:
        if len(cache) >= MAP_CACHE_SIZE:
            cache.clear()  # older revisions: bounded, not kept forever
        assets, tile_url, links = (
            map_assets(),
            current_app.config["TILE_URL"],
            stop_links(),
        )
        if kind == "tour":
            fmap = build_map(tour, lang, assets=assets, tile_url=tile_url, links=links)
        else:
            fmap = build_meeting_map(
                tour,
                lang,
                assets=assets,
                tile_url=tile_url,
                links=links,
                landmark_id=tour.stops[-1].id,
            )
        cache[key] = render_parts(fmap)
    return cache[key]


maps.register("tour", lambda: drawn_map("tour"))
maps.register("meeting", lambda: drawn_map("meeting"))


def _dates_ttl_s() -> float:
    # Pages showing tour dates and seats are rendered again after this long.
    return float(current_app.config["NEXT_DATE_TTL_S"])


@bp.get("/tours/<tour_id>/")
def index() -> Response:
    """Show what the walk is, the next date, the map and the stops in order."""
    return public_page(
        lambda: render_template(
            "public/map.html", tour=get_tour(), map=drawn_map("tour")
        ),
        ttl_s=_dates_ttl_s(),
    )


@bp.get("/tours/<tour_id>/stops/<stop_id>")
def stop(stop_id: str) -> Response:
    """Tell the story of one stop."""
    tour = get_tour()
    current = tour.stop(stop_id)  # an unknown stop is a 404 before anything is kept
    previous, following = tour.neighbours(stop_id)
    return public_page(
        lambda: render_template(
            "public/stop.html",
            tour=tour,
            stop=current,
            previous=previous,
            following=following,
            leg=tour.leg_to(stop_id),
        )
    )


@bp.get("/tours/<tour_id>/about")
def about() -> Response:
    """Tell guests everything they need before they come."""
    return public_page(
        lambda: render_template(
            # dates/about.html fills the page's blocks with the next tour dates.
            "public/dates/about.html",
            tour=get_tour(),
            map=drawn_map("meeting"),
        ),
        ttl_s=_dates_ttl_s(),
    )
