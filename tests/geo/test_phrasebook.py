"""Phrase files: one per language, complete, checked, and used by describe()."""

from __future__ import annotations

import json
import re
import shutil
import string
from pathlib import Path

import pytest

from geo.directions import describe
from geo.phrasebook import LANG_DIR
from geo.phrasebook import PhrasebookError
from geo.phrasebook import languages
from geo.phrasebook import load_all
from geo.phrasebook import load_phrasebook
from geo.phrasebook import phrasebook
from geo.routing import street_router

ROOT = Path(__file__).parents[2]
OSH_BAZAAR = (74.57, 42.875)
MEETING_POINT = (74.55826, 42.87766)
OTHER_LANGUAGES = [lang for lang in languages() if lang != "en"]


def _english_words() -> set[str]:
    """Every word the English phrases use around street names, lower case."""
    book = phrasebook("en")
    assert book is not None
    texts = [*book.headings, *book.turns.values(), *book.sentences.values()]
    for forms in (book.street_forms, book.unnamed, book.tour_path):
        texts += [forms.along, forms.onto]
    # The English street words, not the names ("Chui", "Manas" are names).
    texts += ["Ave St Blvd formerly"]
    words = set()
    for text in texts:
        literal = "".join(part for part, *_ in string.Formatter().parse(text))
        words |= {word.casefold() for word in re.findall(r"[A-Za-z]+", literal)}
    return words


@pytest.fixture
def bazaar_route(shared_dir):
    skeleton = shared_dir / "geodata" / "bishkek_west_arterials_skeleton.osm"
    router = street_router(
        [skeleton, ROOT / "tour_data" / "interhelpo" / "connectors.osm"],
        walking_speed_kmh=4.0,
    )
    return router.route(OSH_BAZAAR, MEETING_POINT)


def test_the_guide_ships_the_five_languages():
    assert set(languages()) >= {"en", "ru", "cs", "sk", "ky"}
    assert len(load_all()) == len(languages())


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_bazaar_to_meeting_point_has_no_english_words(bazaar_route, lang):
    english = describe(bazaar_route.directions, "en")
    directions = describe(bazaar_route.directions, lang)
    assert (directions.lang, directions.fallback) == (lang, False)
    assert len(directions) == len(english) >= 3
    vocabulary = _english_words()
    assert {"walk", "then", "turn", "left", "onto", "ave", "formerly"} <= vocabulary
    for line in directions:
        words = {word.casefold() for word in re.findall(r"[^\W\d_]+", line)}
        assert not words & vocabulary, line
    # The old name of Chui Ave is kept, in the language's own words.
    book = phrasebook(lang)
    assert book is not None
    chui_old = book.streets["chuy-formerly-deng-xiaoping"]
    assert any(chui_old.along in line or chui_old.onto in line for line in directions)
    assert book.sentences["walk_unmapped"].split("{")[0] in directions.lines[0]


def test_english_route_names_the_old_avenue(bazaar_route):
    text = " ".join(describe(bazaar_route.directions, "en"))
    assert "Chui Ave (formerly Deng Xiaoping Ave)" in text
    assert "no mapped path" in text


def test_every_language_the_shipped_tour_declares_has_phrases():
    tour = json.loads(
        (ROOT / "tour_data" / "interhelpo" / "tour.json").read_text(encoding="utf-8")
    )
    declared = tour["languages"]
    assert "en" in declared
    missing = [lang for lang in declared if phrasebook(lang) is None]
    assert missing == []


def test_kyrgyz_uses_its_own_letters(bazaar_route):
    text = " ".join(describe(bazaar_route.directions, "ky"))
    assert "Чүй проспектиси" in text
    assert {"ү", "ө"} <= set(text)


def _write(tmp_path: Path, lang: str, data) -> Path:
    path = tmp_path / f"{lang}.json"
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def _english():
    return json.loads((LANG_DIR / "en.json").read_text(encoding="utf-8"))


def _drop(*keys):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


def _set(value, *keys):
    def change(data):
        target = data
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (_set("directions/0", "format"), "format", "must be 'directions/1'"),
        (_set("ru", "lang"), "lang", "does not match"),
        (_drop("turns", "sharp left"), "turns.sharp left", "missing"),
        (_set("", "headings", "east"), "headings.east", "non-empty string"),
        (_set("x", "headings", "up"), "headings.up", "unknown"),
        (
            _set("{walk} {street}.", "sentences", "arrive"),
            "sentences.arrive",
            "{street}",
        ),
        (_set("Arrive.", "sentences", "arrive"), "sentences.arrive", "{walk}"),
        (_set("Walk {heading", "sentences", "walk"), "sentences.walk", "bad template"),
        (_set({"along": "on it"}, "unnamed"), "unnamed.onto", "missing"),
        (
            _set({"along": "x", "onto": "y"}, "street_forms"),
            "street_forms.along",
            "{name}",
        ),
        (_drop("streets", "chuy"), "streets.chuy", "missing"),
        (_set("Nowhere St", "streets", "nowhere"), "streets.nowhere", "en.json"),
        (_set(7, "streets", "manas"), "streets.manas", "JSON object"),
        (
            _set({"along": "on Manas St"}, "streets", "manas"),
            "streets.manas.onto",
            "missing",
        ),
        (_set("en", "name_keys"), "name_keys", "list"),
        (
            _set([{"short": "St", "before": "street"}], "abbreviations"),
            "abbreviations[0].before",
            "list of words",
        ),
    ],
)
def test_bad_phrase_file_names_file_and_field(tmp_path, change, field, problem):
    data = _english()
    change(data)
    path = _write(tmp_path, "en", data)
    with pytest.raises(PhrasebookError) as caught:
        load_phrasebook(path, frozenset(_english()["streets"]))
    assert caught.value.path == str(path)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(path) in str(caught.value) and repr(field) in str(caught.value)


@pytest.mark.parametrize("text", ["{", "[]", "\xff"])
def test_unreadable_phrase_file_names_the_file(tmp_path, text):
    path = tmp_path / "en.json"
    path.write_bytes(text.encode("latin-1"))
    with pytest.raises(PhrasebookError, match=re.escape(str(path))):
        load_phrasebook(path)


def test_a_new_language_is_a_file(tmp_path):
    for path in LANG_DIR.glob("*.json"):
        shutil.copy(path, tmp_path)
    data = _english()
    data["lang"] = "eo"
    data["sentences"]["walk"] = "Iru {heading} {along} dum {distance}"
    _write(tmp_path, "eo", data)
    assert "eo" in languages(tmp_path)
    book = phrasebook("eo", tmp_path)
    assert book is not None and book.sentences["walk"].startswith("Iru")
