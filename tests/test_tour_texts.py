"""Every tour text exists in every language the tour declares, and each
translation states the same numbers and years as the English.

Parametrized over the shipped tour's languages (tour_data/tour.json): a new
language is checked as soon as it is declared.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.language_support import DECLARED
from tests.language_support import SOURCE_LANGUAGE
from tests.language_support import TRANSLATED
from tests.language_support import as_list
from tests.language_support import multilingual_texts
from tests.language_support import numbers
from tests.language_support import tour_files

FILES = tour_files()
TEXTS = [
    (name, where, text)
    for name, data in FILES.items()
    for where, text in multilingual_texts(data)
]


def test_the_tour_has_texts_to_check():
    names = {name for name, _where, _text in TEXTS}
    assert {"tour.json", "stops.geojson"} <= names
    assert len(TEXTS) > 40


@pytest.mark.parametrize("lang", DECLARED)
def test_every_text_exists_in_the_language(lang):
    missing = []
    for name, where, text in TEXTS:
        value = text.get(lang)
        items = as_list(value) if value is not None else []
        if not items or not all(isinstance(i, str) and i.strip() for i in items):
            missing.append(f"{name}: {where}")
        elif len(items) != len(as_list(text[SOURCE_LANGUAGE])):
            missing.append(f"{name}: {where} (not as many items as in English)")
    assert missing == [], f"texts missing in {lang!r}"


def test_no_text_is_in_an_undeclared_language():
    extra = sorted(
        f"{name}: {where}.{lang}"
        for name, where, text in TEXTS
        for lang in text
        if lang not in DECLARED
    )
    assert extra == []


def _numbers(text: dict, lang: str) -> set[Decimal]:
    return set().union(*(numbers(item, lang) for item in as_list(text.get(lang, ""))))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_state_the_same_numbers_and_years(lang):
    differ = []
    for name, where, text in TEXTS:
        english, translated = _numbers(text, SOURCE_LANGUAGE), _numbers(text, lang)
        if english != translated:
            only_en = sorted(str(n) for n in english - translated)
            only_xx = sorted(str(n) for n in translated - english)
            differ.append(
                f"{name}: {where}: only in en {only_en}, only in {lang} {only_xx}"
            )
    assert differ == [], f"numbers differ in {lang!r}"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "1,300 people in 1925–26 walked 1.3 km at 12:00",
            "en",
            {1300, 1925, 26, 1.3, 12, 0},
        ),
        (
            "1\u00a0300 человек в 1925–26 прошли 1,3 км в 12:00",
            "ru",
            {1300, 1925, 26, 1.3, 12, 0},
        ),
        ("1 300 lidí, 1,3 km", "cs", {1300, 1.3}),
        ("v rokoch 1925, 1926 a 1943", "sk", {1925, 1926, 1943}),
        ("1925 300", "ru", {1925, 300}),
        ("50,000th", "en", {50000}),
        ("50\u202f000-й", "ky", {50000}),
        ("1.5.1927", "cs", {1, 5, 1927}),
        ("no digits", "en", set()),
    ],
)
def test_numbers_are_read_as_each_language_writes_them(text, lang, expected):
    assert numbers(text, lang) == {Decimal(str(n)).normalize() for n in expected}
