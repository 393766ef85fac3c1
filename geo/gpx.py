"""Write the tour, or any walking path, as GPX 1.1 with gpxpy."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

import gpxpy.gpx

from geo.distance import LonLat
from geo.tour import Tour

CREATOR = "Interhelpo walking-tour guide"


@dataclass(frozen=True)
class Waypoint:
    """A named point with a description and a link to its page."""

    lonlat: LonLat
    name: str
    description: str
    url: str | None = None
    symbol: str = "Flag, Blue"
    # More links after ``url`` (GPX 1.1 allows several): (href, text, MIME type).
    extra_links: tuple[tuple[str, str, str], ...] = ()


def path_to_gpx(
    *,
    name: str,
    waypoints: Sequence[Waypoint],
    track: Sequence[LonLat],
    description: str = "",
    url: str | None = None,
) -> str:
    """Write waypoints, a route through them and a track as a GPX 1.1 document.

    Examples
    --------
    >>> start = Waypoint((74.55826, 42.87766), "Start", "Meet here")
    >>> end = Waypoint((74.57, 42.875), "End", "Osh Bazaar")
    >>> xml = path_to_gpx(name="Walk", waypoints=[start, end],
    ...                   track=[start.lonlat, end.lonlat])
    >>> "http://www.topografix.com/GPX/1/1" in xml
    True
    """
    gpx = gpxpy.gpx.GPX()
    gpx.creator = CREATOR
    gpx.name = name
    gpx.description = description or None
    if url:
        gpx.link = _attribute(url)
        gpx.link_text = name
    for point in waypoints:
        gpx.waypoints.append(_waypoint(point))
    route = gpxpy.gpx.GPXRoute(name=name)
    for point in waypoints:
        route.points.append(
            gpxpy.gpx.GPXRoutePoint(
                latitude=point.lonlat[1], longitude=point.lonlat[0], name=point.name
            )
        )
    gpx.routes.append(route)
    segment = gpxpy.gpx.GPXTrackSegment()
    for lon, lat in track:
        segment.points.append(gpxpy.gpx.GPXTrackPoint(latitude=lat, longitude=lon))
    track_element = gpxpy.gpx.GPXTrack(name=name)
    track_element.segments.append(segment)
    gpx.tracks.append(track_element)
    xml: str = gpx.to_xml(version="1.1")
    return _add_links(xml, waypoints)


def _add_links(xml: str, waypoints: Sequence[Waypoint]) -> str:
    """Write each waypoint's extra links after its first one (gpxpy keeps one).

    Examples
    --------
    >>> point = Waypoint((74.5, 42.8), "A", "a", url="https://e.org/a",
    ...                  extra_links=(("https://e.org/a.jpg", "Photo", "image/jpeg"),))
    >>> xml = path_to_gpx(name="W", waypoints=[point], track=[point.lonlat])
    >>> xml.count("<link ")  # the page, then the photo
    2
    """
    parts: list[str] = []
    position = 0
    for point in waypoints:
        start = xml.find("<wpt ", position)
        if start < 0:
            break
        end = xml.find("</wpt>", start)
        if not point.extra_links or not point.url:
            parts.append(xml[position:end])
            position = end
            continue
        after = xml.find("</link>", start, end) + len("</link>")
        extra = "".join(
            f'\n    <link href="{_attribute(href)}">'
            f"\n      <text>{xml_escape(text)}</text>"
            f"\n      <type>{xml_escape(kind)}</type>\n    </link>"
            for href, text, kind in point.extra_links
        )
        parts.append(xml[position:after] + extra)
        position = after
    parts.append(xml[position:])
    return "".join(parts)


def _waypoint(point: Waypoint) -> gpxpy.gpx.GPXWaypoint:
    waypoint = gpxpy.gpx.GPXWaypoint(
        latitude=point.lonlat[1],
        longitude=point.lonlat[0],
        name=point.name,
        description=point.description,
        symbol=point.symbol,
    )
    if point.url:
        waypoint.link = _attribute(point.url)  # type: ignore[assignment]
        waypoint.link_text = point.name  # type: ignore[assignment]
    return waypoint


def _attribute(value: str) -> str:
    # gpxpy writes link hrefs into the attribute unescaped; an & in a query
    # string would make the file unreadable.
    return xml_escape(value, {'"': "&quot;"})


def tour_track(tour: Tour) -> list[LonLat]:
    """The walking path of the whole tour, legs joined without repeated points.

    Examples
    --------
    >>> from geo.loader import load_tour
    >>> from pathlib import Path
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> tour_track(tour)[0] == tour.legs[0].coords[0]
    True
    """
    track: list[LonLat] = []
    for leg in tour.legs:
        coords = list(leg.coords)
        if track and coords and track[-1] == coords[0]:
            coords = coords[1:]
        track.extend(coords)
    return track


def tour_to_gpx(
    tour: Tour,
    lang: str,
    *,
    urls: Mapping[str, str],
    home: str,
    photos: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """Write the whole tour: a waypoint per stop, the route in order, the path.

    ``photos`` gives each stop's photos as (JPEG address, alt text): each becomes
    one more link of its waypoint.

    Examples
    --------
    >>> from geo.loader import load_tour
    >>> from pathlib import Path
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> urls = {s.id: f"https://example.org/stops/{s.id}" for s in tour.stops}
    >>> xml = tour_to_gpx(tour, "en", urls=urls, home="https://example.org/")
    >>> xml.count("<wpt") == len(tour.stops)
    True
    """
    waypoints = [
        Waypoint(
            lonlat=stop.lonlat,
            name=f"{stop.order}. {tour.text_in(stop.name, lang)}",
            description=tour.text_in(stop.summary, lang),
            url=urls.get(stop.id),
            symbol="Flag, Green" if stop.kind == "meeting" else "Flag, Blue",
            extra_links=tuple(
                (href, text, "image/jpeg")
                for href, text in (photos or {}).get(stop.id, ())
            ),
        )
        for stop in tour.stops
    ]
    return path_to_gpx(
        name=tour.text_in(tour.title, lang),
        description=tour.text_in(tour.description, lang),
        waypoints=waypoints,
        track=tour_track(tour),
        url=home,
    )
