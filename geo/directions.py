"""Turn-by-turn walking directions in plain English and Russian, from street names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from babel.units import format_unit

from geo.distance import LonLat
from geo.distance import bearing_deg
from geo.network import Street

LANGUAGES = ("en", "ru")
MIN_STEP_M = 20.0
"""Steps shorter than this (a kink at a dual carriageway) fold into a neighbour."""

HEADING_BASE_M = 20.0
"""Headings are measured over at least this much of a step, not over a stub."""

FUCIK_LON = 74.5622
"""Chui Ave west of the Fučík St junction was Deng Xiaoping Ave until 2025-26."""
LEV_TOLSTOY_LON = 74.587
"""Shabdan Baatyr St west of this longitude was Lev Tolstoy St until 2025-26."""


@dataclass(frozen=True)
class StreetLabel:
    """How a street is named to people.

    Russian needs a form after «по» (along) and after «на» (onto); abbreviated
    names (``ул. Интергельпо``) are the same in both.
    """

    en: str
    ru_along: str
    ru_onto: str


def _label(en: str, ru: str) -> StreetLabel:
    return StreetLabel(en=en, ru_along=ru, ru_onto=ru)


CHUI_DENG = _label(
    "Chui Ave (formerly Deng Xiaoping Ave)", "пр. Чуй (бывш. пр. Дэн Сяопина)"
)
SHABDAN_TOLSTOY = _label(
    "Shabdan Baatyr St (formerly Lev Tolstoy St)",
    "ул. Шабдан Баатыра (бывш. ул. Льва Толстого)",
)
MANAS_FUCIK = _label("Manas St (formerly Fučík St)", "ул. Манаса (бывш. ул. Фучика)")
TOUR_PATH = StreetLabel("the tour path", "маршруту экскурсии", "маршрут экскурсии")

# Display names of the slugs in ../shared/geodata (see its SOURCE.md): the upstream
# OSM data already uses the 2025-26 names, the tour's stories the old ones.
SLUG_LABELS: dict[str, StreetLabel] = {
    "chuy": _label("Chui Ave", "пр. Чуй"),
    "zhibek": _label("Jibek Jolu Ave", "пр. Жибек Жолу"),
    "s-intergel-po-kocosu": _label("Intergelpo St", "ул. Интергельпо"),
    "manas": MANAS_FUCIK,
    "s-fucik-ulius-kocosu": MANAS_FUCIK,
    "s-dimitrov-kocosu": _label("Dimitrov St", "ул. Димитрова"),
    "s-imanaly-ajdarbekov-kocosu": _label(
        "I. Aidarbekov St (formerly Molodaya Gvardiya Blvd)",
        "ул. И. Айдарбекова (бывш. бул. Молодой Гвардии)",
    ),
    "aitmatov": _label(
        "Aitmatov Ave (formerly Manas Ave)", "пр. Айтматова (бывш. пр. Манаса)"
    ),
    "shabdan": _label("Shabdan Baatyr St", "ул. Шабдан Баатыра"),
    "s-lev-tolstoj-kocosu": _label("Lev Tolstoy St", "ул. Льва Толстого"),
    "s-toktogul-kocosu": _label("Toktogul St", "ул. Токтогула"),
    "s-toktogula": _label("Toktogul St", "ул. Токтогула"),
    "s-kiev-kocosu": _label("Kievskaya St", "ул. Киевская"),
    "s-moskva-kocosu": _label("Moskovskaya St", "ул. Московская"),
    "s-togolok-moldo-kocosu": _label("Togolok Moldo St", "ул. Тоголок Молдо"),
    "s-togolok-moldo": _label("Togolok Moldo St", "ул. Тоголок Молдо"),
    "abdrakhmanov": _label("Abdrakhmanov St", "ул. Абдрахманова"),
    "s-ibraimov-kocosu": _label("Ibraimov St", "ул. Ибраимова"),
    "s-mihail-frunze-kocosu": _label("Frunze St", "ул. Фрунзе"),
    "s-kasymaly-baalinov-kocosu": _label("K. Bayalinov St", "ул. К. Баялинова"),
    "s-joomart-bokonbaev-kocosu": _label("J. Bokonbaev St", "ул. Ж. Боконбаева"),
    "s-ryskulov-kocosu": _label("Ryskulov St", "ул. Рыскулова"),
    "s-ryskulova": _label("Ryskulov St", "ул. Рыскулова"),
    "s-pavlov-kocosu": _label("Pavlov St", "ул. Павлова"),
    "s-kulieva": _label("Kulieva St", "ул. Кулиева"),
    "s-osmonkul-kocosu": _label("Osmonkul St", "ул. Осмонкула"),
    "s-urkua-salieva-kocosu": _label("Urkuya Salieva St", "ул. Уркуи Салиевой"),
    "s-kurmanjan-datka-kocosu": _label("Kurmanjan Datka St", "ул. Курманжан Датки"),
    "s-kurmanjan-datka": _label("Kurmanjan Datka St", "ул. Курманжан Датки"),
    "s-jajyl-baatyr-kocosu": _label("Jaiyl Baatyr St", "ул. Жайыл Баатыра"),
    "s-asanalieva-usengazy": _label("U. Asanaliev St", "ул. У. Асаналиева"),
    "s-usongazy-asanaliev-kocosu": _label("U. Asanaliev St", "ул. У. Асаналиева"),
    "s-erkinbek-matyev-kocosu": _label("E. Matyev St", "ул. Э. Матыева"),
    "s-sadyrbaeva-dooronbeka": _label("D. Sadyrbaev St", "ул. Д. Садырбаева"),
}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)+$|^[a-z]+$")
# Russian street words, abbreviated so the name needs no declension after по/на.
_RU_KINDS = (
    (re.compile(r"^(?:улица|ул\.)\s+(.+)$|^(.+?)\s+(?:улица|көчөсү)$", re.I), "ул."),
    (
        re.compile(
            r"^(?:проспект|пр-т)\s+(.+)$|^(.+?)\s+(?:проспект|проспектиси)$", re.I
        ),
        "пр.",
    ),
    (
        re.compile(r"^(?:переулок|пер\.)\s+(.+)$|^(.+?)\s+(?:переулок|тупиги)$", re.I),
        "пер.",
    ),
    (re.compile(r"^(?:бульвар)\s+(.+)$|^(.+?)\s+(?:бульвар|бульвары)$", re.I), "бул."),
)


def street_label(street: Street | None, lon: float) -> StreetLabel | None:
    """Return how to name a street to people, or None for an unnamed one.

    ``lon`` is where on the street the walker is: Chui Ave west of Fučík St is
    named with its old name too.

    Examples
    --------
    >>> street_label(Street(names={"": "chuy"}), 74.560).en
    'Chui Ave (formerly Deng Xiaoping Ave)'
    >>> street_label(Street(names={"": "chuy"}), 74.566).en
    'Chui Ave'
    >>> street_label(Street(names={"": "s-unknown-kocosu"}), 74.56) is None
    True
    """
    if street is None:
        return None
    if street.highway == "tour-path":
        return TOUR_PATH
    raw = street.names.get("", "")
    if raw == "chuy" and lon < FUCIK_LON:
        return CHUI_DENG
    if raw == "shabdan" and lon < LEV_TOLSTOY_LON:
        return SHABDAN_TOLSTOY
    if raw in SLUG_LABELS:
        return SLUG_LABELS[raw]
    if _SLUG.match(raw):
        raw = ""  # a data slug we have no display name for is no name at all
    en = street.names.get("en") or raw
    ru = _abbreviate_ru(street.names.get("ru") or raw)
    if not en or not ru:
        return None
    return _label(en, ru)


def _abbreviate_ru(name: str) -> str:
    for pattern, short in _RU_KINDS:
        match = pattern.match(name.strip())
        if match:
            return f"{short} {match.group(1) or match.group(2)}"
    return name


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
    >>> [(s.label.en, round(s.length_m)) for s in steps if s.label]
    [('Intergelpo St', 278), ('Kievskaya St', 409)]
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


_HEADINGS = {
    "en": (
        "north",
        "north-east",
        "east",
        "south-east",
        "south",
        "south-west",
        "west",
        "north-west",
    ),
    "ru": (
        "на север",
        "на северо-восток",
        "на восток",
        "на юго-восток",
        "на юг",
        "на юго-запад",
        "на запад",
        "на северо-запад",
    ),
}
_TURNS = {
    "en": {
        "straight": "continue straight",
        "slight left": "bear left",
        "slight right": "bear right",
        "left": "turn left",
        "right": "turn right",
        "sharp left": "turn sharp left",
        "sharp right": "turn sharp right",
        "u-turn": "turn back",
    },
    "ru": {
        "straight": "продолжайте прямо",
        "slight left": "держитесь левее",
        "slight right": "держитесь правее",
        "left": "поверните налево",
        "right": "поверните направо",
        "sharp left": "поверните резко налево",
        "sharp right": "поверните резко направо",
        "u-turn": "развернитесь",
    },
}


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
    >>> format_distance(1260, "cs"), format_distance(460, "ky")
    ('1,3 km', '460 м')
    >>> format_distance(1000, "en")
    '1.0 km'
    """
    value, unit = rounded_distance(length_m)
    if unit == "km":
        return str(format_unit(value, "length-kilometer", "short", "#,##0.0", lang))
    return str(format_unit(value, "length-meter", "short", "#,##0", lang))


