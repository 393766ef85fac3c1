"""Other events in Bishkek: from ``tour_data/events.json`` and added by guides.

Upcoming events come first; past ones sit behind a toggle. Each has a
calendar file. Venues whose position is known (from a source, or given by the
guide who added the event) appear on a small map; the others get no pin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from geo.events import Event
from geo.events import load_events
from geo.ical import CalendarEntry
from geo.ical import to_ics
from geo.mapping import MapParts
from geo.mapping import render_parts
from geo.venue_map import Venue
from geo.venue_map import build_venue_map
from web import get_tour
from web.public import maps
from web.public.assets import map_assets
from web.public.dates import ics_response
from web.services.booking import local_now
from web.services.db import db
from web.services.i18n import pick
from web.services.links import external_url
from web.services.models import GuideEvent

bp = Blueprint("events", __name__)


@dataclass(frozen=True)
class EventView:
    """An event as the page shows it, whichever its origin."""

    id: str
    title: str
    venue: str | None
    start: datetime
    end: datetime | None
    all_day: bool
    approximate: bool
    date_note: str | None
    description: str
    link: str | None
    latlon: tuple[float, float] | None
    added_by_guide: bool

    def is_past(self, now: datetime) -> bool:
        """Whether it is over."""
        if self.all_day:
            last = (self.end or self.start).date()
            return last < now.date()
        return (self.end or self.start) <= now


def init_app(app: Flask) -> None:
    """Read the events file once (a mistake stops the start-up) and add the pages."""
    tour = app.extensions["tour"]
    path = Path(app.config["TOUR_DATA"]) / "events.json"
    app.extensions["events"] = load_events(path, tour.languages)
    app.register_blueprint(bp)


def event_title(title: str | None, venue: str | None) -> str:
    """The event's own title; without one, say so and name the venue instead."""
    if title:
        return title
    if venue:
        return _("Untitled event at %(venue)s", venue=venue)
    return _("Untitled event")


def _from_file(event: Event) -> EventView:
    return EventView(
        id=event.id,
        title=event_title(event.title, event.venue),
        venue=event.venue,
        start=event.start,
        end=event.end,
        all_day=event.all_day,
        approximate=event.approximate,
        date_note=pick(event.date_note) if event.date_note else None,
        description=pick(event.description),
        link=event.link,
        latlon=(event.lonlat[1], event.lonlat[0]) if event.lonlat else None,
        added_by_guide=False,
    )


def _from_guide(event: GuideEvent) -> EventView:
    has_position = event.lat is not None and event.lon is not None
    return EventView(
        id=f"guide-{event.id}",
        title=event.title,
        venue=event.venue or None,
        start=event.starts_at,
        end=event.ends_at,
        all_day=False,
        approximate=False,
        date_note=None,
        description=event.description or "",
        link=event.link,
        latlon=(event.lat, event.lon) if has_position else None,  # type: ignore[arg-type]
        added_by_guide=True,
    )


def all_events() -> list[EventView]:
    """Every event, from the file and from guides."""
    events = [_from_file(e) for e in current_app.extensions["events"]]
    events += [_from_guide(e) for e in db.session.scalars(select(GuideEvent))]
    return events


def _sorted_events() -> tuple[list[EventView], list[EventView]]:
    now = local_now()
    events = all_events()
    upcoming = sorted((e for e in events if not e.is_past(now)), key=lambda e: e.start)
    past = sorted(
        (e for e in events if e.is_past(now)), key=lambda e: e.start, reverse=True
    )
    return upcoming, past


def venue_map() -> MapParts | None:
    """The map of every event's venue, or None when no event has a position."""
    upcoming, past = _sorted_events()
    return _venue_map(upcoming + past)


def _venue_map(events: list[EventView]) -> MapParts | None:
    venues = [
        Venue(latlon=e.latlon, label=f"{e.title} · {e.venue or ''}".strip(" ·"))
        for e in events
        if e.latlon is not None
    ]
    if not venues:
        return None
    fmap = build_venue_map(
        venues,
        assets=map_assets(),
        tile_url=current_app.config["TILE_URL"],
        attribution=get_tour().attribution,
    )
    return render_parts(fmap)


maps.register("venues", venue_map)


@bp.get("/events")
def index() -> Response:
    """List events in town: upcoming first, past behind a toggle."""
    upcoming, past = _sorted_events()
    page = render_template(
        "public/events/index.html",
        upcoming=upcoming,
        past=past,
        map=_venue_map(upcoming + past),
    )
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/events/<event_id>.ics")
def event_ics(event_id: str) -> Response:
    """One event for a calendar app."""
    event = next((e for e in all_events() if e.id == event_id), None)
    if event is None:
        abort(404, _("There is no such event."))
    description = event.description
    if event.date_note:
        description = f"{event.date_note}\n\n{description}"
    entry = CalendarEntry(
        uid=f"event-{event.id}@{get_tour().id}",
        summary=event.title,
        start=event.start,
        end=event.end,
        timezone=get_tour().time_zone,
        description=description,
        location=event.venue or "",
        latlon=event.latlon,
        url=event.link or external_url("events.index"),
        all_day=event.all_day,
    )
    return ics_response(to_ics(entry), f"{event.id}.ics")
