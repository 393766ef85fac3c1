"""Walk mode: the page that follows the walker, stop by stop, on the phone alone."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import url_for
from flask_babel import gettext as _

from geo.tour import Tour
from web import get_tour
from web.public.pages import drawn_map
from web.public.share import map_links
from web.services.http_cache import public_page
from web.services.i18n import current_lang
from web.services.i18n import pick

bp = Blueprint("walk", __name__)


def walk_data(tour: Tour, lang: str) -> dict[str, Any]:
    """What the page's script needs: stops, legs and the plan. No story text."""
    return {
        "tour": {
            "id": tour.id,
            "walking_speed_kmh": tour.walking_speed_kmh,
            "duration_min": tour.duration_min,
            "title": pick(tour.title, lang),
        },
        "stops": [
            {
                "id": stop.id,
                "order": stop.order,
                "kind": stop.kind,
                "name": pick(stop.name, lang),
                "lat": stop.lat,
                "lon": stop.lon,
                "radius_m": stop.arrival_radius_m,
                "dwell_min": stop.dwell_min,
                "url": url_for("pages.stop", stop_id=stop.id),
                "maps": map_links(stop.lat, stop.lon, pick(stop.name, lang)),
            }
            for stop in tour.stops
        ],
        "legs": [
            {
                "from": leg.from_id,
                "to": leg.to_id,
                "length_m": round(leg.length_m, 1),
                "coords": [[lat, lon] for lon, lat in leg.coords],
            }
            for leg in tour.legs
        ],
        "area": offline_area() if current_app.config["TILES_ALLOW_BULK"] else None,
    }


def offline_area() -> dict[str, Any]:
    """Where the tour-area tiles come from, for the "available offline" action."""
    config = current_app.config
    return {
        "tile_url": config["TILE_URL"],
        "subdomains": "abc" if "{s}" in config["TILE_URL"] else "",
        "zooms": list(config["OFFLINE_AREA_ZOOMS"]),
        "buffer_m": float(config["OFFLINE_AREA_BUFFER_M"]),
        "average_bytes": int(float(config["TILE_AVERAGE_KB"]) * 1024),
    }


def walk_strings() -> dict[str, str]:
    """Every sentence the walk script shows or speaks, in the page's language."""
    return {
        "next": _("Next: %(name)s"),
        "at_stop": _("You are at: %(name)s"),
        "arrived": _("Arrived at stop %(n)s: %(name)s."),
        "arrived_meeting": _("Arrived at the meeting point: %(name)s."),
        "target": _("Next stop %(n)s: %(name)s, %(distance)s %(direction)s."),
        "target_manual": _("Next stop %(n)s: %(name)s."),
        "finished": _("You have seen every stop. Thank you for walking with us!"),
        "finished_short": _("Walk complete"),
        "distance_m": _("%(n)s m"),
        "distance_km": _("%(n)s km"),
        "minutes": _("%(n)s min"),
        "hours": _("%(h)s h %(m)s min"),
        "hours_only": _("%(h)s h"),
        "eta": _("about %(time)s on foot"),
        "progress_stops": _("%(done)s of %(total)s stops"),
        "progress_walked": _("walked %(walked)s, %(left)s to go"),
        "coach_on_time": _("On schedule (plan: %(plan)s of walking and stops)."),
        "coach_ahead": _("%(n)s min ahead of schedule."),
        "coach_behind": _("%(n)s min behind schedule."),
        "coach_end": _("Expected end: %(time)s after the start, in a %(slot)s slot."),
        "coach_finished": _("Walk finished after %(time)s (plan: %(plan)s)."),
        "coach_hint_skip": _(
            "To catch up, keep the stops short or skip %(name)s "
            "(saves about %(n)s min)."
        ),
        "coach_hint_short": _("To catch up, keep the next stops short."),
        "coach_not_started": _(
            "The time plan starts when you reach the meeting point."
        ),
        "gps_waiting": _("Looking for your position…"),
        "gps_good": _("Position found, accurate to %(n)s m."),
        "gps_poor": _(
            "GPS is poor (±%(n)s m): your position is shown but will not trigger "
            "arrivals. Use the buttons if you need to."
        ),
        "gps_denied": _(
            "Location is off for this site. The walk still works: use Previous, "
            "Next and “I am here”."
        ),
        "gps_unavailable": _(
            "This device gives no position. Use Previous, Next and “I am here”."
        ),
        "gps_error": _("No position yet. Use the buttons, or wait in the open."),
        "paused": _("Position updates are off."),
        "dir_n": _("north"),
        "dir_ne": _("north-east"),
        "dir_e": _("east"),
        "dir_se": _("south-east"),
        "dir_s": _("south"),
        "dir_sw": _("south-west"),
        "dir_w": _("west"),
        "dir_nw": _("north-west"),
        "arrow_label": _("Direction to the next stop: %(direction)s"),
        "wake_on": _("Screen stays on"),
        "wake_off": _("Keep the screen on"),
        "wake_unsupported": _("This browser cannot keep the screen on."),
        "wake_failed": _("The screen could not be kept on."),
        "visited": _("visited"),
        "area_size": _(
            "The tour area is %(n)s map tiles, about %(mb)s MB. "
            "Save them on this phone?"
        ),
        "area_saving": _("Saving map tiles… %(done)s of %(total)s"),
        "area_saved": _("Saved %(n)s map tiles of the tour area."),
        "area_failed": _("Some map tiles could not be saved (%(n)s). Try again later."),
        "started": _("Walk started. Head for the meeting point."),
        "stopped": _("Walk paused. Your progress is kept on this phone."),
    }


@bp.get("/tours/<tour_id>/walk")
def walk() -> Response:
    """Guide the walker: where to go next, the story on arrival, the time plan."""
    tour = get_tour()
    lang = current_lang()
    return public_page(
        lambda: render_template(
            "public/walk.html",
            tour=tour,
            map=drawn_map("tour"),
            walk_data=walk_data(tour, lang),
            walk_strings=walk_strings(),
        )
    )
