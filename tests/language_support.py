"""Helpers for the language tests: the declared languages, catalogues, page text."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
TOUR_DATA = ROOT / "tour_data" / "interhelpo"  # the shipped tour's own folder
SOURCE_LANGUAGE = "en"


def declared_languages(folder: Path = TOUR_DATA) -> list[str]:
    """The languages a tour declares in its tour.json, in its order."""
    meta = json.loads((folder / "tour.json").read_text(encoding="utf-8"))
    return list(meta["languages"])


DECLARED = declared_languages()
TRANSLATED = [lang for lang in DECLARED if lang != SOURCE_LANGUAGE]
"""The shipped tour's languages that need a catalogue and translated texts."""


def catalogue(lang: str) -> Catalog:
    """A language's interface catalogue, as Babel reads it."""
    path = ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def extract_pot(target: Path) -> Catalog:
    """Every interface message in code and templates, freshly extracted."""
    pot = target / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", str(ROOT / "babel.cfg"), "-k", "_l", "-o", str(pot),
            "--ignore-dirs=.venv tests bench node_modules instance", str(ROOT),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        return read_po(handle)


# --- tour texts ---------------------------------------------------------------


def tour_files(folder: Path = TOUR_DATA) -> dict[str, Any]:
    """The JSON files with tour texts, by file name."""
    # events.json is the site's, beside the tour folders (a copy may hold its own).
    paths = {
        "tour.json": folder / "tour.json",
        "stops.geojson": folder / "stops.geojson",
        "events.json": folder / "events.json"
        if (folder / "events.json").exists()
        else folder.parent / "events.json",
    }
    return {
        name: json.loads(path.read_text(encoding="utf-8"))
        for name, path in paths.items()
        if path.exists()
    }


def _label(node: dict[str, Any]) -> str | None:
    props = node.get("properties")
    if isinstance(props, dict) and isinstance(props.get("id"), str):
        return str(props["id"])
    return str(node["id"]) if isinstance(node.get("id"), str) else None


def multilingual_texts(data: Any, where: str = "") -> list[tuple[str, dict]]:
    """Every text given by language in a JSON tree: (where, {lang: text}).

    A text by language is an object with an ``en`` key whose values are strings
    or lists of strings; ``where`` names the feature and field, e.g.
    ``pishpek-station: narrative``. A plain string (a name as its listing gives
    it) is the same in every language and is not a text by language.
    """
    found: list[tuple[str, dict]] = []
    if isinstance(data, dict):
        if SOURCE_LANGUAGE in data and all(
            isinstance(v, str | list) for v in data.values()
        ):
            return [(where, data)]
        label = _label(data)
        for key, value in data.items():
            if key in ("properties", "features", "events"):
                inner = where if key != "properties" else where
                found += multilingual_texts(value, inner)
                continue
            prefix = f"{label}: " if label and not where.endswith(": ") else where
            base = prefix if label else (f"{where}." if where else "")
            found += multilingual_texts(value, f"{base}{key}")
    elif isinstance(data, list):
        for index, item in enumerate(data):
            label = _label(item) if isinstance(item, dict) else None
            found += multilingual_texts(item, label or f"{where}[{index}]")
    return found


def as_list(value: Any) -> list[str]:
    """A text or a list of texts, as a list."""
    return list(value) if isinstance(value, list) else [value]


# --- numbers in a text, written as the language writes them --------------------

_NUMBER = re.compile(r"\d+(?:[., \u00a0\u202f]\d+)*")
_SPACES = " \u00a0\u202f"


def numbers(text: str, lang: str) -> set[Decimal]:
    """The numbers a text states, whatever the language's digit grouping and
    decimal sign (Babel's locale data): '1,234.5' in English and '1 234,5' in
    Russian are both 1234.5; '2025–26' is 2025 and 26; '12:00' is 12 and 0.

    A group separator counts only in a well-formed grouping (1-3 digits, then
    groups of exactly three), so '1,3 km' in Czech is 1.3 and '1925 300' is two
    numbers, while in English '1,300' is 1300.
    """
    symbols = Locale.parse(lang).number_symbols["latn"]
    decimal, group = symbols["decimal"], symbols["group"]
    groups = {group} | (set(_SPACES) if group in _SPACES else set())
    found: set[Decimal] = set()
    for token in _NUMBER.findall(text):
        for piece in _split_token(token, decimal, groups):
            found.add(Decimal(piece).normalize())
    return found


def _split_token(token: str, decimal: str, groups: set[str]) -> list[str]:
    parts = re.split(r"([., \u00a0\u202f])", token)
    pieces: list[str] = []
    current = parts[0]
    can_group, seen_decimal = len(current) <= 3, False
    for sep, digits in zip(parts[1::2], parts[2::2], strict=True):
        if sep in groups and len(digits) == 3 and can_group and not seen_decimal:
            current += digits
        elif sep == decimal and not seen_decimal:
            current += "." + digits
            seen_decimal = True
        else:  # not a separator within a number here: two numbers
            pieces.append(current)
            current, seen_decimal = digits, False
            can_group = len(digits) <= 3
    pieces.append(current)
    return pieces


# --- the text a visitor sees on a page ----------------------------------------

_HIDDEN_CLASSES = {"user-text"}


class _PageText(HTMLParser):
    """Visible text and the attributes people read, skipping what is not ours to
    translate: ``translate="no"`` (source titles), ``user-text`` (guests' and
    guides' words) and anything marked as another language (the menu's names)."""

    ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "content", "value")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
            "meta", "source", "track", "wbr"}  # fmt: skip

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[bool] = []  # per open element: is it skipped?
        self.parts: list[str] = []
        self.script: str | None = None

    def _skipped(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        skip = (
            values.get("translate") == "no"
            or bool(classes & _HIDDEN_CLASSES)
            or (values.get("lang") not in (None, self.lang) and tag != "html")
        )
        if not self._skipped() and not skip:
            self.parts += [values[a] or "" for a in self.ATTRIBUTES if a in values]
        if tag == "script":
            self.script = values.get("type") or "text/javascript"
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()
        if tag == "script":
            self.script = None

    def handle_data(self, data: str) -> None:
        if self._skipped():
            return
        if self.script == "application/json":
            self.parts += [s for s in _strings(json.loads(data)) if _is_text(s)]
        elif self.script:
            # Inline map scripts carry their popups as HTML in JS strings; the
            # rest is code and options (class names, colours).
            for literal in _JS_STRING.findall(data):
                value = json.loads(f'"{literal}"')
                if "<" in value:
                    self.parts.append(page_text(value, self.lang))
        else:
            self.parts.append(data)


_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def _is_text(value: str) -> bool:
    # URLs, ids and codes in the pages' data are not words people read.
    return bool(re.search(r"\s", value.strip())) or not re.search(r"[/_.\-:]", value)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def page_text(html: str, lang: str) -> str:
    """What a visitor reads on a page (see `_PageText`), one string.

    Placeholders of the scripts' own messages (``%(total)s``) are not words.
    """
    parser = _PageText(lang)
    parser.feed(html)
    parser.close()
    return _PLACEHOLDER_TEXT.sub(" ", "\n".join(parser.parts))


_PLACEHOLDER_TEXT = re.compile(r"%\(\w+\)[sd]")
ICAL_TEXTS = ("SUMMARY", "DESCRIPTION", "LOCATION")


def gpx_text(xml: str) -> str:
    """The texts of a GPX file: names, descriptions, link texts."""
    from xml.etree import ElementTree

    root = ElementTree.fromstring(xml)
    return "\n".join(t for node in root.iter() for t in (node.text, node.tail) if t)


def ical_text(data: str) -> str:
    """The texts of a calendar file people read: summary, description, location."""
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    return "\n".join(
        str(component[key])
        for component in calendar.walk()
        for key in ICAL_TEXTS
        if key in component
    )


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


def message_pattern(msgid: str) -> re.Pattern[str] | None:
    """A pattern finding an interface message as rendered, placeholders filled.

    None for a message with fewer than three letters of its own (e.g. '%(n)s m'):
    too short to tell from other words.
    """
    literals = _PLACEHOLDER.split(msgid)
    if sum(ch.isalpha() for part in literals for ch in part) < 3:
        return None
    body = ".{1,120}?".join(re.escape(part) for part in literals)
    start = r"(?<!\w)" if re.match(r"\w", msgid) else ""
    end = r"(?!\w)" if re.search(r"\w$", msgid) else ""
    return re.compile(start + body + end, re.S)


def tour_with_language(source: Path, target: Path, lang: str) -> Path:
    """A copy of a test tour that also declares ``lang``, its texts the English
    ones marked ``[lang]`` (test data, never shipped)."""
    shutil.copytree(source, target)
    for name in ("tour.json", "stops.geojson", "events.json"):
        path = target / name
        if not path.exists():
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if name == "tour.json":
            data["languages"].append(lang)
        _add_language(data, lang)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def _add_language(data: Any, lang: str) -> None:
    if isinstance(data, dict):
        if SOURCE_LANGUAGE in data and all(
            isinstance(v, str | list) for v in data.values()
        ):
            english = data[SOURCE_LANGUAGE]
            data[lang] = (
                [f"[{lang}] {item}" for item in english]
                if isinstance(english, list)
                else f"[{lang}] {english}"
            )
            return
        for value in data.values():
            _add_language(value, lang)
    elif isinstance(data, list):
        for item in data:
            _add_language(item, lang)
