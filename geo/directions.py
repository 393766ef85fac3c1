"""Turn-by-turn walking directions from street names, per language phrase files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass

from babel.units import format_unit

from geo.distance import LonLat
from geo.distance import bearing_deg
from geo.network import Street
from geo.phrasebook import LANG_DIR
from geo.phrasebook import REFERENCE
from geo.phrasebook import Forms
from geo.phrasebook import Phrasebook
from geo.phrasebook import PhrasebookError
from geo.phrasebook import phrasebook

MIN_STEP_M = 20.0
"""Steps shorter than this (a kink at a dual carriageway) fold into a neighbour."""

HEADING_BASE_M = 20.0
"""Headings are measured over at least this much of a step, not over a stub."""

FUCIK_LON = 74.5622
"""Chui Ave west of the Fučík St junction was Deng Xiaoping Ave until 2025-26."""
LEV_TOLSTOY_LON = 74.587
"""Shabdan Baatyr St west of this longitude was Lev Tolstoy St until 2025-26."""

FALLBACK_LANGUAGE = REFERENCE
"""Directions in a language without a phrase file are given in this one."""


@dataclass(frozen=True)
class StreetLabel:
    """Which street a step follows, language-neutral.

    ``key`` names a street the phrase files know (``geo/lang/*.json``,
    ``streets``); for any other street ``names`` holds its OSM names
    (``""`` the plain one, ``"ru"`` for ``name:ru``...), from which each
    language picks its own.
    """

    key: str | None = None
    names: tuple[tuple[str, str], ...] = ()

    def forms(self, book: Phrasebook) -> Forms | None:
        """How ``book``'s language says along/onto this street, if it can."""
        if self.key == TOUR_PATH_KEY:
            return book.tour_path
        if self.key is not None:
            return book.streets.get(self.key)
        return book.other_street(dict(self.names))

    def text(self, lang: str) -> str:
        """The phrase for walking along it in ``lang`` (for people and tests)."""
        book = _book(lang)
        forms = self.forms(book) or book.unnamed
        return forms.along

    def name(self, lang: str) -> str | None:
        """The street's plain name in ``lang``, for a map label.

        A language whose phrase file gives a listed street only in declined
        forms (``po Čujské třídě``) labels it with the reference name.
        """
        book = _book(lang)
        if self.key == TOUR_PATH_KEY:
            return None
        if self.key is not None:
            return book.names.get(self.key) or _book(FALLBACK_LANGUAGE).names.get(
                self.key
            )
        return book.other_name(dict(self.names))


TOUR_PATH_KEY = "tour-path"
TOUR_PATH = StreetLabel(TOUR_PATH_KEY)

# The slugs in ../shared/geodata (see its SOURCE.md) that name one street twice;
# every other known slug is its own key in the phrase files. The upstream OSM
# data already uses the 2025-26 names, the tour's stories the old ones.
SLUG_ALIASES = {
    "s-fucik-ulius-kocosu": "manas",
    "s-toktogula": "s-toktogul-kocosu",
    "s-togolok-moldo": "s-togolok-moldo-kocosu",
    "s-ryskulova": "s-ryskulov-kocosu",
    "s-kurmanjan-datka": "s-kurmanjan-datka-kocosu",
    "s-asanalieva-usengazy": "s-usongazy-asanaliev-kocosu",
}
RENAMED_WEST_OF = {
    "chuy": (FUCIK_LON, "chuy-formerly-deng-xiaoping"),
    "shabdan": (LEV_TOLSTOY_LON, "shabdan-formerly-lev-tolstoy"),
}
"""Slugs whose western stretch is named with its old name too: (lon, key)."""

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$|^[a-z]+$")


def street_label(street: Street | None, lon: float) -> StreetLabel | None:
    """Return which street this is, or None for an unnamed one.

    ``lon`` is where on the street the walker is: Chui Ave west of Fučík St is
    named with its old name too.

    Examples
    --------
    >>> street_label(Street(names={"": "chuy"}), 74.560).text("en")
    'on Chui Ave (formerly Deng Xiaoping Ave)'
    >>> street_label(Street(names={"": "chuy"}), 74.566).text("cs")
    'po Čujské třídě'
    >>> street_label(Street(names={"": "s-unknown-kocosu"}), 74.56) is None
    True
    """
    if street is None:
        return None
    if street.highway == "tour-path":
        return TOUR_PATH
    raw = street.names.get("", "")
    english = _book(FALLBACK_LANGUAGE)
    key = SLUG_ALIASES.get(raw, raw)
    if key not in english.streets:
        # A hand-drawn way (tour_data/connectors.osm) tagged with a known
        # street's English name is that street, so its steps join up.
        by_name = {name: known for known, name in english.names.items()}
        key = by_name.get(street.names.get("en", ""), key)
    if key in RENAMED_WEST_OF:
        west_of, renamed = RENAMED_WEST_OF[key]
        if lon < west_of:
            key = renamed
    if key in english.streets:
        return StreetLabel(key)
    names = {k: v.strip() for k, v in street.names.items() if v.strip()}
    if _SLUG.match(raw):
        names.pop("", None)  # a data slug we have no display name for is no name
    if not names:
        return None
    return StreetLabel(names=tuple(sorted(names.items())))


def _book(lang: str) -> Phrasebook:
    book = phrasebook(lang)
    if book is None:
        raise PhrasebookError(LANG_DIR / f"{lang}.json", None, "missing")
    return book


@dataclass(frozen=True)
class Segment:
    """One straight piece of a route, with the street it follows (None: off-street)."""

    start: LonLat
    end: LonLat
    length_m: float
    street: Street | None

    @property
    def approximate(self) -> bool:
        """True when no mapped path is known here."""
        return self.street is None or self.street.approximate


@dataclass(frozen=True)
class Step:
    """A stretch along one street (or across unmapped ground), language-neutral.

    ``turn_deg`` is the change of heading from the previous step, from -180 (left)
    to 180 (right); None for the first step.
    """

    label: StreetLabel | None
    length_m: float
    heading_deg: float
    end_heading_deg: float
    turn_deg: float | None
    approximate: bool


def build_steps(segments: Sequence[Segment]) -> tuple[Step, ...]:
    """Group a route's segments into steps, one per street, with the turns between.

    Examples
    --------
    >>> south = Segment((74.558, 42.8777), (74.558, 42.8752), 278.0,
    ...                 Street(names={"": "s-intergel-po-kocosu"}))
    >>> east = Segment((74.558, 42.8752), (74.563, 42.8752), 409.0,
    ...                Street(names={"": "s-kiev-kocosu"}))
    >>> steps = build_steps([south, east])
    >>> [(s.label.key, round(s.length_m)) for s in steps if s.label]
    [('s-intergel-po-kocosu', 278), ('s-kiev-kocosu', 409)]
    >>> round(steps[1].turn_deg or 0.0)
    -90
    """
    groups: list[list[Segment]] = []
    keys: list[tuple[StreetLabel | None, bool]] = []
    for segment in segments:
        if segment.length_m <= 0:
            continue
        mid_lon = (segment.start[0] + segment.end[0]) / 2
        key = (street_label(segment.street, mid_lon), segment.approximate)
        if keys and keys[-1] == key:
            groups[-1].append(segment)
        else:
            groups.append([segment])
            keys.append(key)
    groups, keys = _fold_short(groups, keys)
    steps: list[Step] = []
    for (label, approximate), group in zip(keys, groups, strict=True):
        heading = _heading_in(group)
        turn = None if not steps else _signed_turn(steps[-1].end_heading_deg, heading)
        steps.append(
            Step(
                label=label,
                length_m=sum(segment.length_m for segment in group),
                heading_deg=heading,
                end_heading_deg=_heading_out(group),
                turn_deg=turn,
                approximate=approximate,
            )
        )
    return tuple(steps)


def _heading_in(group: Sequence[Segment]) -> float:
    # A foot point a metre from a vertex gives a random bearing: look further on.
    travelled_m = 0.0
    for segment in group:
        travelled_m += segment.length_m
        if travelled_m >= HEADING_BASE_M:
            return bearing_deg(group[0].start, segment.end)
    return bearing_deg(group[0].start, group[-1].end)


def _heading_out(group: Sequence[Segment]) -> float:
    travelled_m = 0.0
    for segment in reversed(group):
        travelled_m += segment.length_m
        if travelled_m >= HEADING_BASE_M:
            return bearing_deg(segment.start, group[-1].end)
    return bearing_deg(group[0].start, group[-1].end)


def _fold_short(
    groups: list[list[Segment]], keys: list[tuple[StreetLabel | None, bool]]
) -> tuple[list[list[Segment]], list[tuple[StreetLabel | None, bool]]]:
    # A few metres across a median or a junction are not worth a sentence.
    changed = True
    while changed and len(groups) > 1:
        changed = False
        for i, group in enumerate(groups):
            if sum(segment.length_m for segment in group) >= MIN_STEP_M:
                continue
            if 0 < i < len(groups) - 1 and keys[i - 1] == keys[i + 1]:
                groups[i - 1 : i + 2] = [groups[i - 1] + group + groups[i + 1]]
                del keys[i : i + 2]
            elif i > 0:
                groups[i - 1 : i + 1] = [groups[i - 1] + group]
                del keys[i]
            else:
                groups[0:2] = [group + groups[1]]
                del keys[0]
            changed = True
            break
    return groups, keys


def _signed_turn(before_deg: float, after_deg: float) -> float:
    return (after_deg - before_deg + 540.0) % 360.0 - 180.0


def turn_kind(turn_deg: float) -> str:
    """Name a change of heading: ``straight``, ``slight left``, ``right``, ...

    Examples
    --------
    >>> turn_kind(-90.0), turn_kind(10.0), turn_kind(150.0)
    ('left', 'straight', 'sharp right')
    """
    size = abs(turn_deg)
    if size < 25:
        return "straight"
    if size >= 170:
        return "u-turn"
    side = "left" if turn_deg < 0 else "right"
    if size < 60:
        return f"slight {side}"
    if size < 140:
        return side
    return f"sharp {side}"


def rounded_distance(length_m: float) -> tuple[float, str]:
    """Round a distance the way people say it: 5 m steps, 10 m, then 0.1 km.

    Returns the number and its unit, ``m`` or ``km``; the web layer writes them
    in the visitor's language.

    Examples
    --------
    >>> rounded_distance(283), rounded_distance(42), rounded_distance(1234)
    ((280, 'm'), (40, 'm'), (1.2, 'km'))
    >>> rounded_distance(996)
    (1.0, 'km')
    """
    step = 10 if length_m >= 100 else 5
    metres = max(step, round(length_m / step) * step)
    if metres >= 1000:  # 999 m rounds to 1000 m: say 1.0 km
        return round(length_m / 1000, 1), "km"
    return metres, "m"


def format_distance(length_m: float, lang: str) -> str:
    """A rounded distance in ``lang``: its digits, decimal sign and unit names
    come from Babel's locale data (CLDR), so any language is covered.

    Examples
    --------
    >>> format_distance(283, "en"), format_distance(1234, "ru")
    ('280 m', '1,2 км')
    >>> format_distance(1000, "en")
    '1.0 km'
    """
    value, unit = rounded_distance(length_m)
    if unit == "km":
        return str(format_unit(value, "length-kilometer", "short", "#,##0.0", lang))
    return str(format_unit(value, "length-meter", "short", "#,##0", lang))


@dataclass(frozen=True)
class Directions:
    """Sentences for a route, and the language they are really in.

    ``lang`` differs from ``requested`` when the requested language has no
    phrase file: the sentences are then in English, and ``fallback`` says so
    for the web layer to tell the visitor.
    """

    lines: tuple[str, ...]
    lang: str
    requested: str

    @property
    def fallback(self) -> bool:
        """True when the directions are not in the language asked for."""
        return self.lang != self.requested

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)


def describe(steps: Sequence[Step], lang: str) -> Directions:
    """Write the steps as sentences in ``lang``, from its phrase file.

    A language without one gets English, flagged as ``fallback``.

    Examples
    --------
    >>> south = Segment((74.558, 42.8777), (74.558, 42.8752), 278.0,
    ...                 Street(names={"": "s-intergel-po-kocosu"}))
    >>> east = Segment((74.558, 42.8752), (74.563, 42.8752), 409.0,
    ...                Street(names={"": "chuy"}))
    >>> for line in describe(build_steps([south, east]), "en"):
    ...     print(line.replace("(formerly Deng Xiaoping Ave)", "(...)"))
    Walk south on Intergelpo St for 280 m, then turn left onto Chui Ave (...).
    Walk east on Chui Ave (...) for 410 m to arrive.
    >>> print(describe(build_steps([south, east]), "ky").lines[0].split(",")[0])
    Интергельпо көчөсү менен түштүккө 280 м басыңыз
    >>> describe(build_steps([south]), "xx").fallback
    True
    """
    book = phrasebook(lang)
    if book is None:
        book = _book(FALLBACK_LANGUAGE)
    lines = tuple(
        _sentence(book, step, steps[i + 1] if i + 1 < len(steps) else None)
        for i, step in enumerate(steps)
    )
    return Directions(lines=lines, lang=book.lang, requested=lang)


def _forms(book: Phrasebook, label: StreetLabel | None) -> Forms:
    forms = label.forms(book) if label else None
    return forms or book.unnamed


def _sentence(book: Phrasebook, step: Step, following: Step | None) -> str:
    distance = format_distance(step.length_m, book.lang)
    heading = book.headings[round(step.heading_deg / 45.0) % 8]
    if step.approximate:
        walk = book.sentences["walk_unmapped"].format(
            heading=heading, distance=distance
        )
    else:
        along = _forms(book, step.label).along
        walk = book.sentences["walk"].format(
            heading=heading, distance=distance, along=along
        )
    if following is None:
        return _capitalized(book.sentences["arrive"].format(walk=walk))
    kind = turn_kind(following.turn_deg or 0.0)
    turn = book.turns[kind]
    if following.approximate:
        return _capitalized(
            book.sentences["then_unmapped"].format(walk=walk, turn=turn)
        )
    forms = _forms(book, following.label)
    template = book.sentences["then_straight" if kind == "straight" else "then_turn"]
    return _capitalized(
        template.format(
            walk=walk, turn=turn, next_along=forms.along, next_onto=forms.onto
        )
    )


def _capitalized(sentence: str) -> str:
    # Templates may start with a heading or a street phrase in lower case.
    return sentence[:1].upper() + sentence[1:]
