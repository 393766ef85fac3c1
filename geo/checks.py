"""The pre-publish check: every problem a guide should fix before the tour goes out.

Each `Problem` has a code, a severity and the numbers behind it, so the web layer can
word it in the guest's language; `Problem.message` is the English wording the CLI uses.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

from geo.distance import LonLat
from geo.distance import haversine_m
from geo.tour import Tour

Severity = Literal["error", "warning"]
Params = dict[str, float | int | str]

ESTIMATE_ERROR_LIMIT_M = 100.0
MIN_ARRIVAL_RADIUS_M = 65.0
READ_ALOUD_WORDS_PER_MIN = 130.0
PATH_MISS_LIMIT_M = 30.0

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_ATTR = re.compile(r"""\balt\s*=\s*(["'])\s*[^"'\s]""", re.IGNORECASE)
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")

MESSAGES: dict[str, str] = {
    "estimate_pin": "{stop}: the pin is an estimate with an error of {error_m:.0f} m"
    " (more than {limit_m:.0f} m)",
    "small_zone": "{stop}: the arrival zone of {radius_m:.0f} m is under"
    " {limit_m:.0f} m",
    "zones_overlap": "{stop} and {other}: the arrival zones overlap"
    " ({distance_m:.0f} m apart, radii {radius_m:.0f} m + {other_radius_m:.0f} m)",
    "story_too_long": "{stop}: the {lang} story takes {read_min:.1f} min to read"
    " aloud ({words} words), longer than the {dwell_min:g} min dwell",
    "over_slot": "the walk takes {total_min:.0f} min, over the {slot_min:.0f} min slot",
    "no_sources": "{stop}: no sources for its facts",
    "image_without_alt": "{stop}: an image in the {lang} story has no alt text",
    "path_misses_stop": "{stop}: the path passes {distance_m:.0f} m from the stop"
    " (more than {limit_m:.0f} m)",
    "approximate_leg": "{stop} -> {other}: {approximate_m:.0f} m of"
    " {length_m:.0f} m are approximate, not along known streets",
    "no_photo": "{stop}: no photo",
    "photo_without_alt": "{stop}: photo {photo} has no alt text in {lang}",
    "photo_over_budget": "{stop}: photo {photo} weighs {kb:.0f} KB at {width} px,"
    " over the {limit_kb:.0f} KB budget",
    "recording_over_budget": "{stop}: the {lang} recording is {mb:.1f} MB,"
    " over the {limit_mb:.0f} MB budget",
    "recording_too_long": "{stop}: the {lang} recording takes {duration_min:.1f} min,"
    " longer than the {dwell_min:g} min dwell",
}


@dataclass(frozen=True)
class Problem:
    """One thing to fix, with the numbers behind it."""

    code: str
    severity: Severity
    stop: str | None = None
    params: Params = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The problem in English."""
        return MESSAGES[self.code].format(stop=self.stop, **self.params)


def check_tour(tour: Tour) -> list[Problem]:
    """Every problem in ``tour``, errors first, then in walking order.

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> all(p.severity in ("error", "warning") for p in check_tour(tour))
    True
    """
    problems: list[Problem] = []
    for stop in tour.stops:
        if (
            stop.position.quality == "estimate"
            and stop.position.error_m > ESTIMATE_ERROR_LIMIT_M
        ):
            problems.append(
                Problem(
                    "estimate_pin",
                    "warning",
                    stop.id,
                    {
                        "error_m": stop.position.error_m,
                        "limit_m": ESTIMATE_ERROR_LIMIT_M,
                    },
                )
            )
        if stop.arrival_radius_m < MIN_ARRIVAL_RADIUS_M:
            problems.append(
                Problem(
                    "small_zone",
                    "error",
                    stop.id,
                    {
                        "radius_m": stop.arrival_radius_m,
                        "limit_m": MIN_ARRIVAL_RADIUS_M,
                    },
                )
            )
        problems.extend(_story_problems(tour, stop.id))
        if not stop.sources:
            problems.append(Problem("no_sources", "error", stop.id))
    problems.extend(_overlaps(tour))
    problems.extend(_path_problems(tour))
    if tour.total_min > tour.duration_min + 1e-9:
        problems.append(
            Problem(
                "over_slot",
                "error",
                None,
                {"total_min": tour.total_min, "slot_min": tour.duration_min},
            )
        )
    return sorted(problems, key=lambda p: p.severity != "error")


def has_errors(problems: Sequence[Problem]) -> bool:
    """True when any problem is an error."""
    return any(problem.severity == "error" for problem in problems)


def word_count(text: str) -> int:
    """Words in a text, as read aloud.

    Examples
    --------
    >>> word_count("Walk south, then — turn left.")
    5
    """
    return len(re.findall(r"\w[\w'’-]*", text))


def _story_problems(tour: Tour, stop_id: str) -> list[Problem]:
    stop = tour.stop(stop_id)
    problems = []
    for lang in tour.languages:
        text = stop.narrative.get(lang, "")
        words = word_count(text)
        read_min = words / READ_ALOUD_WORDS_PER_MIN
        if read_min > stop.dwell_min + 1e-9:
            params: Params = {
                "lang": lang,
                "words": words,
                "read_min": read_min,
                "dwell_min": stop.dwell_min,
            }
            problems.append(Problem("story_too_long", "error", stop.id, params))
        if images_without_alt(text):
            problems.append(
                Problem("image_without_alt", "error", stop.id, {"lang": lang})
            )
    return problems


def images_without_alt(text: str) -> int:
    """How many images (HTML ``<img>`` or Markdown ``![]()``) lack alt text.

    Examples
    --------
    >>> images_without_alt('<img src="a.jpg"> ![](b.jpg) ![Gate](c.jpg)')
    2
    """
    html = sum(1 for tag in IMG_TAG.findall(text) if not ALT_ATTR.search(tag))
    markdown = sum(1 for alt, _ in MARKDOWN_IMAGE.findall(text) if not alt.strip())
    return html + markdown


def _overlaps(tour: Tour) -> list[Problem]:
    problems = []
    for a, b in itertools.combinations(tour.stops, 2):
        distance_m = haversine_m(a.lonlat, b.lonlat)
        if distance_m < a.arrival_radius_m + b.arrival_radius_m:
            params: Params = {
                "other": b.id,
                "distance_m": distance_m,
                "radius_m": a.arrival_radius_m,
                "other_radius_m": b.arrival_radius_m,
            }
            problems.append(Problem("zones_overlap", "error", a.id, params))
    return problems


def _path_problems(tour: Tour) -> list[Problem]:
    problems = []
    path = [point for leg in tour.legs for point in leg.coords]
    if path:
        for stop in tour.stops:
            distance_m = distance_to_path_m(stop.lonlat, path)
            if distance_m > PATH_MISS_LIMIT_M:
                problems.append(
                    Problem(
                        "path_misses_stop",
                        "error",
                        stop.id,
                        {"distance_m": distance_m, "limit_m": PATH_MISS_LIMIT_M},
                    )
                )
    for leg in tour.legs:
        if leg.approximate:
            params: Params = {
                "other": leg.to_id,
                "approximate_m": leg.approximate_m,
                "length_m": leg.length_m,
            }
            problems.append(Problem("approximate_leg", "warning", leg.from_id, params))
    return problems


def distance_to_path_m(point: LonLat, path: Sequence[LonLat]) -> float:
    """Shortest distance in metres from ``point`` to the polyline ``path``.

    Uses a local flat projection around ``point``: exact enough within a city.

    Examples
    --------
    >>> round(distance_to_path_m((0.0, 0.001), [(-0.01, 0.0), (0.01, 0.0)]))
    111
    """
    if len(path) == 1:
        return haversine_m(point, path[0])
    metres_per_deg_lat = 111_194.93
    metres_per_deg_lon = metres_per_deg_lat * math.cos(math.radians(point[1]))

    def xy(p: LonLat) -> tuple[float, float]:
        return (
            (p[0] - point[0]) * metres_per_deg_lon,
            (p[1] - point[1]) * metres_per_deg_lat,
        )

    best = math.inf
    for a, b in itertools.pairwise(path):
        (ax, ay), (bx, by) = xy(a), xy(b)
        dx, dy = bx - ax, by - ay
        span = dx * dx + dy * dy
        t = 0.0 if span == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / span))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


@dataclass(frozen=True)
class PhotoFacts:
    """What the check needs to know of one photo of a stop."""

    stop: str
    number: int  # 1 for the stop's first photo
    alt: dict[str, str]
    width: int  # of the rendition phones download (960 px, or narrower)
    bytes: int
    budget_bytes: int


@dataclass(frozen=True)
class RecordingFacts:
    """What the check needs to know of one recording."""

    stop: str
    lang: str
    duration_s: float
    bytes: int
    budget_bytes: int


def check_media(
    tour: Tour, photos: Sequence[PhotoFacts], recordings: Sequence[RecordingFacts]
) -> list[Problem]:
    """Problems of the tour's photos and recordings, errors first.

    A stop without a photo is a warning; a photo without alt text in one of the
    tour's languages, a file over its budget, and a recording longer than the time
    spent at the stop are errors.

    Examples
    --------
    >>> from pathlib import Path
    >>> from geo.loader import load_tour
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> first = tour.stops[0].id
    >>> alt = {"en": "A gate", "ru": "Ворота", "cs": "Brána", "sk": "Brána"}
    >>> photo = PhotoFacts(first, 1, alt, 960, 90_000, 150 * 1024)
    >>> [(p.code, p.params.get("lang")) for p in check_media(tour, [photo], [])
    ...  if p.stop == first]
    [('photo_without_alt', 'ky')]
    """
    problems: list[Problem] = []
    by_stop: dict[str, list[PhotoFacts]] = {}
    for photo in photos:
        by_stop.setdefault(photo.stop, []).append(photo)
    dwell = {stop.id: stop.dwell_min for stop in tour.stops}
    for stop in tour.stops:
        mine = by_stop.get(stop.id, [])
        if not mine:
            problems.append(Problem("no_photo", "warning", stop.id))
        for photo in mine:
            for lang in tour.languages:
                if not photo.alt.get(lang, "").strip():
                    problems.append(
                        Problem(
                            "photo_without_alt",
                            "error",
                            stop.id,
                            {"photo": photo.number, "lang": lang},
                        )
                    )
            if photo.bytes > photo.budget_bytes:
                problems.append(
                    Problem(
                        "photo_over_budget",
                        "error",
                        stop.id,
                        {
                            "photo": photo.number,
                            "kb": photo.bytes / 1024,
                            "width": photo.width,
                            "limit_kb": photo.budget_bytes / 1024,
                        },
                    )
                )
    for rec in recordings:
        if rec.stop not in dwell:
            continue
        if rec.bytes > rec.budget_bytes:
            problems.append(
                Problem(
                    "recording_over_budget",
                    "error",
                    rec.stop,
                    {
                        "lang": rec.lang,
                        "mb": rec.bytes / 1024 / 1024,
                        "limit_mb": rec.budget_bytes / 1024 / 1024,
                    },
                )
            )
        if rec.duration_s > dwell[rec.stop] * 60:
            problems.append(
                Problem(
                    "recording_too_long",
                    "error",
                    rec.stop,
                    {
                        "lang": rec.lang,
                        "duration_min": rec.duration_s / 60,
                        "dwell_min": dwell[rec.stop],
                    },
                )
            )
    return sorted(problems, key=lambda p: p.severity != "error")
