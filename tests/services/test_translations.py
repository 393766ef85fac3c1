"""Every interface string has a translation, with the same placeholders, in each
language the tour declares (tour_data/tour.json)."""

from __future__ import annotations

import pytest

from tests.language_support import TRANSLATED
from tests.language_support import catalogue
from tests.language_support import extract_pot


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory) -> set[str]:
    pot = extract_pot(tmp_path_factory.mktemp("pot"))
    return {m.id if isinstance(m.id, str) else m.id[0] for m in pot if m.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_string_is_translated(extracted_ids, lang):
    found = {
        (m.id if isinstance(m.id, str) else m.id[0]): m for m in catalogue(lang) if m.id
    }
    missing = sorted(
        msgid
        for msgid in extracted_ids
        if msgid not in found
        or not found[msgid].string
        or (not isinstance(found[msgid].string, str) and not all(found[msgid].string))
        or found[msgid].fuzzy
    )
    assert missing == [], f"{lang}: untranslated (run ./scripts/catalogues.sh)"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_their_placeholders(lang):
    problems = [
        (m.id, [str(e) for e in errors]) for m, errors in catalogue(lang).check()
    ]
    assert problems == [], lang