def _heading(heading_deg: float, lang: str) -> str:
    return _HEADINGS[lang][round(heading_deg / 45.0) % 8]


def describe(steps: Sequence[Step], lang: str) -> list[str]:
    """Write the steps as sentences in ``lang`` (``en`` or ``ru``; others get English).

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
    >>> print(describe(build_steps([south, east]), "ru")[0][:60])
    Идите на юг по ул. Интергельпо 280 м, затем поверните налево
    """
    lang = lang if lang in LANGUAGES else "en"
    sentence = _sentence_ru if lang == "ru" else _sentence_en
    return [
        sentence(step, steps[i + 1] if i + 1 < len(steps) else None)
        for i, step in enumerate(steps)
    ]


def _sentence_en(step: Step, following: Step | None) -> str:
    distance = format_distance(step.length_m, "en")
    heading = _heading(step.heading_deg, "en")
    if step.approximate:
        text = f"Walk about {distance} {heading} in a straight line (no mapped path)"
    else:
        name = step.label.en if step.label else "an unnamed street"
        text = f"Walk {heading} on {name} for {distance}"
    if following is None:
        return f"{text} to arrive."
    turn = _TURNS["en"][turn_kind(following.turn_deg or 0.0)]
    if following.approximate:
        return f"{text}, then {turn}."
    onto = following.label.en if following.label else "an unnamed street"
    return f"{text}, then {turn} onto {onto}."


def _sentence_ru(step: Step, following: Step | None) -> str:
    distance = format_distance(step.length_m, "ru")
    heading = _heading(step.heading_deg, "ru")
    if step.approximate:
        text = f"Идите около {distance} {heading} по прямой (пути на карте нет)"
    else:
        along = step.label.ru_along if step.label else "безымянной улице"
        text = f"Идите {heading} по {along} {distance}"
    if following is None:
        return f"{text} до места назначения."
    kind = turn_kind(following.turn_deg or 0.0)
    if following.approximate:
        then = "идите прямо" if kind == "straight" else _TURNS["ru"][kind]
        return f"{text}, затем {then}."
    if kind == "straight":
        along = following.label.ru_along if following.label else "безымянной улице"
        return f"{text}, затем {_TURNS['ru'][kind]} по {along}."
    onto = following.label.ru_onto if following.label else "безымянную улицу"
    return f"{text}, затем {_TURNS['ru'][kind]} на {onto}."
