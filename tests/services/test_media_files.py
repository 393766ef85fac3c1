"""Photos and recordings as the server keeps them: no metadata, right sizes, one format
every phone plays; each bad file refused with its reason."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.media_support import bomb_png
from tests.media_support import exif_of
from tests.media_support import photo
from tests.media_support import tone_wav
from tests.media_support import transcode
from web.services.media_files import BUDGET_960_BYTES
from web.services.media_files import MediaRefused
from web.services.media_files import clean_audio
from web.services.media_files import clean_photo


def test_a_phone_photo_loses_its_gps_and_every_other_tag():
    upload = photo(1600, 1200)
    assert exif_of(upload)[2] == (42.0, 52.0, 39.5)  # the test photo has GPS
    clean = clean_photo(upload)
    assert clean.renditions
    for rendition in clean.renditions:
        image = Image.open(io.BytesIO(rendition.data))
        assert exif_of(rendition.data) == {}, rendition.format
        assert "exif" not in image.info and "xmp" not in image.info
        assert image.size == (rendition.width, rendition.height)
        assert image.mode == "RGB"


def test_widths_and_formats_with_the_960_budget():
    clean = clean_photo(photo(2400, 1800))
    webp = [(r.width, r.height) for r in clean.renditions if r.format == "webp"]
    assert webp == [(480, 360), (960, 720), (1600, 1200)]
    jpeg = [r.width for r in clean.renditions if r.format == "jpeg"]
    assert jpeg == [480, 960, 1600]
    at_960 = [r for r in clean.renditions if r.width == 960]
    assert all(len(r.data) <= BUDGET_960_BYTES for r in at_960)
    for r in clean.renditions:
        assert Image.open(io.BytesIO(r.data)).format == r.format.upper()


def test_exif_orientation_is_applied_before_the_tags_go():
    # Orientation 6: the camera was held upright; the stored pixels lie on their side.
    clean = clean_photo(photo(1200, 900, orientation=6))
    assert (clean.width, clean.height) == (900, 1200)


def test_a_small_picture_is_not_enlarged():
    clean = clean_photo(photo(700, 500))
    assert sorted({r.width for r in clean.renditions}) == [480, 700]


def test_png_with_transparency_becomes_rgb():
    image = Image.new("RGBA", (600, 400), (255, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    clean = clean_photo(out.getvalue())
    first = Image.open(io.BytesIO(clean.renditions[0].data))
    assert first.mode == "RGB" and first.getpixel((10, 10))[:3] == (255, 255, 255)


def _truncated_jpeg() -> bytes:
    data = photo(800, 600)
    return data[: len(data) // 3]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"%PDF-1.4 not a picture at all", "not a picture"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "HEIC"),
        (_truncated_jpeg(), "damaged or incomplete"),
        (bomb_png(), "decompression bomb"),
    ],
    ids=["empty", "pdf-named-jpg", "heic", "truncated", "bomb"],
)
def test_bad_pictures_are_refused_with_a_reason(data, message):
    with pytest.raises(MediaRefused, match=message):
        clean_photo(data)


def test_a_picture_over_the_size_limit_is_refused_unread():
    with pytest.raises(MediaRefused, match="too large: a photo may be at most 1 MB"):
        clean_photo(photo(800, 600) + b"\x00" * (1024 * 1024), max_bytes=1024 * 1024)


@pytest.mark.parametrize(
    ("suffix", "args"),
    [
        (".wav", ()),
        (".mp3", ("-c:a", "libmp3lame")),
        (".m4a", ("-c:a", "aac")),
        (".ogg", ("-c:a", "libopus")),
        (".webm", ("-c:a", "libopus")),
    ],
)
def test_recordings_in_every_accepted_format_become_m4a(suffix, args):
    wav = tone_wav(2.0)
    data = wav if suffix == ".wav" else transcode(wav, suffix, *args)
    clean = clean_audio(data)
    assert clean.extension == "m4a" and clean.mimetype == "audio/mp4"
    assert clean.data[4:8] == b"ftyp"
    assert clean.duration_s == pytest.approx(2.0, abs=0.15)


def test_a_recording_too_long_is_refused():
    wav = tone_wav(3.0)
    with pytest.raises(MediaRefused, match=r"is 0\.1 min long; at most 0\.0333333 min"):
        clean_audio(wav, max_s=2.0)


def test_a_webm_without_a_length_in_its_header_is_measured():
    # Browsers' MediaRecorder writes webm without a duration: ffmpeg measures it.
    webm = transcode(tone_wav(3.0), ".webm", "-c:a", "libopus", "-live", "1")
    with pytest.raises(MediaRefused, match=r"longer than 0\.0333333 min"):
        clean_audio(webm, max_s=2.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (photo(300, 200), "not a sound recording"),
        (b"ID3" + b"\x00" * 200, "not a sound recording"),
    ],
    ids=["empty", "jpeg-named-mp3", "fake-mp3-header"],
)
def test_not_audio_is_refused(data, message):
    with pytest.raises(MediaRefused, match=message):
        clean_audio(data)


def test_a_recording_over_the_size_limit_is_refused_unread():
    with pytest.raises(
        MediaRefused, match=r"too large: a recording may be at most 0\.000954 MB"
    ):
        clean_audio(tone_wav(1.0), max_bytes=1000)
