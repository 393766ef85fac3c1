#!/usr/bin/env python3
"""Hand the tour's texts to a translator and take the translation back.

    python scripts/tour_texts.py export --lang cs OUT.json
    python scripts/tour_texts.py import IN.json

``export`` writes every translatable text of tour.json, stops.geojson and
events.json under a stable path (``stops/<id>/narrative``,
``stops/<id>/look_for/0``, ...), with the English and Russian text and the
current text in LANG ("" when there is none). ``import`` writes the LANG texts
back into the data files in place (same JSON layout: two-space indent, UTF-8),
refusing unknown paths and texts whose placeholders differ from the English;
empty texts are skipped. Nothing is written unless the whole file is good.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.loader import LANGUAGE_CODE  # noqa: E402
from geo.placeholders import PlaceholderError  # noqa: E402
from geo.placeholders import parse  # noqa: E402

FORMAT = "tour-texts/1"
DATA = Path(__file__).resolve().parents[1] / "tour_data" / "interhelpo"
FILES = {"tour": "tour.json", "stops": "stops.geojson", "events": "events.json"}
TOUR_FIELDS = ("title", "description", "meeting_point", "meeting_directions")
TOUR_FIELDS += ("what_to_bring",)
STOP_FIELDS = ("name", "summary", "narrative", "site_note")
EVENT_FIELDS = ("title", "venue", "description", "date_note")


class TextsError(ValueError):
    """A hand-off file that cannot be imported; nothing has been written."""


def _path(folder: Path, key: str) -> Path:
    # The site-wide events.json lies beside the tours' folders, not in one.
    path = folder / FILES[key]
    if key == "events" and not path.exists():
        return folder.parent / FILES[key]
    return path


def read_data(folder: Path) -> dict[str, Any]:
    """The three data files, parsed, keyed as in `FILES`."""
    return {
        key: json.loads(_path(folder, key).read_text(encoding="utf-8"))
        for key in FILES
        if _path(folder, key).exists()
    }


def write_data(folder: Path, data: dict[str, Any]) -> None:
    """Write the files back in the layout they are kept in."""
    for key, document in data.items():
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        _path(folder, key).write_text(text, encoding="utf-8")


def slots(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """Every translatable text as ``(path, holder, key)``; ``holder[key]`` by language.

    A list item (``look_for``) has the list holder; its path ends in the index.
    """
    tour = data.get("tour", {})
    for field in TOUR_FIELDS:
        if isinstance(tour.get(field), dict):
            yield f"tour/{field}", tour, field
    for feature in data.get("stops", {}).get("features", []):
        props = feature["properties"]
        base = f"stops/{props['id']}"
        for field in STOP_FIELDS:
            if isinstance(props.get(field), dict):
                yield f"{base}/{field}", props, field
        for index, _item in enumerate(props.get("look_for", {}).get("en", [])):
            yield f"{base}/look_for/{index}", props, "look_for"
        if isinstance(props.get("position", {}).get("basis"), dict):
            yield f"{base}/position/basis", props["position"], "basis"
        for index, names in enumerate(props.get("street_names", [])):
            for side in ("old", "new"):
                yield f"{base}/street_names/{index}/{side}", names, side
    for event in data.get("events", {}).get("events", []):
        for field in EVENT_FIELDS:
            # A title or venue kept as one string is a name: not translated.
            if isinstance(event.get(field), dict):
                yield f"events/{event['id']}/{field}", event, field


def _get(holder: dict[str, Any], key: str, path: str, lang: str) -> str:
    value = holder[key].get(lang)
    if key == "look_for":
        index = int(path.rsplit("/", 1)[1])
        return value[index] if isinstance(value, list) and index < len(value) else ""
    return value if isinstance(value, str) else ""


def export(folder: Path, lang: str) -> dict[str, Any]:
    """The hand-off document for ``lang``."""
    texts = {}
    for path, holder, key in slots(read_data(folder)):
        texts[path] = {
            "en": _get(holder, key, path, "en"),
            "ru": _get(holder, key, path, "ru"),
            lang: _get(holder, key, path, lang),
        }
    return {"format": FORMAT, "lang": lang, "texts": texts}


def _placeholders(text: str) -> Counter[tuple[str, tuple[str, ...]]]:
    return Counter((item.kind, item.stops) for item in parse(text))


def import_texts(folder: Path, document: Any) -> int:
    """Write the document's texts into the data files; return how many were set."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TextsError(f"not a {FORMAT} document")
    lang = document.get("lang")
    if not isinstance(lang, str) or not LANGUAGE_CODE.match(lang) or lang == "en":
        raise TextsError(f"cannot import language {lang!r}")
    texts = document.get("texts")
    if not isinstance(texts, dict):
        raise TextsError("expected an object 'texts' keyed by path")
    data = read_data(folder)
    known = {path: (holder, key) for path, holder, key in slots(data)}
    unknown = sorted(set(texts) - set(known))
    if unknown:
        raise TextsError("unknown paths: " + ", ".join(unknown))
    lists: dict[int, tuple[dict[str, Any], list[str]]] = {}
    count = 0
    for path, entry in texts.items():
        text = entry.get(lang) if isinstance(entry, dict) else None
        if not isinstance(text, str):
            raise TextsError(f"{path}: expected a string under {lang!r}")
        if not text.strip():
            continue
        holder, key = known[path]
        english = _get(holder, key, path, "en")
        try:
            same = _placeholders(text) == _placeholders(english)
        except PlaceholderError as exc:
            raise TextsError(f"{path}: {exc}") from None
        if not same:
            msg = f"{path}: keep the placeholders of the English text verbatim"
            raise TextsError(msg)
        count += 1
        if key == "look_for":
            current = holder[key].get(lang) or []
            items = lists.setdefault(
                id(holder), (holder, list(current) + [""] * len(holder[key]["en"]))
            )[1]
            items[int(path.rsplit("/", 1)[1])] = text.strip()
        else:
            holder[key][lang] = text.strip()
    for holder, items in lists.values():
        size = len(holder["look_for"]["en"])
        items = items[:size]
        if not all(items):
            missing = holder["id"]
            raise TextsError(f"stops/{missing}/look_for: every item needs a text")
        holder["look_for"][lang] = items
    write_data(folder, data)
    return count


def main(argv: list[str] | None = None) -> int:
    """Command line: ``export --lang LANG OUT`` or ``import IN``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="tour data folder")
    commands = parser.add_subparsers(dest="command", required=True)
    out = commands.add_parser("export", help="write the texts for one language")
    out.add_argument("--lang", required=True, help="language code, e.g. cs")
    out.add_argument("output", type=Path)
    back = commands.add_parser("import", help="write translated texts back")
    back.add_argument("input", type=Path)
    args = parser.parse_args(argv)
    if args.command == "export":
        document = export(args.data, args.lang)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        args.output.write_text(text, encoding="utf-8")
        print(f"{len(document['texts'])} texts -> {args.output}")
        return 0
    try:
        document = json.loads(args.input.read_text(encoding="utf-8"))
        count = import_texts(args.data, document)
    except (OSError, json.JSONDecodeError, TextsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{count} texts written to {args.data}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
