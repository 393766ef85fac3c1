"""Every interface string has a Russian translation with the same placeholders."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
CATALOGUE = ROOT / "translations" / "ru" / "LC_MESSAGES" / "messages.po"


def extracted_ids(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
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
        return {
            m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id
        }


def russian() -> dict[str, object]:
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    return {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}


def test_every_string_is_translated(tmp_path):
    catalogue = russian()
    missing = sorted(
        msgid
        for msgid in extracted_ids(tmp_path)
        if msgid not in catalogue
        or not catalogue[msgid].string
        or (
            not isinstance(catalogue[msgid].string, str)
            and not all(catalogue[msgid].string)
        )
        or catalogue[msgid].fuzzy
    )
    assert missing == []


def test_translations_keep_their_placeholders():
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="ru")
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []
