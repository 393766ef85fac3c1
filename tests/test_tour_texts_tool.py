"""scripts/tour_texts.py: the translators' hand-off, out and back in, for a
language the tour does not have yet (Ukrainian)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from geo.loader import load_tour

ROOT = Path(__file__).parents[1]
_SPEC = importlib.util.spec_from_file_location(
    "tour_texts", ROOT / "scripts" / "tour_texts.py"
)
assert _SPEC is not None and _SPEC.loader is not None
tour_texts = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tour_texts)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A writable copy of the shipped tour data; the tour's own folder."""
    folder = tmp_path / "tour_data"
    shutil.copytree(ROOT / "tour_data", folder)
    return folder / "interhelpo"


def _run_export(data: Path, lang: str, tmp_path: Path) -> dict:
    out = tmp_path / f"{lang}.json"
    assert (
        tour_texts.main(["--data", str(data), "export", "--lang", lang, str(out)]) == 0
    )
    return json.loads(out.read_text("utf-8"))


def test_export_lists_every_text_with_english_and_russian(data, tmp_path):
    document = _run_export(data, "uk", tmp_path)
    texts = document["texts"]
    tour = load_tour(data)
    expected = {f"tour/{name}" for name, _text in tour.texts()}
    for stop in tour.stops:
        expected |= {f"stops/{stop.id}/{f}" for f in ("name", "summary", "narrative")}
        expected.add(f"stops/{stop.id}/position/basis")
        expected |= {
            f"stops/{stop.id}/look_for/{i}" for i in range(len(stop.look_for["en"]))
        }
        for i in range(len(stop.street_names)):
            expected |= {
                f"stops/{stop.id}/street_names/{i}/{s}" for s in ("old", "new")
            }
    assert expected <= set(texts)
    assert "events/la-traviata-2019/description" in texts
    # Event titles and venues are names, not translated.
    assert not any(
        path.endswith(("/title", "/venue")) for path in texts if "events/" in path
    )
    narrative = texts["stops/meeting-point/narrative"]
    assert narrative["en"] == tour.stop("meeting-point").narrative["en"]
    assert narrative["ru"] == tour.stop("meeting-point").narrative["ru"]
    assert narrative["uk"] == ""


def _without(folder: Path, lang: str) -> Path:
    """The tour data as it was before ``lang`` was translated."""

    def drop(node):
        if isinstance(node, dict):
            if "en" in node:
                node.pop(lang, None)
            for value in node.values():
                drop(value)
        elif isinstance(node, list):
            for value in node:
                drop(value)

    for path in [*folder.glob("*.json*"), folder.parent / "events.json"]:
        document = json.loads(path.read_text("utf-8"))
        drop(document)
        if path.name == "tour.json":
            document["languages"].remove(lang)
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return folder


def test_import_writes_the_language_back_in_the_files_layout(data, tmp_path):
    data = _without(data, "sk")
    document = _run_export(data, "sk", tmp_path)
    for entry in document["texts"].values():
        entry["sk"] = "SK " + entry["en"]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert tour_texts.main(["--data", str(data), "import", str(source)]) == 0
    stops_text = (data / "stops.geojson").read_text("utf-8")
    stops = json.loads(stops_text)
    assert stops_text == json.dumps(stops, indent=2, ensure_ascii=False) + "\n"
    bridge = next(
        f["properties"]
        for f in stops["features"]
        if f["properties"]["id"] == "ala-archa-bridge"
    )
    assert bridge["look_for"]["sk"] == [
        "SK " + item for item in bridge["look_for"]["en"]
    ]
    assert bridge["narrative"]["sk"] == "SK " + bridge["narrative"]["en"]
    # The English and Russian are untouched, and the tour still loads.
    assert (
        bridge["narrative"]["ru"]
        == json.loads(
            (ROOT / "tour_data" / "interhelpo" / "stops.geojson").read_text("utf-8")
        )["features"][5]["properties"]["narrative"]["ru"]
    )
    meta = json.loads((data / "tour.json").read_text("utf-8"))
    meta["languages"].append("sk")
    (data / "tour.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    assert "sk" in load_tour(data).languages
    again = _run_export(data, "sk", tmp_path)
    assert again["texts"] == document["texts"]


def _bad(document: dict, path: str, text: str) -> dict:
    document["texts"].setdefault(path, {"en": "", "ru": "", "uk": ""})["uk"] = text
    return document


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("stops/nowhere/name", "Эч жер", "unknown paths: stops/nowhere/name"),
        (
            "stops/ala-archa-bridge/look_for/1",
            "Карагыла: Ош базары",
            "keep the placeholders",
        ),
        (
            "stops/ala-archa-bridge/look_for/1",
            # The distance reversed: other stops than the English names.
            "{bearing:ala-archa-bridge:osh-bazaar}"
            " {distance:osh-bazaar:ala-archa-bridge}",
            "keep the placeholders",
        ),
        ("stops/osh-bazaar/name", "Ош {базары", "brace"),
        (
            "stops/osh-bazaar/look_for/0",
            "Базардын дүкөндөрү",
            "every item needs a text",
        ),
    ],
)
def test_import_refuses_bad_texts_and_writes_nothing(
    data, tmp_path, path, text, message, capsys
):
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    document = _bad(_run_export(data, "uk", tmp_path), path, text)
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert tour_texts.main(["--data", str(data), "import", str(source)]) == 1
    assert message in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_a_placeholder_may_change_its_grammatical_form(data, tmp_path):
    document = _run_export(data, "ky", tmp_path)
    path = "stops/meeting-point/narrative"
    english = document["texts"][path]["en"]
    document["texts"][path]["ky"] = english.replace(
        "{bearing:meeting-point:pishpek-station}",
        "{bearing:meeting-point:pishpek-station:loc}",
    )
    source = tmp_path / "in.json"
    source.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    assert tour_texts.main(["--data", str(data), "import", str(source)]) == 0
    stops = json.loads((data / "stops.geojson").read_text("utf-8"))
    assert (
        "pishpek-station:loc}" in stops["features"][0]["properties"]["narrative"]["ky"]
    )
