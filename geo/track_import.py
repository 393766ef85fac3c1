"""Import a walked GPX track as the tour's path: match it to the stops, split it.

The track comes from any recording app (OsmAnd, Organic Maps, Strava ...). It is
checked before anything else happens: too big, not GPX, empty, or recorded far away
are clear errors. Each stop, in walking order, is matched to the track's closest
approach on its first pass within `MATCH_LIMIT_M`; the track is cut there into legs
whose lengths and times are recomputed at the tour's walking speed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import gpxpy
import gpxpy.gpx
from defusedxml import DTDForbidden
from defusedxml import EntitiesForbidden
from defusedxml import ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as defused_fromstring

from geo.distance import LonLat
from geo.distance import check_lonlat
from geo.distance import haversine_m
from geo.distance import path_length_m
from geo.errors import BadCoordinateError
from geo.errors import EmptyTrackError
from geo.errors import TrackFormatError
from geo.errors import TrackMissesStopError
from geo.errors import TrackTooFarError
from geo.errors import TrackTooLargeError
from geo.tour import Leg

MAX_BYTES = 5_000_000
"""Largest upload accepted: about 40,000 points with times and elevations."""

MAX_POINTS = 50_000
"""Most track points accepted: a day's walk at one point a second."""

MATCH_LIMIT_M = 50.0
"""A stop is on the track when the track passes this close."""

FAR_LIMIT_M = 2_000.0
"""A track whose every point is farther than this from every stop is elsewhere."""

M_PER_DEG_LAT = 111_194.93
GPX_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?gpx[\s>/]")


@dataclass(frozen=True)
class StopMatch:
    """Where the track passes a stop: the closest point and how far it is."""

    stop_id: str
    lonlat: LonLat
    distance_m: float


@dataclass(frozen=True)
class TrackImport:
    """A track matched to the stops: legs ready to replace the tour's path."""

    legs: tuple[Leg, ...]
    matches: tuple[StopMatch, ...]
    point_count: int

    @property
    def length_m(self) -> float:
        """Walking length of the legs in metres."""
        return sum(leg.length_m for leg in self.legs)

    @property
    def duration_s(self) -> float:
        """Walking time of the legs in seconds."""
        return sum(leg.duration_s for leg in self.legs)


