"""Placeholders in tour texts, filled per language from the tour's own geometry.

A story never says "1.3 km south-west" by hand; it says where from and where to,
and the numbers and words are computed:

- ``{bearing:FROM:TO}`` or ``{bearing:FROM:TO:FORM}``: which way stop TO lies
  from stop FROM, as a compass word (16 points) in one of the language's forms
  (see `geo.compass.COMPASS_WORDS`; default ``name``);
- ``{distance:FROM:TO}``: the straight-line distance between two stops;
- ``{walk-distance:A:B:...}``: the walking distance along the streets from A
  through B ... (computed by ``flask tour build-route``, kept in route.geojson);
- ``{walk-time:A:B:...}``: the same walk in minutes at the tour's walking speed.

Braces are used for nothing else in tour texts: a stray ``{`` or ``}`` is an error.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from collections.abc import Mapping
from dataclasses import dataclass

from geo.compass import COMPASS_WORDS
from geo.compass import bearing_words
from geo.directions import format_distance
from geo.distance import LonLat
from geo.distance import haversine_m

_TOKEN = re.compile(r"\{([^{}]*)\}")
_ARG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("bearing", "distance", "walk-distance", "walk-time")


class PlaceholderError(ValueError):
    """A placeholder that is malformed or names a stop, walk or form we lack."""


@dataclass(frozen=True)
class Placeholder:
    """One ``{kind:...}`` in a text: what to compute, between which stops."""

    raw: str
    kind: str
    stops: tuple[str, ...]
    form: str = "name"


@dataclass(frozen=True)
class Places:
    """What filling needs: stop positions, the computed walks, the walking speed."""

    lonlats: Mapping[str, LonLat]
    walks_m: Mapping[tuple[str, ...], float]
    walking_speed_kmh: float


def parse(text: str) -> list[Placeholder]:
    """The placeholders in ``text``, in order; raise `PlaceholderError` if malformed.

    Examples
    --------
    >>> [p.stops for p in parse("Look {bearing:a:b}, {walk-time:a:b:c} away.")]
    [('a', 'b'), ('a', 'b', 'c')]
    >>> parse("{bearing:a:b:dat}")[0].form
    'dat'
    >>> parse("{bearing:a}")
    Traceback (most recent call last):
    ...
    geo.placeholders.PlaceholderError: {bearing:a}: bearing takes FROM:TO[:FORM]
    """
    found = []
    for match in _TOKEN.finditer(text):
        found.append(_placeholder(match.group(0), match.group(1)))
    rest = _TOKEN.sub("", text)
    if "{" in rest or "}" in rest:
        msg = "a brace that is not part of a {kind:...} placeholder"
        raise PlaceholderError(msg)
    return found


def _placeholder(raw: str, inner: str) -> Placeholder:
    kind, _sep, rest = inner.partition(":")
    args = tuple(rest.split(":")) if rest else ()
    if kind not in KINDS:
        msg = f"{raw}: unknown placeholder {kind!r}; known: {', '.join(KINDS)}"
        raise PlaceholderError(msg)
    if not all(_ARG.match(arg) for arg in args):
        msg = f"{raw}: stop ids are lower-case letters, digits and dashes"
        raise PlaceholderError(msg)
    if kind == "bearing":
        if len(args) not in (2, 3):
            msg = f"{raw}: bearing takes FROM:TO[:FORM]"
            raise PlaceholderError(msg)
        return Placeholder(raw, kind, args[:2], args[2] if len(args) == 3 else "name")
    if kind == "distance" and len(args) != 2:
        raise PlaceholderError(f"{raw}: distance takes two stop ids")
    if len(args) < 2:
        raise PlaceholderError(f"{raw}: {kind} takes two or more stop ids")
    return Placeholder(raw, kind, args)


def check(
    text: str,
    lang: str,
    stop_ids: Collection[str],
    walks: Collection[tuple[str, ...]] | None = None,
) -> None:
    """Raise `PlaceholderError` unless every placeholder in ``text`` can be filled.

    ``walks`` lists the walks computed so far; None means any walk will do
    (the walk is then measured in straight lines).

    Examples
    --------
    >>> check("{bearing:a:b:dat}", "ru", {"a", "b"})
    >>> check("{bearing:a:x}", "en", {"a", "b"})
    Traceback (most recent call last):
    ...
    geo.placeholders.PlaceholderError: {bearing:a:x}: unknown stop 'x'
    >>> check("{bearing:a:b:dat}", "en", {"a", "b"})
    Traceback (most recent call last):
    ...
    geo.placeholders.PlaceholderError: {bearing:a:b:dat}: no form 'dat' in 'en': name
    """
    for item in parse(text):
        for stop_id in item.stops:
            if stop_id not in stop_ids:
                raise PlaceholderError(f"{item.raw}: unknown stop {stop_id!r}")
        if item.kind == "bearing":
            forms = COMPASS_WORDS.get(lang, {})
            if item.form not in forms:
                known = ", ".join(forms) or "none"
                msg = f"{item.raw}: no form {item.form!r} in {lang!r}: {known}"
                raise PlaceholderError(msg)
        if item.kind.startswith("walk-") and walks is not None:
            if item.stops not in walks:
                msg = (
                    f"{item.raw}: this walk is not computed; run flask tour build-route"
                )
                raise PlaceholderError(msg)


def walks_in(texts: Collection[str]) -> list[tuple[str, ...]]:
    """The walks the texts ask for, each once, in order of appearance.

    Examples
    --------
    >>> walks_in(["{walk-time:a:b} or {walk-distance:a:b}", "{distance:a:c}"])
    [('a', 'b')]
    """
    walks: list[tuple[str, ...]] = []
    for text in texts:
        for item in parse(text):
            if item.kind.startswith("walk-") and item.stops not in walks:
                walks.append(item.stops)
    return walks


def straight_walk_m(lonlats: Mapping[str, LonLat], via: tuple[str, ...]) -> float:
    """A walk measured in straight lines between its stops (no street data).

    Examples
    --------
    >>> round(straight_walk_m({"a": (0.0, 0.0), "b": (0.0, 0.001)}, ("a", "b", "a")))
    222
    """
    points = [lonlats[stop_id] for stop_id in via]
    return sum(haversine_m(p, q) for p, q in zip(points, points[1:], strict=False))


def fill(text: str, lang: str, places: Places) -> str:
    """Replace each placeholder with its words in ``lang``.

    Examples
    --------
    >>> places = Places({"meeting": (74.55826, 42.87766),
    ...                  "station": (74.55194, 42.86694)},
    ...                 {("station", "meeting"): 1250.0}, 4.0)
    >>> fill("{distance:meeting:station} {bearing:meeting:station}", "en", places)
    '1.3 km south-south-west'
    >>> fill("к {bearing:meeting:station:dat}", "ru", places)
    'к юго-юго-западу'
    >>> fill("{walk-distance:station:meeting}", "cs", places)
    '1,2 km'
    >>> fill("{walk-time:station:meeting}", "cs", places)
    '19 minut'
    """
    if "{" not in text and "}" not in text:
        return text
    parse(text)
    return _TOKEN.sub(lambda match: _value(match.group(0), lang, places), text)


def settle(text: str, lang: str, places: Places, keep: Collection[str]) -> str:
    """Fill in only the placeholders that name a stop outside ``keep``.

    For a shorter variant of the tour written as data: what it can still
    compute stays a placeholder, the rest becomes words.

    Examples
    --------
    >>> places = Places({"a": (0.0, 0.0), "b": (0.0, 0.01)}, {}, 4.0)
    >>> settle("{bearing:a:b} / {distance:a:b}", "en", places, {"a", "b"})
    '{bearing:a:b} / {distance:a:b}'
    >>> settle("{bearing:a:b} / {distance:a:b}", "en", places, {"a"})
    'north / 1.1 km'
    """
    if "{" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        item = _placeholder(match.group(0), match.group(1))
        if set(item.stops) <= set(keep):
            return match.group(0)
        return _value(match.group(0), lang, places)

    return _TOKEN.sub(one, text)


def _value(raw: str, lang: str, places: Places) -> str:
    item = _placeholder(raw, raw[1:-1])
    try:
        points = [places.lonlats[stop_id] for stop_id in item.stops]
        if item.kind == "bearing":
            return bearing_words(points[0], points[1], lang, item.form)
        if item.kind == "distance":
            return format_distance(haversine_m(points[0], points[1]), lang)
        walk_m = places.walks_m.get(item.stops)
        if walk_m is None:
            walk_m = straight_walk_m(places.lonlats, item.stops)
    except KeyError as exc:
        raise PlaceholderError(f"{raw}: cannot fill in {lang!r}: {exc}") from None
    if item.kind == "walk-distance":
        return format_distance(walk_m, lang)
    minutes = max(1, round(walk_m / (places.walking_speed_kmh / 3.6) / 60))
    return minutes_words(minutes, lang)


# One minute, a few, many: the plural forms each language needs.
_MINUTES: dict[str, tuple[str, str, str]] = {
    "en": ("minute", "minutes", "minutes"),
    "ru": ("минута", "минуты", "минут"),
    "cs": ("minuta", "minuty", "minut"),
    "sk": ("minúta", "minúty", "minút"),
    "ky": ("мүнөт", "мүнөт", "мүнөт"),
}


def minutes_words(minutes: int, lang: str) -> str:
    """``minutes`` with the word for minutes in the right plural form.

    Examples
    --------
    >>> minutes_words(1, "en"), minutes_words(21, "ru"), minutes_words(19, "ru")
    ('1 minute', '21 минута', '19 минут')
    >>> minutes_words(3, "sk"), minutes_words(18, "ky")
    ('3 minúty', '18 мүнөт')
    """
    one, few, many = _MINUTES.get(lang, _MINUTES["en"])
    if lang in ("en", "ky"):
        return f"{minutes} {one if minutes == 1 else many}"
    if lang == "ru":
        tens, units = minutes % 100 // 10, minutes % 10
        if tens != 1 and units == 1:
            return f"{minutes} {one}"
        if tens != 1 and 2 <= units <= 4:
            return f"{minutes} {few}"
        return f"{minutes} {many}"
    # Czech and Slovak: 1, 2-4, 5 and more.
    word = one if minutes == 1 else few if 2 <= minutes <= 4 else many
    return f"{minutes} {word}"
