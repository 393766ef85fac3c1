"""The one reader of ``directions/1`` files: walking-direction phrases per language.

Each language is a file ``geo/lang/<lang>.json``; adding a language is adding a
file (and its interface catalogue), no code. A file gives:

- ``headings``: the eight compass directions as said after "walk";
- ``turns``: the eight kinds of turn (`geo.directions.turn_kind`);
- ``sentences``: templates with ``{walk}``, ``{heading}``, ``{distance}``,
  ``{along}``, ``{turn}``, ``{next_along}``, ``{next_onto}``;
- ``streets``: for every street the guide knows (the keys of ``en.json``), the
  phrase for walking ``along`` it and for turning ``onto`` it, with the words
  around the name in that language's grammar (``po Čujské třídě``/``na Čujskou
  třídu``, ``Манас көчөсү менен``/``Манас көчөсүнө``); a plain string is a name
  put into ``street_forms``;
- ``street_forms``, ``unnamed``, ``tour_path``: ``along``/``onto`` for other
  streets (``{name}``), unnamed ones and the tour's own path;
- ``name_keys``: which OSM ``name:<key>`` to try for streets the file does not
  list (``""`` is the plain name); optional ``abbreviations`` rewrite a street
  word before or after such a name (``{"as": "ул. {name}", "before": ["улица"],
  "after": ["көчөсү"]}``), the first that matches.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from geo.errors import TourDataError

FORMAT = "directions/1"
LANG_DIR = Path(__file__).with_name("lang")
REFERENCE = "en"
"""The language every other file must match street for street."""

HEADINGS = (
    "north",
    "north-east",
    "east",
    "south-east",
    "south",
    "south-west",
    "west",
    "north-west",
)
TURNS = (
    "straight",
    "slight left",
    "slight right",
    "left",
    "right",
    "sharp left",
    "sharp right",
    "u-turn",
)
_STEP_FIELDS = frozenset({"heading", "distance", "along"})
_THEN_FIELDS = frozenset({"walk", "turn"})
SENTENCE_FIELDS: dict[str, frozenset[str]] = {
    "walk": _STEP_FIELDS,
    "walk_unmapped": frozenset({"heading", "distance"}),
    "arrive": frozenset({"walk"}),
    "then_unmapped": _THEN_FIELDS,
    "then_straight": _THEN_FIELDS | {"next_along", "next_onto"},
    "then_turn": _THEN_FIELDS | {"next_along", "next_onto"},
}
"""Each sentence template and the fields it may use; ``{walk}`` must be in the
``then``/``arrive`` ones (the step itself), the others say what they need."""


class PhrasebookError(TourDataError):
    """A ``geo/lang`` file that is malformed: the message names file and field."""

    def __init__(self, path: Path | str, field: str | None, problem: str):
        super().__init__(str(path), None, field, problem)


@dataclass(frozen=True)
class Forms:
    """How to say walking along a street and turning onto it."""

    along: str
    onto: str


@dataclass(frozen=True)
class Abbreviation:
    """A street word said this language's way: ``улица Ленина`` or ``Ленина
    көчөсү`` become ``ул. Ленина`` with ``"as": "ул. {name}"``."""

    template: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    def apply(self, name: str) -> str | None:
        """The name rewritten, or None when it has none of the words."""
        words = name.split()
        if len(words) < 2:
            return None
        if words[0].casefold() in self.before:
            return self.template.format(name=" ".join(words[1:]))
        if words[-1].casefold() in self.after:
            return self.template.format(name=" ".join(words[:-1]))
        return None


@dataclass(frozen=True)
class Phrasebook:
    """One language's direction phrases, checked."""

    lang: str
    headings: tuple[str, ...]
    turns: dict[str, str]
    sentences: dict[str, str]
    streets: dict[str, Forms]
    names: dict[str, str]
    """The plain name of each street given as a string (``"chuy": "Chui Ave"``)."""
    street_forms: Forms
    unnamed: Forms
    tour_path: Forms
    name_keys: tuple[str, ...]
    abbreviations: tuple[Abbreviation, ...]

    def other_name(self, names: dict[str, str]) -> str | None:
        """This language's name of a street the file does not list, from its OSM
        names, shortened as the file's abbreviations say."""
        for key in self.name_keys:
            name = names.get(key, "").strip()
            if not name:
                continue
            for abbreviation in self.abbreviations:
                shortened = abbreviation.apply(name)
                if shortened:
                    return shortened
            return name
        return None

    def other_street(self, names: dict[str, str]) -> Forms | None:
        """Forms for a street the file does not list, from its OSM names."""
        name = self.other_name(names)
        if name is None:
            return None
        return Forms(
            along=self.street_forms.along.format(name=name),
            onto=self.street_forms.onto.format(name=name),
        )


def languages(directory: Path = LANG_DIR) -> tuple[str, ...]:
    """The languages that have a phrase file."""
    return tuple(sorted(path.stem for path in directory.glob("*.json")))


@cache
def phrasebook(lang: str, directory: Path = LANG_DIR) -> Phrasebook | None:
    """The checked phrases of ``lang``, or None when it has no file."""
    path = directory / f"{lang}.json"
    if not path.is_file():
        return None
    streets = None
    if lang != REFERENCE:
        reference = phrasebook(REFERENCE, directory)
        streets = frozenset(reference.streets) if reference else None
    return load_phrasebook(path, streets)


def load_all(directory: Path = LANG_DIR) -> tuple[Phrasebook, ...]:
    """Read and check every phrase file (at start-up, so a bad one stops it)."""
    books = (phrasebook(lang, directory) for lang in languages(directory))
    return tuple(book for book in books if book is not None)


