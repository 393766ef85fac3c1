"""iCalendar (.ics) files for tour dates and events, with location and GEO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event as IcsEvent

PRODID = "-//Interhelpo walk//tour dates//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What one VEVENT says. Times are naive local times in ``timezone``."""

    uid: str
    summary: str
    start: datetime
    end: datetime | None
    timezone: str
    description: str = ""
    location: str = ""
    latlon: tuple[float, float] | None = None
    url: str | None = None
    all_day: bool = False


def to_ics(entry: CalendarEntry) -> bytes:
    """Render one entry as a calendar file; timed events are written in UTC.

    Examples
    --------
    >>> entry = CalendarEntry(uid="s1@walk", summary="Walk",
    ...     start=datetime(2030, 5, 4, 10, 0), end=datetime(2030, 5, 4, 12, 0),
    ...     timezone="Asia/Bishkek", location="Corner", latlon=(42.87, 74.55))
    >>> ics = to_ics(entry).decode()
    >>> "DTSTART:20300504T040000Z" in ics, "GEO:42.87;74.55" in ics
    (True, True)
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = IcsEvent()
    event.add("uid", entry.uid)
    event.add("dtstamp", datetime.now(UTC).replace(microsecond=0))
    event.add("summary", entry.summary)
    if entry.all_day:
        first: date = entry.start.date()
        last: date = (entry.end or entry.start).date()
        event.add("dtstart", first)
        event.add("dtend", last + timedelta(days=1))
    else:
        zone = ZoneInfo(entry.timezone)
        event.add("dtstart", _utc(entry.start, zone))
        if entry.end is not None:
            event.add("dtend", _utc(entry.end, zone))
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.latlon is not None:
        event.add("geo", entry.latlon)
    if entry.url:
        event.add("url", entry.url)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    return local.replace(tzinfo=zone).astimezone(UTC)
