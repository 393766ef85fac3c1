"""Checking and converting uploaded media: photos with Pillow, narration with ffmpeg.

Nothing here touches the database or the store: a function takes the uploaded bytes
and returns the files to keep, or raises `MediaRefused` with a sentence for the guide.
Photos are turned upright by their EXIF orientation, then every bit of metadata is
dropped (GPS above all: a phone's photo says where the guide lives), converted to
sRGB and written at a few widths as AVIF (when Pillow can) and WebP, with a
JPEG fallback. Recordings are
checked with ffprobe, loudness-normalised and stored as AAC in MP4 (.m4a), which
every phone plays; mutagen reads the length of the result.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PIL import ImageCms
from PIL import ImageOps
from PIL import UnidentifiedImageError

PHOTO_WIDTHS = (480, 960, 1600)
BUDGET_WIDTH = 960
# The 960 px picture a phone downloads, at most; the others scale with their area.
BUDGET_960_BYTES = 150 * 1024
PHOTO_MAX_BYTES = 25 * 1024 * 1024
AUDIO_MAX_BYTES = 60 * 1024 * 1024
AUDIO_MAX_S = 15 * 60
AUDIO_BITRATE = "64k"  # mono speech: about 0.5 MB a minute
READABLE_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", "AVIF"}
LICENCES = ("own", "cc-by", "cc-by-sa", "public-domain", "permission")
MB = 1024 * 1024


class MediaRefused(ValueError):
    """An upload that is not kept, with the reason in words."""


@dataclass(frozen=True)
class Rendition:
    """One file of a photo: a width in one format."""

    width: int
    height: int
    format: str  # "avif", "webp" or "jpeg"
    data: bytes

    @property
    def digest(self) -> str:
        """The first 16 hex digits of its sha256: its name, so URLs never go stale."""
        return hashlib.sha256(self.data).hexdigest()[:16]

    @property
    def extension(self) -> str:
        """The file name extension."""
        return "jpg" if self.format == "jpeg" else self.format

    @property
    def mimetype(self) -> str:
        """The Content-Type it is served with."""
        return f"image/{self.format}"


@dataclass(frozen=True)
class CleanPhoto:
    """An uploaded photo made safe and small: its renditions, narrowest first."""

    width: int
    height: int
    digest: str
    renditions: tuple[Rendition, ...]


@dataclass(frozen=True)
class CleanAudio:
    """An uploaded recording as it is kept."""

    data: bytes
    duration_s: float
    mimetype: str = "audio/mp4"
    extension: str = "m4a"

    @property
    def digest(self) -> str:
        """The first 16 hex digits of its sha256."""
        return hashlib.sha256(self.data).hexdigest()[:16]


def too_large(kind: str, max_bytes: float) -> str:
    """The message for a file over its limit.

    >>> too_large("photo", 25 * MB)
    'The file is too large: a photo may be at most 25 MB.'
    """
    return f"The file is too large: a {kind} may be at most {max_bytes / MB:.3g} MB."


def _looks_like_heic(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"hevc")


def _draft(image: Image.Image, width: int) -> None:
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 of its size directly: a 12 MP
    # phone photo needs no more than twice the widest rendition's pixels.
    w, h = image.size
    turned = image.getexif().get(0x0112) in (5, 6, 7, 8)
    scale = width / (h if turned else w)
    if scale < 1:
        image.draft("RGB", (int(w * scale) + 1, int(h * scale) + 1))


def open_photo(
    data: bytes, *, max_bytes: int = PHOTO_MAX_BYTES, draft_width: int = 0
) -> Image.Image:
    """Read an upload as an image, fully decoded, or raise `MediaRefused`.

    The limit on pixels is Pillow's own (`Image.MAX_IMAGE_PIXELS`): a small file
    that unpacks into gigabytes of pixels (a decompression bomb) is refused
    before it is decoded.
    """
    if not data:
        raise MediaRefused("The file is empty.")
    if len(data) > max_bytes:
        raise MediaRefused(too_large("photo", max_bytes))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in READABLE_FORMATS:
                raise MediaRefused(
                    f"{image.format} pictures are not taken; send a JPEG, PNG or WebP."
                )
            if draft_width and image.format in ("JPEG", "MPO"):
                _draft(image, draft_width)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaRefused(
            "The picture is too large in pixels (more than"
            f" {(Image.MAX_IMAGE_PIXELS or 0) // 1_000_000} million): it looks like a"
            " decompression bomb, so it was not opened."
        ) from None
    except UnidentifiedImageError:
        if _looks_like_heic(data):
            raise MediaRefused(
                "This is a HEIC photo, which the server cannot read. Send it as"
                " JPEG (on an iPhone: Settings › Camera › Formats › Most Compatible)."
            ) from None
        raise MediaRefused(
            "This file is not a picture the server can read, whatever its name"
            " says; send a JPEG, PNG or WebP."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise MediaRefused(
            f"The picture is damaged or incomplete and cannot be read ({exc})."
        ) from None
    return image


def to_srgb(image: Image.Image) -> Image.Image:
    """The picture in sRGB, without alpha (on white), as 8-bit RGB."""
    icc = image.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            srgb = ImageCms.createProfile("sRGB")
            if image.mode not in ("RGB", "CMYK", "L"):
                image = image.convert("RGB")
            converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: take the pixels as they are
    if image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    ):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _budget(width: int) -> int:
    return int(BUDGET_960_BYTES * (width / BUDGET_WIDTH) ** 2)


def photo_formats() -> tuple[str, ...]:
    """The formats written, best first: AVIF when this Pillow can write it."""
    from PIL import features

    base = ("webp", "jpeg")
    return ("avif", *base) if features.check("avif") else base


def _encode(image: Image.Image, fmt: str, budget: int) -> bytes:
    # Fresh images carry no info: nothing of the upload's metadata is written.
    for quality in (82, 76, 70, 62, 55, 48, 40):
        out = io.BytesIO()
        if fmt == "avif":
            # AVIF's quality scale runs lower than WebP's for the same look.
            image.save(out, "AVIF", quality=quality - 22, speed=10)
        elif fmt == "webp":
            image.save(out, "WEBP", quality=quality, method=3)
        else:
            image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        data = out.getvalue()
        if len(data) <= budget:
            return data
    return data


def clean_photo(
    data: bytes,
    *,
    widths: Sequence[int] = PHOTO_WIDTHS,
    max_bytes: int = PHOTO_MAX_BYTES,
) -> CleanPhoto:
    """Check an upload and make its renditions: upright, no metadata, sRGB, sized."""
    image = open_photo(data, max_bytes=max_bytes, draft_width=max(widths))
    image = ImageOps.exif_transpose(image)
    image = to_srgb(image)
    # Pixels only: a new image from the raw data, so no EXIF, XMP, ICC or comment
    # of the upload can travel along.
    pixels = Image.frombytes("RGB", image.size, image.tobytes())
    full_w, full_h = pixels.size
    digest = hashlib.sha256(pixels.tobytes()).hexdigest()
    # Never enlarged: a picture narrower than a width is kept at its own width.
    targets = sorted({min(w, full_w) for w in widths})
    renditions = []
    source = pixels
    # Widest first, each from the one before: far quicker than from the original.
    sized_by_width = {}
    for width in reversed(targets):
        height = max(1, round(full_h * width / full_w))
        if source.width != width:
            source = source.resize((width, height), Image.Resampling.LANCZOS)
        sized_by_width[width] = source
    for width in targets:
        sized = sized_by_width[width]
        height = sized.height
        for fmt in photo_formats():
            renditions.append(
                Rendition(width, height, fmt, _encode(sized, fmt, _budget(width)))
            )
    largest = renditions[-1]
    return CleanPhoto(largest.width, largest.height, digest, tuple(renditions))


# --- narration ------------------------------------------------------------------------


def ffmpeg_available() -> bool:
    """Whether ffmpeg and ffprobe are installed (Debian's ``ffmpeg`` package)."""
    return bool(shutil.which("ffmpeg") and shutil.which("ffprobe"))


def probe(path: Path) -> dict[str, object]:
    """What ffprobe says of a file: its streams and format, as JSON."""
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration,format_name:stream=codec_type,codec_name,duration",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        return {}
    answer: dict[str, object] = json.loads(result.stdout or b"{}")
    return answer


def _duration(info: dict[str, object]) -> float | None:
    fmt = info.get("format")
    raw = fmt.get("duration") if isinstance(fmt, dict) else None
    try:
        return float(raw) if raw not in (None, "N/A") else None
    except (TypeError, ValueError):
        return None


def clean_audio(
    data: bytes,
    *,
    max_bytes: int = AUDIO_MAX_BYTES,
    max_s: float = AUDIO_MAX_S,
) -> CleanAudio:
    """Check an uploaded recording and make the file kept: AAC in .m4a, normalised."""
    from mutagen.mp4 import MP4

    if not data:
        raise MediaRefused("The file is empty.")
    if len(data) > max_bytes:
        raise MediaRefused(too_large("recording", max_bytes))
    if not ffmpeg_available():
        raise MediaRefused(
            "The server cannot process recordings: ffmpeg is not installed"
            " (apt-get install ffmpeg)."
        )
    limit_min = f"{max_s / 60:g}"
    with tempfile.TemporaryDirectory(prefix="narration-") as folder:
        source = Path(folder) / "upload"
        source.write_bytes(data)
        info = probe(source)
        streams = info.get("streams")
        kinds = (
            [s.get("codec_type") for s in streams if isinstance(s, dict)]
            if isinstance(streams, list)
            else []
        )
        if "audio" not in kinds:
            raise MediaRefused(
                "This file is not a sound recording, whatever its name says; send"
                " mp3, m4a (AAC), ogg or webm (Opus) or wav."
            )
        known = _duration(info)
        if known is not None and known > max_s:
            raise MediaRefused(
                f"The recording is {known / 60:.1f} min long; at most {limit_min} min."
            )
        target = Path(folder) / "narration.m4a"
        # One second past the limit is enough to tell a too-long recording whose
        # header does not give its length (a browser's webm) from a good one.
        result = subprocess.run(
            [
                "ffmpeg",
                "-nostdin",
                "-v",
                "error",
                "-i",
                str(source),
                "-map",
                "0:a:0",
                "-vn",
                "-t",
                f"{max_s + 1:g}",
                "-af",
                "loudnorm=I=-16:TP=-1.5:LRA=11",
                "-ac",
                "1",
                "-ar",
                "44100",
                "-c:a",
                "aac",
                "-b:a",
                AUDIO_BITRATE,
                "-map_metadata",
                "-1",
                "-movflags",
                "+faststart",
                str(target),
            ],
            capture_output=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0 or not target.is_file():
            raise MediaRefused(
                "The recording could not be read to the end; it may be damaged."
            )
        info_kept = MP4(str(target)).info  # type: ignore[no-untyped-call]
        length_s = float(getattr(info_kept, "length", 0.0))
        if length_s > max_s:
            raise MediaRefused(f"The recording is longer than {limit_min} min.")
        if length_s < 0.5:
            raise MediaRefused("The recording is shorter than half a second.")
        return CleanAudio(target.read_bytes(), round(length_s, 2))
