"""Compass points in words, per language: the one place those words live.

Each language lists the 16 points clockwise from north, in each grammatical form
its sentences need. ``name`` is the bare word (English "south-west", Russian
"юго-запад" as in "на юго-запад"); other forms are named after their use:

- ``ru``: ``loc`` "на юго-западе", ``dat`` "к юго-западу";
- ``cs``: ``adv`` "jihozápadně", ``loc`` "na jihozápadě";
- ``sk``: ``adv`` "juhozápadne", ``loc`` "na juhozápade";
- ``ky``: ``loc`` "түштүк-батышта", ``dat`` "түштүк-батышка".

A sixth language is one more entry in `COMPASS_WORDS`.
"""

from __future__ import annotations

from geo.distance import LonLat
from geo.distance import bearing_deg

Words = tuple[str, ...]


def _with(suffixes: dict[str, str], words: Words) -> Words:
    """Add an ending to each word, chosen by how the word ends (longest first)."""
    endings = sorted(suffixes, key=len, reverse=True)
    return tuple(
        word + next(suffixes[end] for end in endings if word.endswith(end))
        for word in words
    )


def _south(words: Words, south: str) -> Words:
    """Replace the word for due south, whose adverb is irregular."""
    return words[:8] + (south,) + words[9:]


_EN: Words = (
    "north",
    "north-north-east",
    "north-east",
    "east-north-east",
    "east",
    "east-south-east",
    "south-east",
    "south-south-east",
    "south",
    "south-south-west",
    "south-west",
    "west-south-west",
    "west",
    "west-north-west",
    "north-west",
    "north-north-west",
)
_RU: Words = (
    "север",
    "северо-северо-восток",
    "северо-восток",
    "востоко-северо-восток",
    "восток",
    "востоко-юго-восток",
    "юго-восток",
    "юго-юго-восток",
    "юг",
    "юго-юго-запад",
    "юго-запад",
    "западо-юго-запад",
    "запад",
    "западо-северо-запад",
    "северо-запад",
    "северо-северо-запад",
)
_CS: Words = (
    "sever",
    "severoseverovýchod",
    "severovýchod",
    "východoseverovýchod",
    "východ",
    "východojihovýchod",
    "jihovýchod",
    "jihojihovýchod",
    "jih",
    "jihojihozápad",
    "jihozápad",
    "západojihozápad",
    "západ",
    "západoseverozápad",
    "severozápad",
    "severoseverozápad",
)
_SK: Words = (
    "sever",
    "severoseverovýchod",
    "severovýchod",
    "východoseverovýchod",
    "východ",
    "východojuhovýchod",
    "juhovýchod",
    "juhojuhovýchod",
    "juh",
    "juhojuhozápad",
    "juhozápad",
    "západojuhozápad",
    "západ",
    "západoseverozápad",
    "severozápad",
    "severoseverozápad",
)
_KY: Words = (
    "түндүк",
    "түндүк-түндүк-чыгыш",
    "түндүк-чыгыш",
    "чыгыш-түндүк-чыгыш",
    "чыгыш",
    "чыгыш-түштүк-чыгыш",
    "түштүк-чыгыш",
    "түштүк-түштүк-чыгыш",
    "түштүк",
    "түштүк-түштүк-батыш",
    "түштүк-батыш",
    "батыш-түштүк-батыш",
    "батыш",
    "батыш-түндүк-батыш",
    "түндүк-батыш",
    "түндүк-түндүк-батыш",
)

COMPASS_WORDS: dict[str, dict[str, Words]] = {
    "en": {"name": _EN},
    "ru": {"name": _RU, "loc": _with({"": "е"}, _RU), "dat": _with({"": "у"}, _RU)},
    "cs": {
        "name": _CS,
        "adv": _south(_with({"": "ně"}, _CS), "jižně"),
        "loc": _with({"d": "ě", "r": "u", "h": "u"}, _CS),
    },
    "sk": {
        "name": _SK,
        "adv": _south(_with({"": "ne"}, _SK), "južne"),
        "loc": _with({"d": "e", "r": "e", "h": "u"}, _SK),
    },
    # Kyrgyz endings follow the last vowel and a voiceless final consonant.
    "ky": {
        "name": _KY,
        "loc": _with({"к": "тө", "ш": "та"}, _KY),
        "dat": _with({"к": "кө", "ш": "ка"}, _KY),
    },
}
"""Compass words by language, then by grammatical form: 16 points from north."""


class UnknownWordFormError(KeyError):
    """A language or a grammatical form the compass table does not have."""


def compass_index(heading_deg: float, points: int = 16) -> int:
    """The compass point (0 = north, clockwise) nearest to ``heading_deg``.

    Examples
    --------
    >>> compass_index(203.4), compass_index(130.0), compass_index(359.0)
    (9, 6, 0)
    >>> compass_index(203.4, points=8), compass_index(200.0, points=8)
    (5, 4)
    """
    return round((heading_deg % 360.0) / (360.0 / points)) % points


def compass_word(
    heading_deg: float, lang: str, form: str = "name", points: int = 16
) -> str:
    """The word for ``heading_deg`` in ``lang`` and ``form``, on 16 or 8 points.

    Examples
    --------
    >>> compass_word(203.4, "en"), compass_word(203.4, "ru", "dat")
    ('south-south-west', 'юго-юго-западу')
    >>> compass_word(180.0, "cs", "adv"), compass_word(90.0, "sk", "loc")
    ('jižně', 'východe')
    >>> compass_word(310.0, "ky", "loc"), compass_word(0.0, "ky", "dat")
    ('түндүк-батышта', 'түндүккө')
    >>> compass_word(200.0, "en", points=8)
    'south'
    """
    if points not in (8, 16):
        msg = f"compass words come in 8 or 16 points, not {points}"
        raise ValueError(msg)
    try:
        words = COMPASS_WORDS[lang][form]
    except KeyError:
        raise UnknownWordFormError(f"no compass words for {lang!r}, {form!r}") from None
    return words[compass_index(heading_deg, points) * (16 // points)]


def bearing_words(a: LonLat, b: LonLat, lang: str, form: str = "name") -> str:
    """Which way ``b`` lies from ``a``, in words (16 points).

    Examples
    --------
    >>> meeting, station = (74.55826, 42.87766), (74.55194, 42.86694)
    >>> bearing_words(meeting, station, "en")
    'south-south-west'
    >>> bridge, bazaar = (74.56567, 42.87766), (74.57, 42.875)
    >>> bearing_words(bridge, bazaar, "ru"), bearing_words(bazaar, bridge, "cs")
    ('юго-восток', 'severozápad')
    """
    return compass_word(bearing_deg(a, b), lang, form)
