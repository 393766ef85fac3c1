"""A guide adds photos and narration to a stop; guests get them on the stop page, the
walk sheet, the GPX and the offline pack; bad files are refused and nothing is kept."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from geo.checks import check_media
from tests.media_support import bomb_png
from tests.media_support import exif_of
from tests.media_support import photo
from tests.media_support import tone_wav
from tests.media_support import transcode
from web.services import media
from web.services.db import db
from web.services.media_models import Photo
from web.services.media_models import Recording

ALT = {"alt_en": "The red gate of the plant", "alt_ru": "Красные ворота завода"}
META = {**ALT, "credit": "Anna Guide", "licence": "own", "caption_en": "The gate"}


@pytest.fixture
def app(app):
    app.config.update(WTF_CSRF_ENABLED=False)
    return app


def upload(
    client, stop="middle", data=None, name="IMG_0001.jpg", json_answer=True, **form
):
    fields = {**META, **form}
    fields["photo"] = (io.BytesIO(photo() if data is None else data), name)
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post(
        f"/guide/tours/small/stops/{stop}/photos",
        data=fields,
        content_type="multipart/form-data",
        headers=headers,
    )


def record(client, data, stop="middle", lang="en", name="voice.wav"):
    return client.post(
        f"/guide/tours/small/stops/{stop}/recordings/{lang}",
        data={"audio": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def stored_files(app) -> list[Path]:
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rows(app, model) -> int:
    with app.app_context():
        return db.session.query(model).count()


def srcs(page: str) -> list[str]:
    return re.findall(r'(?:src|srcset)="([^"]+)"', page)


# --- photos -------------------------------------------------------------------------


def test_an_uploaded_photo_shows_on_the_stop_page_without_its_gps(app, guide, client):
    answer = upload(guide, data=photo(2000, 1500))
    assert answer.status_code == 201, answer.get_json()
    page = client.get("/tours/small/stops/middle").get_data(as_text=True)
    figure = page[page.index('<figure class="photo"') : page.index("</figure>")]
    assert 'loading="lazy"' in figure
    assert re.search(r'<img [^>]*width="960" height="720"', figure)
    assert 'alt="The red gate of the plant"' in figure
    assert "The gate" in figure and "Anna Guide" in figure
    sources = re.findall(r'\ssrcset="([^"]+)"', figure)
    assert len(sources) == len(media_files_per_photo()) // 3  # a srcset per format
    assert all(re.search(r" 480w, .* 960w, .* 1600w$", s) for s in sources)
    urls = {u.split(" ")[0] for s in sources for u in s.split(", ")}
    for url in urls:
        served = client.get(url)
        assert served.status_code == 200
        assert "immutable" in served.headers["Cache-Control"]
        assert exif_of(served.data) == {}
        Image.open(io.BytesIO(served.data)).verify()
    russian = client.get("/tours/small/stops/middle?lang=ru").get_data(as_text=True)
    assert 'alt="Красные ворота завода"' in russian


def test_the_walk_sheet_shows_the_photo_too(guide, client):
    upload(guide)
    page = client.get("/tours/small/walk").get_data(as_text=True)
    item = page[page.index('data-stop="middle" hidden') :]
    item = item[: item.index("</article>")]
    assert "<picture>" in item and 'loading="lazy"' in item


def test_the_960_px_version_keeps_to_its_budget(app, guide):
    upload(guide, data=photo(3000, 2000, seed=20))
    with app.app_context():
        (view,) = media.stop_photos("small", "middle")
        at_960 = [r for r in view.renditions if r["width"] == 960]
    assert at_960 and all(r["bytes"] <= 150 * 1024 for r in at_960)


def test_a_form_without_script_works_and_says_so(guide):
    answer = upload(guide, json_answer=False)
    assert answer.status_code == 303
    page = guide.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Photo added." in page


def _big_file():
    return photo(400, 300) + b"\x00" * (2 * 1024 * 1024)


BAD_PHOTOS = [
    (
        "not-an-image",
        b"Hello, I am a text file.",
        {},
        "not a picture the server can read",
    ),
    ("heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, {}, "HEIC photo"),
    ("bomb", bomb_png(), {}, "decompression bomb"),
    ("too-large", None, {}, "a photo may be at most 1 MB"),
    ("no-alt-ru", photo(), {"alt_ru": ""}, "alt text is missing in ru"),
    ("no-licence", photo(), {"licence": ""}, "Choose the photo's licence"),
    ("unknown-licence", photo(), {"licence": "mine"}, "Choose the photo's licence"),
    ("no-credit", photo(), {"credit": ""}, "Say who took the photo"),
    ("bad-year", photo(), {"year": "3024"}, "The year must be between 1800"),
]


@pytest.mark.parametrize(
    ("data", "form", "message"),
    [case[1:] for case in BAD_PHOTOS],
    ids=[case[0] for case in BAD_PHOTOS],
)
def test_bad_photos_are_refused_and_nothing_is_kept(app, guide, data, form, message):
    app.config["MEDIA_PHOTO_MAX_MB"] = 1
    if data is None:
        data = _big_file()
    answer = upload(guide, data=data, **form)
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["ok"] is False and message in body["error"]
    assert stored_files(app) == []
    assert rows(app, Photo) == 0


def test_a_refused_photo_without_script_gets_the_page_with_the_reason(guide):
    answer = upload(guide, data=b"not an image", json_answer=False)
    assert answer.status_code == 422
    assert "not a picture the server can read" in answer.get_data(as_text=True)


def test_reorder_replace_and_delete(app, guide, client):
    first = upload(guide, data=photo(seed=1)).get_json()["id"]
    second = upload(guide, data=photo(seed=2), alt_en="Second one").get_json()["id"]
    with app.app_context():
        assert [p.id for p in media.stop_photos("small", "middle")] == [first, second]
    guide.post(
        f"/guide/tours/small/stops/middle/photos/{second}/move",
        data={"direction": "up"},
    )
    with app.app_context():
        assert [p.id for p in media.stop_photos("small", "middle")] == [second, first]
        old_keys = {
            r["key"] for r in media.stop_photos("small", "middle")[0].renditions
        }
    answer = guide.post(
        f"/guide/tours/small/stops/middle/photos/{second}/replace",
        data={"photo": (io.BytesIO(photo(seed=3)), "new.jpg")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    with app.app_context():
        replaced = media.stop_photos("small", "middle")[0]
        assert replaced.id == second and replaced.alt["en"] == "Second one"
        new_keys = {r["key"] for r in replaced.renditions}
    assert not old_keys & new_keys
    root = Path(app.config["MEDIA_ROOT"])
    assert all(not (root / key).exists() for key in old_keys)
    guide.post(f"/guide/tours/small/stops/middle/photos/{second}/delete")
    guide.post(f"/guide/tours/small/stops/middle/photos/{first}/delete")
    assert rows(app, Photo) == 0 and stored_files(app) == []
    assert "<figure" not in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )


def test_then_and_now_pair_side_by_side_the_older_first(app, guide, client):
    now = upload(guide, data=photo(seed=4), year="2025").get_json()["id"]
    then = upload(guide, data=photo(seed=5), year="1932", pair_id=str(now)).get_json()
    page = client.get("/tours/small/stops/middle").get_data(as_text=True)
    pair = page[page.index('class="then-now"') :]
    assert pair.index(f'data-photo-id="{then["id"]}"') < pair.index(
        f'data-photo-id="{now}"'
    )
    assert "photo--then" in pair and "photo--now" in pair


def test_a_pair_with_a_photo_of_another_stop_is_refused(guide):
    other = upload(guide, stop="start").get_json()["id"]
    answer = upload(guide, data=photo(seed=6), pair_id=str(other))
    assert answer.status_code == 422
    assert "same stop" in answer.get_json()["error"]


def test_guests_cannot_upload(client, app):
    answer = upload(client)
    assert answer.status_code in (302, 401)
    assert stored_files(app) == []


def test_served_files_answer_range_requests(guide, client):
    record(guide, tone_wav(2.0))
    page = client.get("/tours/small/stops/middle").get_data(as_text=True)
    url = re.search(r'<audio [^>]*src="([^"]+)"', page).group(1)
    whole = client.get(url)
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == whole.data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(whole.data)}"


@pytest.mark.parametrize(
    "key", ["../secret", "small/../../x.jpg", "small/middle/none.jpg", "small/a.exe"]
)
def test_no_file_outside_the_store_or_unknown(client, key):
    assert client.get(f"/media/{key}").status_code == 404


# --- narration ----------------------------------------------------------------------


def test_a_recording_replaces_the_synthetic_voice_in_its_language(app, guide, client):
    assert "data-listen-play" in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )
    answer = record(guide, transcode(tone_wav(2.0), ".ogg", "-c:a", "libopus"))
    assert answer.status_code == 201, answer.get_json()
    page = client.get("/tours/small/stops/middle").get_data(as_text=True)
    assert "data-listen-play" not in page
    assert re.search(r'<audio [^>]*src="/media/small/middle/[0-9a-f]+-en\.m4a"', page)
    # Russian has no recording: the phone's voice stays.
    assert "data-listen-play" in client.get(
        "/tours/small/stops/middle?lang=ru"
    ).get_data(as_text=True)
    url = re.search(r'<audio [^>]*src="([^"]+)"', page).group(1)
    served = client.get(url)
    assert (
        served.mimetype == "audio/mp4"
        and "immutable" in served.headers["Cache-Control"]
    )


def test_a_new_recording_replaces_the_old_file(app, guide):
    record(guide, tone_wav(1.0))
    first = stored_files(app)
    record(guide, tone_wav(1.5))
    second = stored_files(app)
    assert len(first) == len(second) == 1 and first != second
    assert rows(app, Recording) == 1


BAD_AUDIO = [
    ("picture", photo(200, 150), "not a sound recording"),
    ("text", b"just some words, not audio", "not a sound recording"),
    ("too-long", tone_wav(4.0), "at most 0.05 min"),
    (
        "too-large",
        tone_wav(1.0) + b"\x00" * (1024 * 1024 + 10),
        "a recording may be at most 1 MB",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [c[1:] for c in BAD_AUDIO], ids=[c[0] for c in BAD_AUDIO]
)
def test_bad_recordings_are_refused_and_nothing_is_kept(app, guide, data, message):
    app.config.update(MEDIA_AUDIO_MAX_MIN=0.05, MEDIA_AUDIO_MAX_MB=1)
    answer = record(guide, data)
    assert answer.status_code == 422
    assert message in answer.get_json()["error"]
    assert stored_files(app) == [] and rows(app, Recording) == 0


def test_a_language_the_tour_is_not_told_in(guide, app):
    answer = record(guide, tone_wav(1.0), lang="de")
    assert answer.status_code == 404 and stored_files(app) == []


def test_deleting_a_recording_brings_the_phone_voice_back(guide, client, app):
    record(guide, tone_wav(1.0))
    guide.post("/guide/tours/small/stops/middle/recordings/en/delete")
    assert stored_files(app) == []
    assert "data-listen-play" in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )


# --- check, GPX, offline pack ---------------------------------------------------------


def test_the_check_warns_of_stops_without_photos_and_errs_on_missing_alt(app, guide):
    upload(guide)
    page = guide.get("/guide/tours/small/check").get_data(as_text=True)
    assert page.count("No photo yet.") == 2  # start and finish; middle has one
    with app.app_context():
        tour = app.extensions["tour"]
        facts, recordings = media.media_facts("small")
        assert [f.alt for f in facts] == [{"en": ALT["alt_en"], "ru": ALT["alt_ru"]}]
        without_ru = [
            type(facts[0])(**{**facts[0].__dict__, "alt": {"en": "x"}}),
        ]
        problems = check_media(tour, without_ru, recordings)
    assert [(p.code, p.severity, p.params.get("lang")) for p in problems][0] == (
        "photo_without_alt",
        "error",
        "ru",
    )


def test_the_check_errs_on_a_recording_longer_than_the_dwell(app, guide):
    record(guide, tone_wav(1.0))
    with app.app_context():
        photos, (rec,) = media.media_facts("small")
        tour = app.extensions["tour"]
        long = type(rec)(**{**rec.__dict__, "duration_s": 6 * 60.0})  # dwell is 5 min
        big = type(rec)(**{**rec.__dict__, "bytes": rec.budget_bytes + 1})
        codes = [p.code for p in check_media(tour, photos, [long, big])]
    assert "recording_too_long" in codes and "recording_over_budget" in codes
    assert [p.code for p in check_media(tour, photos, [rec])].count("no_photo") == 3


def test_gpx_waypoints_link_their_photo(guide, client, gpx_schema):
    upload(guide)
    xml = client.get("/tours/small/tour.gpx").get_data(as_text=True)
    gpx_schema.validate(xml)
    middle = xml[xml.index("<wpt") :]
    waypoints = re.findall(r"<wpt .*?</wpt>", xml, re.S)
    with_photo = [w for w in waypoints if "/media/small/middle/" in w]
    assert len(with_photo) == 1
    assert re.search(
        r'<link href="http://localhost/media/small/middle/[^"]+\.jpg">', middle
    )
    assert "<type>image/jpeg</type>" in with_photo[0]
    assert "/tours/small/stops/middle" in with_photo[0]


def test_the_offline_pack_lists_one_width_per_photo_and_one_language(guide, client):
    upload(guide)
    record(guide, tone_wav(1.0), lang="ru")
    pack = client.get("/api/tours/small/media-pack?lang=ru&width=780").get_json()
    assert [p["url"].rsplit("-", 2)[1] for p in pack["photos"]] == ["960"]
    assert pack["photos"][0]["url"].endswith(".webp")
    assert len(pack["recordings"]) == 1 and pack["recordings"][0]["url"].endswith(
        "-ru.m4a"
    )
    english = client.get("/api/tours/small/media-pack?lang=en&width=400").get_json()
    assert (
        english["recordings"] == [] and english["photos"][0]["url"].count("-480-") == 1
    )
    assert pack["photo_bytes"] == sum(p["bytes"] for p in pack["photos"])
    assert pack["photo_bytes"] == len(client.get(pack["photos"][0]["url"]).data)


# --- deleting, export and import ------------------------------------------------------


def test_deleting_a_stops_or_tours_media_removes_their_files(app, guide):
    upload(guide)
    upload(guide, stop="start")
    record(guide, tone_wav(1.0))
    with app.test_request_context():
        media.delete_stop_media("small", "middle")
    assert not any("/middle/" in str(p) for p in stored_files(app))
    assert any("/start/" in str(p) for p in stored_files(app))
    with app.test_request_context():
        media.delete_tour_media("small")
    assert stored_files(app) == [] and rows(app, Photo) == rows(app, Recording) == 0


def test_export_then_import_as_a_new_tour_revalidates_and_keeps_texts(
    app, guide, tmp_path
):
    now = upload(guide, data=photo(seed=7), year="2025").get_json()["id"]
    upload(guide, data=photo(seed=8), year="1930", pair_id=str(now), alt_en="Old gate")
    record(guide, tone_wav(1.0), lang="ru")
    folder = tmp_path / "package"
    with app.test_request_context():
        names = media.export_tour_media("small", folder)
        assert "media.json" in names and len(names) == 4
        counts = media.import_tour_media(
            "copy",
            folder,
            stop_ids=["start", "middle", "finish"],
            languages=["en", "ru"],
        )
        assert counts == {"photos": 2, "recordings": 1}
        copied = media.stop_photos("copy", "middle")
        original = media.stop_photos("small", "middle")
        assert [p.alt for p in copied] == [p.alt for p in original]
        assert {p.pair_id for p in copied} == {p.id for p in copied}
        assert media.stop_recording("copy", "middle", "ru") is not None
        for view in copied:
            for r in view.renditions:
                path = Path(app.config["MEDIA_ROOT"]) / r["key"]
                assert exif_of(path.read_bytes()) == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m, f: m["photos"][0].update(alt={"en": "x"}),
            "alt text is missing in ru",
        ),
        (
            lambda m, f: m["photos"][0].update(stop="nowhere"),
            "'nowhere' is not in the tour",
        ),
        (lambda m, f: m["photos"][0].update(file="../../etc/passwd"), "bad file name"),
        (
            lambda m, f: (f / m["photos"][0]["file"]).write_bytes(b"nope"),
            "not a picture",
        ),
        (
            lambda m, f: (f / m["recordings"][0]["file"]).write_bytes(b"nope"),
            "not a sound",
        ),
    ],
    ids=["no-alt", "unknown-stop", "path-escape", "not-an-image", "not-audio"],
)
def test_a_bad_package_imports_nothing(app, guide, tmp_path, change, message):
    upload(guide)
    record(guide, tone_wav(1.0))
    folder = tmp_path / "package"
    with app.test_request_context():
        media.export_tour_media("small", folder)
    manifest = json.loads((folder / "media.json").read_text())
    change(manifest, folder)
    (folder / "media.json").write_text(json.dumps(manifest))
    before = stored_files(app)
    with app.test_request_context():
        with pytest.raises(media.MediaRefused, match=re.escape(message)):
            media.import_tour_media(
                "copy",
                folder,
                stop_ids=["start", "middle", "finish"],
                languages=["en", "ru"],
            )
        assert media.tour_photos("copy") == {}
    assert stored_files(app) == before


def test_import_over_a_tour_with_media_needs_replace(app, guide, tmp_path):
    upload(guide)
    folder = tmp_path / "package"
    with app.test_request_context():
        media.export_tour_media("small", folder)
        with pytest.raises(media.MediaRefused, match="already has photos"):
            media.import_tour_media(
                "small", folder, stop_ids=["middle"], languages=["en", "ru"]
            )
        media.import_tour_media(
            "small", folder, stop_ids=["middle"], languages=["en", "ru"], replace=True
        )
        assert len(media.stop_photos("small", "middle")) == 1
    assert len(stored_files(app)) == len(media_files_per_photo())


def media_files_per_photo() -> list[str]:
    """One file per width and format (AVIF only when this Pillow writes it)."""
    from web.services.media_files import PHOTO_WIDTHS
    from web.services.media_files import photo_formats

    return [f"{w}.{f}" for w in PHOTO_WIDTHS for f in photo_formats()]
