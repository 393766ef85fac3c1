"""Tour packages: export a tour as one zip, import it as a new tour or in place of
one, from the CLI and /guide; every bad package refused, nothing changed."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from tests.booking_support import hidden_fields
from tests.conftest import DATA
from tests.guide.test_media import record
from tests.guide.test_media import rows
from tests.guide.test_media import stored_files
from tests.guide.test_media import upload
from tests.media_support import photo
from tests.media_support import tone_wav
from tests.support import make_app
from web.services.media_models import Photo
from web.services.media_models import Recording

API_PATHS = ("", "/stops", "/route", "/dates")


def api(client, tour_id):
    """Everything /api says about a tour, its own id written as <id>."""
    said = {}
    for path in API_PATHS:
        response = client.get(f"/api/tours/{tour_id}{path}")
        assert response.status_code == 200, (path, response.status_code)
        text = json.dumps(response.get_json(), sort_keys=True, ensure_ascii=False)
        # In its URLs, and as the value "<id>" (the tour's own id field).
        text = re.sub(rf"/tours/{re.escape(tour_id)}(?=[/\"?])", "/tours/<id>", text)
        said[path] = text.replace(f'"{tour_id}"', '"<id>"')
    return said


def package_of(app, tour_id, tmp_path) -> bytes:
    target = tmp_path / f"{tour_id}.zip"
    result = app.test_cli_runner().invoke(args=["tour", "export", tour_id, str(target)])
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def imported(app) -> list[str]:
    """What is in the imported-tours folder, hidden scratch folders included."""
    root = Path(app.config["TOURS_FOLDER"])
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def zip_of(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def send(guide, **fields):
    """Post the import form as the page does, with its CSRF token."""
    page = guide.get("/guide/tours/import").get_data(as_text=True)
    fields["csrf_token"] = hidden_fields(page)["csrf_token"]
    return guide.post(
        "/guide/tours/import", data=fields, content_type="multipart/form-data"
    )


def sw_url(client) -> str:
    page = client.get("/tours/small/").get_data(as_text=True)
    return re.search(r'data-sw="([^"]+)"', page).group(1)


def files_of(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --- Interhelpo, exported and imported as a new tour ---------------------------------


def test_interhelpo_exported_and_imported_as_a_new_id_is_identical_in_the_api(
    real_app, tmp_path
):
    client = real_app.test_client()
    package = package_of(real_app, "interhelpo", tmp_path)
    assert sorted(files_of(package)) == [
        "interhelpo/connectors.osm",
        "interhelpo/media.json",
        "interhelpo/route.geojson",
        "interhelpo/stops.geojson",
        "interhelpo/tour.json",
    ]
    before = api(client, "interhelpo")
    (tmp_path / "in.zip").write_bytes(package)
    result = real_app.test_cli_runner().invoke(
        args=["tour", "import", str(tmp_path / "in.zip"), "--id", "interhelpo-copy"]
    )
    assert result.exit_code == 0, result.output
    assert "Added the tour 'interhelpo-copy'" in result.output
    assert api(client, "interhelpo-copy") == before
    assert api(client, "interhelpo") == before  # the original untouched
    listed = [tour["id"] for tour in client.get("/api/tours").get_json()["tours"]]
    assert listed == ["interhelpo", "interhelpo-copy"]
    # With two tours, / lists them (it went straight to the one tour before).
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    assert 'href="/tours/interhelpo-copy/"' in page
    assert 'href="/tours/interhelpo/"' in page
    walk = client.get("/tours/interhelpo-copy/walk")
    gpx = client.get("/tours/interhelpo-copy/tour.gpx")
    assert walk.status_code == gpx.status_code == 200
    assert gpx.get_data(as_text=True).count("<wpt ") == len(
        client.get("/api/tours/interhelpo/stops").get_json()["features"]
    )


def test_a_package_carries_the_guides_edits_photos_and_recordings(app, guide, tmp_path):
    app.config.update(WTF_CSRF_ENABLED=False)  # the media helpers send no token
    added = upload(guide, data=photo(seed=3), alt_en="The gate", year="1930")
    assert added.status_code == 201, added.get_data(as_text=True)
    assert record(guide, tone_wav(1.0), lang="ru").status_code == 201
    form = guide.get("/guide/tours/small/stops/middle/edit").get_data(as_text=True)
    assert "Middle" in form  # the stop as shipped, before the edit below
    package = guide.get("/guide/tours/small/package.zip")
    assert package.status_code == 200
    assert package.headers["Content-Type"] == "application/zip"
    assert "small-tour.zip" in package.headers["Content-Disposition"]
    names = sorted(files_of(package.data))
    assert "small/media.json" in names
    assert [n for n in names if n.startswith("small/photos/")] != []
    assert [n for n in names if n.startswith("small/recordings/middle/ru.")] != []
    photos_before, recordings_before = rows(app, Photo), rows(app, Recording)

    answer = send(
        guide, package=(io.BytesIO(package.data), "small.zip"), tour_id="copy"
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)
    home = guide.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Added the tour" in home and "Photos: 1, recordings: 1." in home
    assert rows(app, Photo) == photos_before + 1
    assert rows(app, Recording) == recordings_before + 1
    stop = guide.get("/tours/copy/stops/middle").get_data(as_text=True)
    assert 'alt="The gate"' in stop
    assert guide.get("/api/tours/copy/stops").status_code == 200


def test_replace_swaps_a_tour_for_the_package_and_drops_old_edits(
    app, tmp_path, runner
):
    client = app.test_client()
    files = files_of(package_of(app, "small", tmp_path))
    meta = json.loads(files["small/tour.json"])
    meta["title"]["en"] = "The small tour, second edition"
    files["small/tour.json"] = json.dumps(meta, ensure_ascii=False)
    (tmp_path / "new.zip").write_bytes(zip_of(files))
    refused = runner.invoke(args=["tour", "import", str(tmp_path / "new.zip")])
    assert refused.exit_code == 1
    assert "There is already a tour 'small'" in refused.output
    assert "Nothing was changed." in refused.output
    title = client.get("/api/tours/small").get_json()["title"]["en"]
    assert title != "The small tour, second edition"

    offline_copy = sw_url(client)
    done = runner.invoke(
        args=["tour", "import", str(tmp_path / "new.zip"), "--replace"]
    )
    assert done.exit_code == 0, done.output
    assert "Replaced the tour 'small'" in done.output
    assert client.get("/api/tours/small").get_json()["title"]["en"] == (
        "The small tour, second edition"
    )
    # The shipped folder is as it was; the imported one is in its place.
    shipped = json.loads(
        (Path(app.config["TOUR_DATA"]) / "small" / "tour.json").read_text()
    )
    assert shipped["title"]["en"] == title
    assert imported(app) == [".stamp", "small"]
    # Phones that keep the tour offline are given a new copy.
    assert sw_url(client) != offline_copy


def test_another_worker_sees_an_import_on_its_next_request(app, tmp_path):
    # Two apps on one database and folders: two gunicorn workers.
    other = make_app(
        tmp_path,
        TOUR_DATA=app.config["TOUR_DATA"],
        TOURS_FOLDER=app.config["TOURS_FOLDER"],
    )
    assert other.test_client().get("/api/tours/copy").status_code == 404
    (tmp_path / "p.zip").write_bytes(package_of(app, "small", tmp_path))
    result = app.test_cli_runner().invoke(
        args=["tour", "import", str(tmp_path / "p.zip"), "--id", "copy"]
    )
    assert result.exit_code == 0, result.output
    assert other.test_client().get("/api/tours/copy").status_code == 200


# --- bad packages --------------------------------------------------------------------


def _replace_file(name: str, content: bytes | str):
    def change(files: dict[str, bytes | str]) -> None:
        files[name] = content

    return change


def _drop(name: str):
    def change(files: dict[str, bytes | str]) -> None:
        del files[name]

    return change


def _media(entry: dict[str, object]):
    def change(files: dict[str, bytes | str]) -> None:
        files["small/media.json"] = json.dumps(
            {"format": 1, "photos": [entry], "recordings": []}
        )
        files["small/photos/middle/1.jpg"] = b"not a picture at all"

    return change


BAD_LATITUDE = (DATA / "stops_latitude_out_of_range.geojson").read_text()

# (what is wrong, how the good package is spoiled, the message's words)
BAD_PACKAGES = [
    (
        "broken stops JSON",
        _replace_file("small/stops.geojson", "{not json"),
        "small/stops.geojson: not valid JSON",
    ),
    ("no stops file", _drop("small/stops.geojson"), "small/stops.geojson"),
    ("no tour.json", _drop("small/tour.json"), "The package has no small/tour.json"),
    (
        "a stop's latitude out of range",
        _replace_file("small/stops.geojson", BAD_LATITUDE),
        "small/stops.geojson",
    ),
    (
        "a dot-dot name",
        _replace_file("small/../evil.txt", "x"),
        "names with .., absolute paths or backslashes are refused",
    ),
    (
        "an absolute name",
        _replace_file("/etc/evil.txt", "x"),
        "names with .., absolute paths or backslashes are refused",
    ),
    (
        "a backslash name",
        _replace_file("small\\evil.txt", "x"),
        "names with .., absolute paths or backslashes are refused",
    ),
    (
        "two folders",
        _replace_file("other/tour.json", "{}"),
        "A tour package holds one folder",
    ),
    (
        "a photo that is not an image",
        _media(
            {
                "id": 1,
                "stop": "middle",
                "file": "photos/middle/1.jpg",
                "alt": {"en": "A", "ru": "А"},
                "caption": {},
                "credit": "Anna",
                "licence": "own",
            }
        ),
        "media.json: photos[0] (photos/middle/1.jpg)",
    ),
    (
        "media of a stop the tour does not have",
        _media({"id": 1, "stop": "nowhere", "file": "photos/middle/1.jpg"}),
        "stop 'nowhere' is not in the tour",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [pytest.param(change, message, id=what) for what, change, message in BAD_PACKAGES],
)
def test_a_bad_package_is_refused_and_nothing_changes(
    app, guide, tmp_path, change, message
):
    files = files_of(package_of(app, "small", tmp_path))
    change(files)
    before = (app.test_client().get("/api/tours").get_json(), imported(app))
    media_before = (stored_files(app), rows(app, Photo))
    answer = send(guide, package=(io.BytesIO(zip_of(files)), "p.zip"), tour_id="copy")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="import-error"' in page and "Nothing was changed." in page
    assert message in page.replace("&#39;", "'")
    after = (app.test_client().get("/api/tours").get_json(), imported(app))
    assert after == before
    assert (stored_files(app), rows(app, Photo)) == media_before


@pytest.mark.parametrize(
    ("data", "form", "message"),
    [
        pytest.param(
            b"PK\x03\x04 not really", {}, "This is not a zip file", id="not-zip"
        ),
        pytest.param(b"", {}, "Choose a tour package", id="no-file"),
        pytest.param(None, {"tour_id": "Old Town"}, "is not usable", id="bad-id"),
        pytest.param(None, {}, "There is already a tour 'small'", id="id-clash"),
    ],
)
def test_a_package_that_cannot_be_read_or_placed_is_refused(
    app, guide, tmp_path, data, form, message
):
    if data is None:
        data = package_of(app, "small", tmp_path)
    before = imported(app)
    fields = dict(form)
    fields["package"] = (io.BytesIO(data), "p.zip" if data else "")
    answer = send(guide, **fields)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True).replace("&#39;", "'")
    assert imported(app) == before


def test_a_zip_bomb_and_too_many_files_are_refused(tmp_path, tour_dir):
    app = make_app(
        tmp_path,
        TOUR_DATA=str(tour_dir.parent),
        TOUR_PACKAGE_MAX_MB=1,
        TOUR_PACKAGE_MAX_FILES=8,
    )
    runner = app.test_cli_runner()
    files = files_of(package_of(app, "small", tmp_path))
    # 5 MB of zeros packs into a few KB.
    bomb = zip_of({**files, "small/zeros.bin": b"\0" * (5 * 1024 * 1024)})
    assert len(bomb) < 100_000
    many = zip_of({**files, **{f"small/extra/{n}.txt": "x" for n in range(8)}})
    for data, message in (
        (bomb, "Unpacked, the package would be over 1 MB"),
        (many, "The package holds 12 files, more than the 8"),
    ):
        (tmp_path / "bad.zip").write_bytes(data)
        result = runner.invoke(
            args=["tour", "import", str(tmp_path / "bad.zip"), "--id", "copy"]
        )
        assert result.exit_code == 1
        assert message in result.output and "Nothing was changed." in result.output
        assert imported(app) == []
    assert app.test_client().get("/api/tours/copy").status_code == 404


def test_the_import_page_needs_a_guide(client):
    answer = client.get("/guide/tours/import")
    assert answer.status_code == 303
    assert "/guide/login" in answer.headers["Location"]