def load_phrasebook(path: Path, streets: frozenset[str] | None = None) -> Phrasebook:
    """Read one ``directions/1`` file; ``streets`` are the keys it must name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PhrasebookError(path, None, f"cannot be read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise PhrasebookError(path, None, f"not JSON: {exc}") from None
    reader = _Reader(path, data)
    if reader.text("format") != FORMAT:
        reader.fail("format", f"must be {FORMAT!r}")
    lang = reader.text("lang")
    if lang != path.stem:
        reader.fail("lang", f"{lang!r} does not match the file name {path.name!r}")
    headings = reader.table("headings", HEADINGS)
    turns = reader.table("turns", TURNS)
    sentences = reader.table("sentences", tuple(SENTENCE_FIELDS))
    for key, allowed in SENTENCE_FIELDS.items():
        reader.template(f"sentences.{key}", sentences[key], allowed)
        if "walk" in allowed and "{walk}" not in sentences[key]:
            reader.fail(f"sentences.{key}", "must contain {walk}")
    street_forms = reader.forms("street_forms", frozenset({"name"}))
    for part in ("along", "onto"):
        if "{name}" not in getattr(street_forms, part):
            reader.fail(f"street_forms.{part}", "must contain {name}")
    raw_streets = reader.mapping("streets")
    if streets is not None:
        missing = sorted(streets - raw_streets.keys())
        extra = sorted(raw_streets.keys() - streets)
        if missing:
            reader.fail(f"streets.{missing[0]}", "missing (every street in en.json)")
        if extra:
            reader.fail(f"streets.{extra[0]}", "not a street en.json knows")
    known: dict[str, Forms] = {}
    names: dict[str, str] = {}
    for key, value in raw_streets.items():
        if isinstance(value, str):
            name = names[key] = reader.text(f"streets.{key}", value)
            known[key] = Forms(
                along=street_forms.along.format(name=name),
                onto=street_forms.onto.format(name=name),
            )
        else:
            known[key] = reader.forms(f"streets.{key}", frozenset(), value)
    name_keys = reader.value("name_keys")
    if not (
        isinstance(name_keys, list)
        and name_keys
        and all(isinstance(key, str) for key in name_keys)
    ):
        reader.fail("name_keys", "must be a non-empty list of OSM name keys")
    return Phrasebook(
        lang=lang,
        headings=tuple(headings[key] for key in HEADINGS),
        turns=turns,
        sentences=sentences,
        streets=known,
        names=names,
        street_forms=street_forms,
        unnamed=reader.forms("unnamed", frozenset()),
        tour_path=reader.forms("tour_path", frozenset()),
        name_keys=tuple(name_keys),
        abbreviations=reader.abbreviations("abbreviations"),
    )


class _Reader:
    """Field access that fails naming the file and the dotted field."""

    def __init__(self, path: Path, data: Any):
        self.path = path
        if not isinstance(data, dict):
            self.fail(None, "must be a JSON object")
        self.data: dict[str, Any] = data

    def fail(self, field: str | None, problem: str) -> Any:
        raise PhrasebookError(self.path, field, problem)

    def value(self, field: str) -> Any:
        if field not in self.data:
            self.fail(field, "missing")
        return self.data[field]

    def text(self, field: str, value: Any = None) -> str:
        value = self.value(field) if value is None else value
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be a non-empty string")
        if value != value.strip():
            self.fail(field, "has spaces at the start or end")
        return str(value)

    def mapping(self, field: str, value: Any = None) -> dict[str, Any]:
        value = self.value(field) if value is None else value
        if not isinstance(value, dict):
            self.fail(field, "must be a JSON object")
        return dict(value)

    def table(self, field: str, keys: tuple[str, ...]) -> dict[str, str]:
        raw = self.mapping(field)
        for key in raw:
            if key not in keys:
                self.fail(f"{field}.{key}", f"unknown; expected one of {list(keys)}")
        for key in keys:
            if key not in raw:
                self.fail(f"{field}.{key}", "missing")
        return {key: self.text(f"{field}.{key}", raw[key]) for key in keys}

    def template(self, field: str, text: str, allowed: frozenset[str]) -> None:
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        except ValueError as exc:
            self.fail(field, f"bad template: {exc}")
        unknown = sorted(names - allowed)
        if unknown:
            self.fail(field, f"unknown placeholder {{{unknown[0]}}}")

    def forms(self, field: str, allowed: frozenset[str], value: Any = None) -> Forms:
        raw = self.mapping(field, value)
        for key in raw:
            if key not in ("along", "onto"):
                self.fail(f"{field}.{key}", "unknown; expected 'along' and 'onto'")
        for key in ("along", "onto"):
            if key not in raw:
                self.fail(f"{field}.{key}", "missing")
            self.template(
                f"{field}.{key}", self.text(f"{field}.{key}", raw[key]), allowed
            )
        return Forms(along=raw["along"], onto=raw["onto"])

    def abbreviations(self, field: str) -> tuple[Abbreviation, ...]:
        raw = self.data.get(field, [])
        if not isinstance(raw, list):
            self.fail(field, "must be a list")
        result = []
        for i, item in enumerate(raw):
            where = f"{field}[{i}]"
            entry = self.mapping(where, item)
            words = {}
            for key in ("before", "after"):
                value = entry.get(key, [])
                if not isinstance(value, list) or not all(
                    isinstance(word, str) and word.strip() for word in value
                ):
                    self.fail(f"{where}.{key}", "must be a list of words")
                words[key] = tuple(word.casefold() for word in value)
            template = self.text(f"{where}.as", entry.get("as"))
            self.template(f"{where}.as", template, frozenset({"name"}))
            if "{name}" not in template:
                self.fail(f"{where}.as", "must contain {name}")
            result.append(Abbreviation(template, words["before"], words["after"]))
        return tuple(result)
