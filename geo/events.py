"""Other events in town, read from ``tour_data/events.json`` and validated.

Times are local wall-clock times in the tour's city. A start given as a date
alone (``"2019-11-01"``) makes an all-day event; ``approximate`` marks dates
the sources do not pin down, with ``date_note`` saying what is known.

A title and a venue are names, kept as the listing gives them (one string, the
same in every language). Either may be missing, not both: an event without a
title is shown by its venue and time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from geo.distance import LonLat
from geo.loader import SLUG
from geo.loader import Fields
from geo.loader import read_json
from geo.tour import Source
from geo.tour import Text

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


@dataclass(frozen=True)
class Event:
    """One event: its names, texts by language, local start/end, venue position."""

    id: str
    title: str | None
    venue: str | None
    start: datetime
    end: datetime | None
    all_day: bool
    approximate: bool
    date_note: Text | None
    description: Text
    link: str | None
    lonlat: LonLat | None
    sources: tuple[Source, ...]

    @property
    def last_moment(self) -> datetime:
        """When the event is over: its end, or the end of its start day.

        Examples
        --------
        >>> e = Event("x", "X", None, datetime(2019, 11, 1), None, True, False, None,
        ...           {}, None, None, ())
        >>> e.last_moment
        datetime.datetime(2019, 11, 2, 0, 0)
        """
        if self.end is not None:
            return self.end + timedelta(days=1) if self.all_day else self.end
        day = datetime.combine(self.start.date(), datetime.min.time())
        return day + timedelta(days=1)

    def is_past(self, now: datetime) -> bool:
        """Whether the event is over at local time ``now``."""
        return self.last_moment <= now


def parse_local_time(value: str) -> tuple[datetime, bool]:
    """Parse ``YYYY-MM-DD`` (all day) or ``YYYY-MM-DDTHH:MM``.

    Returns
    -------
    tuple
        The naive local datetime and whether it is all-day.

    Raises
    ------
    ValueError
        For any other shape, or an impossible date.

    Examples
    --------
    >>> parse_local_time("2019-12-14T18:00")
    (datetime.datetime(2019, 12, 14, 18, 0), False)
    >>> parse_local_time("2019-11-01")
    (datetime.datetime(2019, 11, 1, 0, 0), True)
    """
    if _DATE.match(value):
        day = date.fromisoformat(value)
        return datetime(day.year, day.month, day.day), True
    if _DATETIME.match(value):
        return datetime.fromisoformat(value), False
    msg = f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {value!r}"
    raise ValueError(msg)


def load_events(path: Path, languages: Sequence[str]) -> tuple[Event, ...]:
    """Load and validate the events file; a missing file means no events.

    Parameters
    ----------
    path
        ``events.json``: ``{"events": [...]}``.
    languages
        Every text must exist in each of these.

    Returns
    -------
    tuple
        The events in file order.

    Raises
    ------
    TourDataError
        Naming the event and the field that is wrong.
    """
    if not path.exists():
        return ()
    data = read_json(path)
    top = Fields(data, path, None, languages)
    items = top.raw("events")
    if not isinstance(items, list):
        top.fail("events", "expected a list")
    events: list[Event] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        label = item.get("id") if isinstance(item, dict) else None
        fields = Fields(item, path, str(label or f"#{index}"), languages)
        event = _event(fields)
        if event.id in seen:
            fields.fail("id", f"duplicate id {event.id!r}")
        seen.add(event.id)
        events.append(event)
    return tuple(events)


def _event(fields: Fields) -> Event:
    event_id = fields.string("id")
    if not SLUG.match(event_id):
        fields.fail(
            "id", f"expected lower-case letters, digits and dashes: {event_id!r}"
        )
    start, all_day = _time(fields, "start")
    end: datetime | None = None
    if fields.raw("end", required=False) is not None:
        end, end_all_day = _time(fields, "end")
        if end_all_day != all_day:
            fields.fail("end", "start and end must both be dates or both be times")
        if end < start:
            fields.fail("end", "ends before it starts")
    link = fields.raw("link", required=False)
    if link is not None and (
        not isinstance(link, str) or not re.match(r"^https?://\S+$", link)
    ):
        fields.fail("link", f"not a web address: {link!r}")
    approximate = fields.raw("approximate", required=False) or False
    if not isinstance(approximate, bool):
        fields.fail("approximate", f"expected true or false, got {approximate!r}")
    date_note = fields.text("date_note", required=False)
    if approximate and date_note is None:
        fields.fail(
            "date_note", "an approximate date needs a note saying what is known"
        )
    title, venue = _name(fields, "title"), _name(fields, "venue")
    if title is None and venue is None:
        fields.fail("title", "an event needs a title or a venue")
    return Event(
        id=event_id,
        title=title,
        venue=venue,
        start=start,
        end=end,
        all_day=all_day,
        approximate=approximate,
        date_note=date_note,
        description=fields.required_text("description"),
        link=link,
        lonlat=_lonlat(fields),
        sources=fields.sources(),
    )


def _name(fields: Fields, field: str) -> str | None:
    value = fields.raw(field, required=False)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        fields.fail(field, f"expected the name as one non-empty string, got {value!r}")
    return " ".join(value.split())


def _time(fields: Fields, field: str) -> tuple[datetime, bool]:
    value = fields.string(field)
    try:
        return parse_local_time(value)
    except ValueError as exc:
        raise fields.fail(field, str(exc)) from None


def _lonlat(fields: Fields) -> LonLat | None:
    value: Any = fields.raw("lonlat", required=False)
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value
        )
    ):
        fields.fail("lonlat", f"expected [longitude, latitude], got {value!r}")
    lon, lat = float(value[0]), float(value[1])
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        fields.fail("lonlat", f"outside WGS84: {value!r}")
    return (lon, lat)
