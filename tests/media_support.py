"""Real test media made on the spot: JPEGs with GPS in their EXIF (Pillow), a tone
as WAV (the standard library's ``wave``) and the same tone transcoded by ffmpeg."""

from __future__ import annotations

import io
import math
import shutil
import struct
import subprocess
import tempfile
import wave
from pathlib import Path

from PIL import ExifTags
from PIL import Image
from PIL import ImageDraw

# Somewhere in Bishkek: what a phone writes, and what must never reach a guest.
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (42.0, 52.0, 39.5),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (74.0, 33.0, 31.25),
}


def photo(
    width: int = 1200,
    height: int = 900,
    *,
    orientation: int = 1,
    gps: bool = True,
    fmt: str = "JPEG",
    seed: int = 0,
) -> bytes:
    """A picture with shapes and noise (so it compresses like a photo), GPS in EXIF,
    a camera model and an EXIF orientation."""
    image = Image.radial_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 25 + seed).convert("RGB")
    image = Image.blend(image, noise, 0.25)
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (width // 10, height // 10, width // 3, height // 2), fill=(200, 40, 20)
    )
    draw.ellipse((width // 2, height // 3, width - 20, height - 20), fill=(20, 90, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhone"
    exif[ExifTags.Base.Model] = "Camera 1"
    exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, fmt, quality=92, exif=exif.tobytes())
    return out.getvalue()


def bomb_png() -> bytes:
    """A small PNG that claims more pixels than Pillow agrees to open."""
    pixels = (Image.MAX_IMAGE_PIXELS or 89_478_485) * 2 + 1
    side = math.isqrt(pixels) + 1
    image = Image.new("1", (side, side))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def tone_wav(seconds: float = 2.0, rate: int = 22050, freq: float = 440.0) -> bytes:
    """A sine tone, 16-bit mono."""
    frames = b"".join(
        struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate)))
        for i in range(int(seconds * rate))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames)
    return out.getvalue()


def transcode(wav: bytes, suffix: str, *args: str) -> bytes:
    """The WAV converted by ffmpeg into another format (by ``suffix``)."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is not installed (scripts/test.sh installs it)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "tone.wav"
        target = Path(folder) / f"tone{suffix}"
        source.write_bytes(wav)
        subprocess.run(
            [ffmpeg, "-nostdin", "-v", "error", "-i", str(source), *args, str(target)],
            check=True,
            timeout=120,
        )
        return target.read_bytes()


def exif_of(data: bytes) -> dict[int, object]:
    """Every EXIF tag of an image file, with the GPS IFD's tags (empty when none)."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    tags: dict[int, object] = dict(exif)
    tags.update(exif.get_ifd(ExifTags.IFD.GPSInfo))
    return tags
