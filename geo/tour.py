"""The tour as the app uses it: frozen dataclasses built from ``tour_data/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

from geo.distance import LonLat
from geo.errors import UnknownStopError
from geo.errors import UnknownTourError
from geo.placeholders import Places
from geo.placeholders import fill

Text = Mapping[str, str]
"""A text in several languages, keyed by language code."""

FALLBACK_LANGUAGE = "en"


def pick(text: Text | None, lang: str) -> str:
    """The text in ``lang``; else in English; else in any language it has; else "".

    >>> pick({"en": "Bridge", "ru": "Мост"}, "ru"), pick({"en": "Bridge"}, "ru")
    ('Мост', 'Bridge')
    >>> pick({"ru": "Мост"}, "ky"), pick({}, "en"), pick(None, "en")
    ('Мост', '', '')
    """
    if not text:
        return ""
    return text.get(lang) or text.get(FALLBACK_LANGUAGE) or next(iter(text.values()))


StopKind = Literal["meeting", "stop", "end"]

# A few metres of connector between a pin and the street centre line lie within
# the accuracy of both (streets ±5 m, firm pins ±15 m): that is not unknown ground.
APPROXIMATE_TOLERANCE_M = 10.0
PositionQuality = Literal["firm", "estimate"]


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"'«„“(]?[A-ZÀ-ÞА-ЯЁ0-9])")


def first_sentences(text: str, count: int) -> str:
    """The first ``count`` sentences of a text's first paragraph.

    >>> first_sentences("One. Two two. Three.", 2)
    'One. Two two.'
    >>> first_sentences("Сто лет назад. Весной 1925 года.\\n\\nДальше.", 5)
    'Сто лет назад. Весной 1925 года.'
    """
    paragraph = text.strip().split("\n\n", 1)[0]
    return " ".join(_SENTENCE_END.split(paragraph)[:count]).strip()


@dataclass(frozen=True)
class Source:
    """Where a fact comes from; ``url`` is None for a source known only by name."""

    url: str | None
    title: str


@dataclass(frozen=True)
class Position:
    """How sure we are of a pin: ``firm`` or ``estimate``, with a one-sigma radius."""

    quality: PositionQuality
    error_m: float
    basis: Text


@dataclass(frozen=True)
class StreetName:
    """A street renamed in 2025-26: the old name the story uses, the new signs."""

    old: Text
    new: Text


@dataclass(frozen=True)
class Stop:
    """One stop of the walk."""

    id: str
    order: int
    kind: StopKind
    lonlat: LonLat
    name: Text
    summary: Text
    narrative: Text
    look_for: Mapping[str, tuple[str, ...]]
    dwell_min: float
    arrival_radius_m: float
    position: Position
    sources: tuple[Source, ...]
    street_names: tuple[StreetName, ...] = ()
    site_note: Text | None = None

    def texts(self) -> Iterator[tuple[str, Text]]:
        """Every text of the stop with its field name, as the data file spells it."""
        yield "name", self.name
        yield "summary", self.summary
        yield "narrative", self.narrative
        count = max((len(items) for items in self.look_for.values()), default=0)
        for index in range(count):
            yield (
                f"look_for[{index}]",
                {
                    lang: items[index]
                    for lang, items in self.look_for.items()
                    if index < len(items)
                },
            )
        yield "position.basis", self.position.basis
        if self.site_note is not None:
            yield "site_note", self.site_note
        for index, names in enumerate(self.street_names):
            yield f"street_names[{index}].old", names.old
            yield f"street_names[{index}].new", names.new

    @property
    def lon(self) -> float:
        """Longitude in degrees."""
        return self.lonlat[0]

    @property
    def lat(self) -> float:
        """Latitude in degrees."""
        return self.lonlat[1]


@dataclass(frozen=True)
class Leg:
    """The walking path from one stop to the next."""

    from_id: str
    to_id: str
    coords: tuple[LonLat, ...]
    length_m: float
    duration_s: float
    street_m: float
    approximate_m: float

    @property
    def approximate(self) -> bool:
        """True when part of the leg crosses ground whose paths are not known."""
        return self.approximate_m > APPROXIMATE_TOLERANCE_M


@dataclass(frozen=True)
class Tour:
    """The whole tour: what it is, its stops in walking order, and the legs between."""

    id: str
    languages: tuple[str, ...]
    default_language: str
    title: Text
    description: Text
    duration_min: float
    price_amount: float
    price_currency: str
    meeting_point: Text
    meeting_directions: Text
    what_to_bring: Text
    registration_required: bool
    phone: str
    time_zone: str
    walking_speed_kmh: float
    attribution: str
    sources: tuple[Source, ...]
    stops: tuple[Stop, ...]
    legs: tuple[Leg, ...]
    walks_m: Mapping[tuple[str, ...], float] = field(default_factory=dict)
    """Walking lengths for ``{walk-...}`` placeholders: stops visited -> metres."""
    landmarks: Mapping[str, LonLat] = field(default_factory=dict)
    """Every stop the data files know, so a shorter variant still fills its texts."""

    TEXT_FIELDS = (
        "title",
        "description",
        "meeting_point",
        "meeting_directions",
        "what_to_bring",
    )

    def texts(self) -> Iterator[tuple[str, Text]]:
        """The tour's own texts (not the stops') with their field names."""
        for name in self.TEXT_FIELDS:
            yield name, getattr(self, name)

    def all_texts(self) -> list[str]:
        """Every text of the tour and its stops, in every language."""
        texts = [value for _name, text in self.texts() for value in text.values()]
        for stop in self.stops:
            texts += [value for _name, text in stop.texts() for value in text.values()]
        return texts

    def text_in(self, text: Text, lang: str) -> str:
        """``text`` in ``lang`` (English when missing), its placeholders filled."""
        if not text:
            return ""
        chosen = lang if text.get(lang) else FALLBACK_LANGUAGE
        if not text.get(chosen):
            chosen = next(iter(text))
        return fill(text[chosen], chosen, self.places)

    @property
    def places(self) -> Places:
        """What placeholders are filled from: the pins, the walks, the speed."""
        return Places(
            lonlats={**self.landmarks, **{stop.id: stop.lonlat for stop in self.stops}},
            walks_m=self.walks_m,
            walking_speed_kmh=self.walking_speed_kmh,
        )

    def stop(self, stop_id: str) -> Stop:
        """Return the stop with this id, or raise `UnknownStopError`."""
        for stop in self.stops:
            if stop.id == stop_id:
                return stop
        raise UnknownStopError(stop_id)

    def leg_to(self, stop_id: str) -> Leg | None:
        """Return the leg that ends at ``stop_id``; None for the meeting point."""
        return next((leg for leg in self.legs if leg.to_id == stop_id), None)

    def neighbours(self, stop_id: str) -> tuple[Stop | None, Stop | None]:
        """Return the previous and next stop in walking order."""
        index = self.stops.index(self.stop(stop_id))
        previous = self.stops[index - 1] if index > 0 else None
        following = self.stops[index + 1] if index + 1 < len(self.stops) else None
        return previous, following

    @property
    def numbered_stops(self) -> tuple[Stop, ...]:
        """The stops a walker counts (1, 2, ...): all but the meeting point."""
        return tuple(stop for stop in self.stops if stop.kind != "meeting")

    @property
    def stop_count(self) -> int:
        """How many numbered stops: "6 stops + meeting point" counts 6."""
        return len(self.numbered_stops)

    @property
    def walk_length_m(self) -> float:
        """Total walking length of the legs in metres."""
        return sum(leg.length_m for leg in self.legs)

    @property
    def walk_duration_s(self) -> float:
        """Total walking time of the legs in seconds."""
        return sum(leg.duration_s for leg in self.legs)

    @property
    def dwell_min(self) -> float:
        """Minutes spent at the stops."""
        return sum(stop.dwell_min for stop in self.stops)

    @property
    def total_min(self) -> float:
        """Walking plus dwell, in minutes."""
        return self.walk_duration_s / 60 + self.dwell_min

    def walk_seconds(self, length_m: float) -> float:
        """Seconds to walk ``length_m`` at the tour's walking speed."""
        return length_m / (self.walking_speed_kmh * 1000 / 3600)


@dataclass(frozen=True)
class Catalogue:
    """Every tour of the site by id (its ``tour_data/`` folder name), in id order.

    ``default_id`` is the tour that the links of the single-tour site open.
    """

    tours: Mapping[str, Tour]
    default_id: str

    def tour(self, tour_id: str) -> Tour:
        """Return the tour with this id, or raise `UnknownTourError`."""
        try:
            return self.tours[tour_id]
        except KeyError:
            raise UnknownTourError(tour_id) from None

    @property
    def default(self) -> Tour:
        """The default tour."""
        return self.tours[self.default_id]