def read_track(data: bytes) -> list[LonLat]:
    """The points of the GPX document ``data``, in recorded order.

    Track points are used; a file with no track but a route uses the route.

    Raises
    ------
    TrackTooLargeError
        Over `MAX_BYTES` or `MAX_POINTS`.
    TrackFormatError
        Not GPX, or a point with impossible coordinates.
    EmptyTrackError
        Fewer than two points.
    """
    if len(data) > MAX_BYTES:
        raise TrackTooLargeError(
            f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:g} MB"
        )
    if not data.strip():
        raise EmptyTrackError("the file is empty")
    try:
        # The whole file, before gpxpy sees it: no DTD, no entities, anywhere.
        defused_fromstring(data, forbid_dtd=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise TrackFormatError(
            "GPX files do not declare a DOCTYPE or entities"
        ) from None
    except (ParseError, ValueError):
        pass  # not well-formed XML: said below, with gpxpy's words
    try:
        text = data.decode("utf-8-sig")
        if not GPX_ROOT.search(text[:4096]):
            raise TrackFormatError("not a GPX file: no <gpx> element at the start")
        gpx = gpxpy.parse(text)
    except UnicodeDecodeError:
        raise TrackFormatError("the file is not UTF-8 text") from None
    except (gpxpy.gpx.GPXException, ValueError, AttributeError, TypeError) as exc:
        raise TrackFormatError(f"not a GPX file: {exc}") from None
    raw = [
        (point.longitude, point.latitude)
        for track in gpx.tracks
        for segment in track.segments
        for point in segment.points
    ]
    if not raw:
        raw = [(p.longitude, p.latitude) for route in gpx.routes for p in route.points]
    if len(raw) > MAX_POINTS:
        raise TrackTooLargeError(
            f"the track has {len(raw)} points; the limit is {MAX_POINTS}"
        )
    points: list[LonLat] = []
    for lon, lat in raw:
        try:
            point = check_lonlat(lon, lat)
        except BadCoordinateError as exc:
            raise TrackFormatError(f"a track point is not a position: {exc}") from None
        if not points or points[-1] != point:
            points.append(point)
    if len(points) < 2:
        raise EmptyTrackError("the file holds no track with at least two points")
    return points


def match_track(
    track: Sequence[LonLat],
    stops: Sequence[tuple[str, LonLat]],
    *,
    speed_kmh: float,
    match_limit_m: float = MATCH_LIMIT_M,
    far_limit_m: float = FAR_LIMIT_M,
) -> TrackImport:
    """Match ``track`` to ``stops`` (id, position) in order and split it into legs.

    Raises
    ------
    TrackTooFarError
        No track point within ``far_limit_m`` of any stop.
    TrackMissesStopError
        A stop the track does not pass within ``match_limit_m``, after the
        previous stop; the message names it and the closest approach.

    Examples
    --------
    >>> track = [(0.0, 0.0), (0.0, 0.001), (0.0, 0.002)]
    >>> result = match_track(track, [("a", (0.0, 0.0)), ("b", (0.0001, 0.002))],
    ...                      speed_kmh=4.0)
    >>> [round(leg.length_m) for leg in result.legs]
    [222]
    """
    if len(track) < 2:
        raise EmptyTrackError("the track has fewer than two points")
    # A sample is enough to tell "elsewhere" (kilometres) from "here".
    sample = [*track[:: max(1, len(track) // 2000)], track[-1]]
    nearest_m = min(haversine_m(p, s) for _, s in stops for p in sample)
    if nearest_m > far_limit_m:
        raise TrackTooFarError(
            f"the track is {nearest_m / 1000:.1f} km from the nearest stop:"
            " it was recorded somewhere else"
        )
    cursor = (0, 0.0)
    cuts: list[tuple[int, float, LonLat]] = []
    matches: list[StopMatch] = []
    for stop_id, position in stops:
        found = _first_pass(track, position, cursor, match_limit_m)
        if found is None:
            closest = min(
                _segment_distance(track[i], track[i + 1], position)[0]
                for i in range(cursor[0], len(track) - 1)
            )
            raise TrackMissesStopError(
                f"the track does not pass stop {stop_id!r} within {match_limit_m:g} m"
                f" after the previous stop (closest: {closest:.0f} m)"
            )
        index, t, foot, distance_m = found
        cuts.append((index, t, foot))
        matches.append(StopMatch(stop_id, foot, distance_m))
        cursor = (index, t)
    legs = []
    for (a, b), (start, end) in zip(
        itertools.pairwise(cuts), itertools.pairwise(stops), strict=True
    ):
        coords = [a[2], *track[a[0] + 1 : b[0] + 1], b[2]]
        coords = [p for i, p in enumerate(coords) if i == 0 or p != coords[i - 1]]
        if len(coords) < 2:
            coords = [a[2], b[2]]
        length_m = path_length_m(coords)
        legs.append(
            Leg(
                from_id=start[0],
                to_id=end[0],
                coords=tuple(coords),
                length_m=length_m,
                duration_s=length_m / (speed_kmh / 3.6),
                street_m=length_m,
                approximate_m=0.0,
            )
        )
    return TrackImport(tuple(legs), tuple(matches), len(track))


def _first_pass(
    track: Sequence[LonLat],
    position: LonLat,
    cursor: tuple[int, float],
    limit_m: float,
) -> tuple[int, float, LonLat, float] | None:
    """The closest approach on the track's first pass near ``position``."""
    best: tuple[int, float, LonLat, float] | None = None
    for index in range(cursor[0], len(track) - 1):
        low = cursor[1] if index == cursor[0] else 0.0
        distance_m, t, foot = _segment_distance(
            track[index], track[index + 1], position, low=low
        )
        if distance_m <= limit_m:
            if best is None or distance_m < best[3]:
                best = (index, t, foot, distance_m)
        elif best is not None:
            break  # the pass near this stop is over
    return best


def _segment_distance(
    a: LonLat, b: LonLat, point: LonLat, *, low: float = 0.0
) -> tuple[float, float, LonLat]:
    """Distance in metres from ``point`` to segment ``a``-``b`` (from ``low`` on)."""
    kx = M_PER_DEG_LAT * math.cos(math.radians(point[1]))
    ax, ay = (a[0] - point[0]) * kx, (a[1] - point[1]) * M_PER_DEG_LAT
    bx, by = (b[0] - point[0]) * kx, (b[1] - point[1]) * M_PER_DEG_LAT
    dx, dy = bx - ax, by - ay
    span = dx * dx + dy * dy
    t = 0.0 if span == 0 else -(ax * dx + ay * dy) / span
    t = max(low, min(1.0, t))
    foot = (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
    return math.hypot(ax + t * dx, ay + t * dy), t, foot
