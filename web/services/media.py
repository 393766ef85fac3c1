"""Photos and recorded narration of a tour's stops: kept, listed, moved, deleted.

Rows are in `web.services.media_models`, files in the media store
(`web.services.media_store`), checked and converted by `web.services.media_files`.
Files are written before the row that names them is committed, and removed again
when the commit fails: a refused or failed upload leaves nothing behind.

`export_tour_media` and `import_tour_media` are what the tour package (zip) calls:
the first writes ``media/media.json`` and the files into a folder, the second checks
every file again as if it were uploaded and keeps all of them or none.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from flask import g
from flask import url_for
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.checks import PhotoFacts
from geo.checks import RecordingFacts
from web.services import media_store as store_module
from web.services.db import db
from web.services.db import write_transaction
from web.services.media_files import BUDGET_960_BYTES
from web.services.media_files import BUDGET_WIDTH
from web.services.media_files import LICENCES
from web.services.media_files import CleanAudio
from web.services.media_files import CleanPhoto
from web.services.media_files import MediaRefused
from web.services.media_files import clean_audio
from web.services.media_files import clean_photo
from web.services.media_models import Photo
from web.services.media_models import Recording
from web.services.media_store import media_store

MANIFEST = "media.json"
MAX_PHOTOS_PER_STOP = 12
AUDIO_BUDGET_BYTES = 8 * 1024 * 1024
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class MediaNotFound(LookupError):
    """No such photo or recording (or not at this stop)."""


@dataclass(frozen=True)
class PhotoMeta:
    """What a guide says about a photo."""

    alt: Mapping[str, str]
    caption: Mapping[str, str]
    credit: str
    licence: str
    year: int | None = None
    pair_id: int | None = None


@dataclass(frozen=True)
class PhotoView:
    """A photo as pages show it."""

    id: int
    stop_id: str
    position: int
    width: int
    height: int
    renditions: tuple[dict[str, Any], ...]
    alt: Mapping[str, str]
    caption: Mapping[str, str]
    credit: str
    licence: str
    year: int | None
    pair_id: int | None
    tour_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def of_format(self, fmt: str) -> list[dict[str, Any]]:
        """Its renditions in one format, narrowest first."""
        return [r for r in self.renditions if r["format"] == fmt]

    def url(self, rendition: Mapping[str, Any]) -> str:
        """The rendition's content-hashed address."""
        return url_for("media.file", key=rendition["key"])

    def srcset(self, fmt: str) -> str:
        """``srcset`` for one format."""
        return ", ".join(f"{self.url(r)} {r['width']}w" for r in self.of_format(fmt))

    def src(self, fmt: str = "jpeg", width: int = BUDGET_WIDTH) -> str:
        """The rendition closest to ``width`` (not narrower when there is one)."""
        return self.url(self.pick(fmt, width))

    def pick(self, fmt: str, width: int) -> dict[str, Any]:
        """The narrowest rendition at least ``width`` wide, else the widest."""
        options = self.of_format(fmt)
        return next((r for r in options if r["width"] >= width), options[-1])

    @property
    def budget_rendition(self) -> dict[str, Any]:
        """The 960 px WebP, or the widest when the photo is narrower."""
        return self.pick("webp", BUDGET_WIDTH)


@dataclass(frozen=True)
class RecordingView:
    """A recording as pages show it."""

    id: int
    stop_id: str
    lang: str
    key: str
    mimetype: str
    bytes: int
    duration_s: float

    @property
    def url(self) -> str:
        """Its content-hashed address."""
        return url_for("media.file", key=self.key)


def init_app(app: Flask) -> None:
    """The store and the templates' helpers (the limits are in `web.settings`)."""
    store_module.init_app(app)
    app.jinja_env.globals.update(
        stop_photos=stop_photos,
        stop_recording=stop_recording,
        photo_groups=photo_groups,
    )


def _limits() -> dict[str, float]:
    from flask import current_app

    config = current_app.config
    return {
        "photo_bytes": float(config["MEDIA_PHOTO_MAX_MB"]) * 1024 * 1024,
        "audio_bytes": float(config["MEDIA_AUDIO_MAX_MB"]) * 1024 * 1024,
        "audio_s": float(config["MEDIA_AUDIO_MAX_MIN"]) * 60,
    }


# --- reading --------------------------------------------------------------------------


def _view(photo: Photo) -> PhotoView:
    return PhotoView(
        id=photo.id,
        stop_id=photo.stop_id,
        position=photo.position,
        width=photo.width,
        height=photo.height,
        renditions=tuple(json.loads(photo.renditions_json)),
        alt=json.loads(photo.alt_json),
        caption=json.loads(photo.caption_json or "{}"),
        credit=photo.credit,
        licence=photo.licence,
        year=photo.year,
        pair_id=photo.pair_id,
        tour_id=photo.tour_id,
    )


def tour_photos(tour_id: str) -> dict[str, list[PhotoView]]:
    """Every photo of a tour by stop, in order (read once per request)."""
    cache: dict[str, dict[str, list[PhotoView]]] = g.setdefault("_tour_photos", {})
    if tour_id not in cache:
        rows = db.session.scalars(
            select(Photo)
            .where(Photo.tour_id == tour_id)
            .order_by(Photo.stop_id, Photo.position, Photo.id)
        )
        by_stop: dict[str, list[PhotoView]] = {}
        for row in rows:
            by_stop.setdefault(row.stop_id, []).append(_view(row))
        cache[tour_id] = by_stop
    return cache[tour_id]


def tour_recordings(tour_id: str) -> dict[tuple[str, str], RecordingView]:
    """Every recording of a tour by (stop, language)."""
    cache: dict[str, dict[tuple[str, str], RecordingView]] = g.setdefault(
        "_tour_recordings", {}
    )
    if tour_id not in cache:
        rows = db.session.scalars(select(Recording).where(Recording.tour_id == tour_id))
        cache[tour_id] = {
            (r.stop_id, r.lang): RecordingView(
                r.id, r.stop_id, r.lang, r.key, r.mimetype, r.bytes, r.duration_s
            )
            for r in rows
        }
    return cache[tour_id]


def _forget() -> None:
    g.pop("_tour_photos", None)
    g.pop("_tour_recordings", None)


def stop_photos(tour_id: str, stop_id: str) -> list[PhotoView]:
    """The photos of one stop, in order."""
    return tour_photos(tour_id).get(stop_id, [])


def stop_recording(tour_id: str, stop_id: str, lang: str) -> RecordingView | None:
    """The stop's recording in ``lang``, if there is one."""
    return tour_recordings(tour_id).get((stop_id, lang))


def photo_groups(photos: Sequence[PhotoView]) -> list[list[PhotoView]]:
    """Photos in order, a then-and-now pair together (the older first).

    Examples
    --------
    >>> a = PhotoView(1, "s", 1, 9, 9, (), {}, {}, "", "own", 2020, 3)
    >>> b = PhotoView(2, "s", 2, 9, 9, (), {}, {}, "", "own", None, None)
    >>> c = PhotoView(3, "s", 3, 9, 9, (), {}, {}, "", "own", 1930, 1)
    >>> [[p.id for p in group] for group in photo_groups([a, b, c])]
    [[3, 1], [2]]
    """
    by_id = {p.id: p for p in photos}
    groups: list[list[PhotoView]] = []
    seen: set[int] = set()
    for photo in photos:
        if photo.id in seen:
            continue
        seen.add(photo.id)
        partner = by_id.get(photo.pair_id or -1)
        if partner is None or partner.id in seen:
            groups.append([photo])
            continue
        seen.add(partner.id)
        pair = sorted([photo, partner], key=lambda p: (p.year is None, p.year or 0))
        groups.append(pair)
    return groups


def photo_row(tour_id: str, stop_id: str, photo_id: int) -> Photo:
    """The row of a photo of this stop, or `MediaNotFound`."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or (photo.tour_id, photo.stop_id) != (tour_id, stop_id):
        raise MediaNotFound(f"No photo {photo_id} at this stop.")
    return photo


# --- what guides send -----------------------------------------------------------------


def meta_from_form(form: Mapping[str, str], languages: Sequence[str]) -> PhotoMeta:
    """Read and check a photo's texts: alt text in every language, licence, credit."""
    alt = {lang: " ".join(form.get(f"alt_{lang}", "").split()) for lang in languages}
    missing = [lang for lang, text in alt.items() if not text]
    if missing:
        raise MediaRefused(
            "Describe the photo for people who cannot see it: the alt text is"
            f" missing in {', '.join(missing)}."
        )
    if any(len(text) > 300 for text in alt.values()):
        raise MediaRefused("Alt text is for a sentence or two: at most 300 characters.")
    caption = {
        lang: " ".join(form.get(f"caption_{lang}", "").split()) for lang in languages
    }
    caption = {lang: text[:500] for lang, text in caption.items() if text}
    licence = form.get("licence", "")
    if licence not in LICENCES:
        raise MediaRefused(
            "Choose the photo's licence: own photo, CC BY, CC BY-SA, public domain"
            " or with permission."
        )
    credit = " ".join(form.get("credit", "").split())[:200]
    if not credit and licence != "public-domain":
        raise MediaRefused("Say who took the photo or holds its rights (credit).")
    year: int | None = None
    raw_year = form.get("year", "").strip()
    if raw_year:
        if not raw_year.isdigit() or not 1800 <= int(raw_year) <= date.today().year:
            raise MediaRefused(
                f"The year must be between 1800 and {date.today().year}, or empty."
            )
        year = int(raw_year)
    pair_raw = form.get("pair_id", "").strip()
    pair_id = int(pair_raw) if pair_raw.isdigit() and len(pair_raw) < 12 else None
    return PhotoMeta(alt, caption, credit, licence, year, pair_id)


def _write_photo_files(
    tour_id: str, stop_id: str, clean: CleanPhoto
) -> list[dict[str, Any]]:
    store = media_store()
    written: list[dict[str, Any]] = []
    try:
        for r in clean.renditions:
            # The photo's hash first, so an offline copy can stand in for another
            # width of the same photo; the file's own hash keeps the URL immutable.
            name = f"{clean.digest[:16]}-{r.width}-{r.digest[:10]}.{r.extension}"
            key = f"{tour_id}/{stop_id}/{name}"
            store.put(key, r.data)
            written.append(
                {
                    "width": r.width,
                    "height": r.height,
                    "format": r.format,
                    "key": key,
                    "bytes": len(r.data),
                }
            )
    except BaseException:
        _remove_keys(r["key"] for r in written)
        raise
    return written


def _remove_keys(keys: Iterable[str]) -> None:
    store = media_store()
    for key in keys:
        store.delete(key)


def _check_ids(tour_id: str, stop_id: str) -> None:
    if not ID_PATTERN.match(tour_id) or not ID_PATTERN.match(stop_id):
        raise MediaNotFound("No such stop.")


def _set_pair(session: Session, photo: Photo, pair_id: int | None) -> None:
    """Pair two photos of the same stop ("then and now"), both ways."""
    if photo.pair_id and photo.pair_id != pair_id:
        old = session.get(Photo, photo.pair_id)
        if old is not None and old.pair_id == photo.id:
            old.pair_id = None
    if pair_id is None:
        photo.pair_id = None
        return
    other = session.get(Photo, pair_id)
    if (
        other is None
        or other.id == photo.id
        or (other.tour_id, other.stop_id) != (photo.tour_id, photo.stop_id)
    ):
        raise MediaRefused("A then-and-now pair is two photos of the same stop.")
    if other.pair_id and other.pair_id != photo.id:
        third = session.get(Photo, other.pair_id)
        if third is not None:
            third.pair_id = None
    other.pair_id = photo.id
    photo.pair_id = other.id


def add_photo(
    tour_id: str,
    stop_id: str,
    data: bytes,
    meta: PhotoMeta,
    *,
    filename: str = "",
    user_id: int | None = None,
    clean: CleanPhoto | None = None,
) -> int:
    """Check, convert and keep a photo at the end of the stop's photos; its id."""
    _check_ids(tour_id, stop_id)
    if clean is None:
        clean = clean_photo(data, max_bytes=int(_limits()["photo_bytes"]))
    existing = stop_photos(tour_id, stop_id)
    if len(existing) >= MAX_PHOTOS_PER_STOP:
        raise MediaRefused(f"A stop has at most {MAX_PHOTOS_PER_STOP} photos.")
    with db.session.no_autoflush:
        duplicate = db.session.scalar(
            select(Photo.id).where(
                Photo.tour_id == tour_id,
                Photo.stop_id == stop_id,
                Photo.digest == clean.digest,
            )
        )
    if duplicate is not None:
        raise MediaRefused("This photo is already at this stop.")
    renditions = _write_photo_files(tour_id, stop_id, clean)
    try:
        with write_transaction() as session:
            last = session.scalar(
                select(func.max(Photo.position)).where(
                    Photo.tour_id == tour_id, Photo.stop_id == stop_id
                )
            )
            photo = Photo(
                tour_id=tour_id,
                stop_id=stop_id,
                position=(last or 0) + 1,
                digest=clean.digest,
                width=clean.width,
                height=clean.height,
                renditions_json=json.dumps(renditions),
                alt_json=json.dumps(dict(meta.alt), ensure_ascii=False),
                caption_json=json.dumps(dict(meta.caption), ensure_ascii=False),
                credit=meta.credit,
                licence=meta.licence,
                year=meta.year,
                original_name=filename[:255],
                created_by=user_id,
            )
            session.add(photo)
            session.flush()
            if meta.pair_id is not None:
                _set_pair(session, photo, meta.pair_id)
            photo_id = int(photo.id)
    except BaseException:
        _remove_keys(r["key"] for r in renditions)
        raise
    _forget()
    return photo_id


def update_photo(tour_id: str, stop_id: str, photo_id: int, meta: PhotoMeta) -> None:
    """Change a photo's texts, licence, year or pair."""
    photo_row(tour_id, stop_id, photo_id)
    with write_transaction() as session:
        photo = session.get(Photo, photo_id)
        assert photo is not None
        photo.alt_json = json.dumps(dict(meta.alt), ensure_ascii=False)
        photo.caption_json = json.dumps(dict(meta.caption), ensure_ascii=False)
        photo.credit = meta.credit
        photo.licence = meta.licence
        photo.year = meta.year
        _set_pair(session, photo, meta.pair_id)
    _forget()


def replace_photo(
    tour_id: str, stop_id: str, photo_id: int, data: bytes, *, filename: str = ""
) -> None:
    """Put a new picture in place of a photo, keeping its texts and position."""
    photo_row(tour_id, stop_id, photo_id)
    clean = clean_photo(data, max_bytes=int(_limits()["photo_bytes"]))
    renditions = _write_photo_files(tour_id, stop_id, clean)
    new_keys = {r["key"] for r in renditions}
    try:
        with write_transaction() as session:
            photo = session.get(Photo, photo_id)
            assert photo is not None
            old = [r["key"] for r in json.loads(photo.renditions_json)]
            photo.digest = clean.digest
            photo.width, photo.height = clean.width, clean.height
            photo.renditions_json = json.dumps(renditions)
            photo.original_name = filename[:255]
    except BaseException:
        _remove_keys(new_keys)
        raise
    _remove_keys(k for k in old if k not in new_keys)
    _forget()


def move_photo(tour_id: str, stop_id: str, photo_id: int, step: int) -> None:
    """Move a photo one place earlier (step -1) or later (+1) among its stop's."""
    photo_row(tour_id, stop_id, photo_id)
    with write_transaction() as session:
        rows = list(
            session.scalars(
                select(Photo)
                .where(Photo.tour_id == tour_id, Photo.stop_id == stop_id)
                .order_by(Photo.position, Photo.id)
            )
        )
        index = next(i for i, row in enumerate(rows) if row.id == photo_id)
        other = index + (1 if step > 0 else -1)
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows, start=1):
            row.position = position
    _forget()


def delete_photo(tour_id: str, stop_id: str, photo_id: int) -> None:
    """Remove a photo and its files."""
    photo_row(tour_id, stop_id, photo_id)
    with write_transaction() as session:
        photo = session.get(Photo, photo_id)
        assert photo is not None
        keys = [r["key"] for r in json.loads(photo.renditions_json)]
        for other in session.scalars(select(Photo).where(Photo.pair_id == photo_id)):
            other.pair_id = None
        session.delete(photo)
    _remove_keys(keys)
    _forget()


def set_recording(
    tour_id: str,
    stop_id: str,
    lang: str,
    data: bytes,
    *,
    filename: str = "",
    user_id: int | None = None,
    clean: CleanAudio | None = None,
) -> int:
    """Check, convert and keep the stop's narration in ``lang`` (replacing one)."""
    _check_ids(tour_id, stop_id)
    if clean is None:
        limits = _limits()
        clean = clean_audio(
            data, max_bytes=int(limits["audio_bytes"]), max_s=limits["audio_s"]
        )
    key = f"{tour_id}/{stop_id}/{clean.digest}-{lang}.{clean.extension}"
    media_store().put(key, clean.data)
    old_key = None
    try:
        with write_transaction() as session:
            row = session.scalar(
                select(Recording).where(
                    Recording.tour_id == tour_id,
                    Recording.stop_id == stop_id,
                    Recording.lang == lang,
                )
            )
            if row is None:
                row = Recording(tour_id=tour_id, stop_id=stop_id, lang=lang)
                session.add(row)
            else:
                old_key = row.key
            row.key = key
            row.mimetype = clean.mimetype
            row.bytes = len(clean.data)
            row.duration_s = clean.duration_s
            row.original_name = filename[:255]
            row.created_by = user_id
            session.flush()
            recording_id = int(row.id)
    except BaseException:
        if old_key != key:
            media_store().delete(key)
        raise
    if old_key and old_key != key:
        media_store().delete(old_key)
    _forget()
    return recording_id


def delete_recording(tour_id: str, stop_id: str, lang: str) -> None:
    """Remove the stop's narration in ``lang`` and its file."""
    with write_transaction() as session:
        row = session.scalar(
            select(Recording).where(
                Recording.tour_id == tour_id,
                Recording.stop_id == stop_id,
                Recording.lang == lang,
            )
        )
        if row is None:
            raise MediaNotFound("No recording in this language.")
        key = row.key
        session.delete(row)
    media_store().delete(key)
    _forget()


def delete_stop_media(tour_id: str, stop_id: str) -> None:
    """Remove every photo and recording of a stop, rows and files (stop deleted)."""
    _check_ids(tour_id, stop_id)
    with write_transaction() as session:
        session.execute(
            delete(Photo).where(Photo.tour_id == tour_id, Photo.stop_id == stop_id)
        )
        session.execute(
            delete(Recording).where(
                Recording.tour_id == tour_id, Recording.stop_id == stop_id
            )
        )
    media_store().delete_prefix(f"{tour_id}/{stop_id}")
    _forget()


def delete_tour_media(tour_id: str) -> None:
    """Remove every photo and recording of a tour, rows and files (tour deleted)."""
    if not ID_PATTERN.match(tour_id):
        raise MediaNotFound("No such tour.")
    with write_transaction() as session:
        session.execute(delete(Photo).where(Photo.tour_id == tour_id))
        session.execute(delete(Recording).where(Recording.tour_id == tour_id))
    media_store().delete_prefix(tour_id)
    _forget()


# --- the tour package -----------------------------------------------------------------


def export_tour_media(tour_id: str, folder: Path) -> list[str]:
    """Write a tour's media into ``folder``: ``media.json`` and the files it names.

    Each photo travels as its widest JPEG (already cleaned), each recording as its
    .m4a; the manifest holds their texts. Returns the names written, relative to
    ``folder``, for the package to add.
    """
    store = media_store()
    folder.mkdir(parents=True, exist_ok=True)
    photos: list[dict[str, Any]] = []
    written = [MANIFEST]
    for stop_id, views in sorted(tour_photos(tour_id).items()):
        for view in views:
            widest = view.of_format("jpeg")[-1]
            name = f"photos/{stop_id}/{view.id}.jpg"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            with store.open(widest["key"]) as source:
                (folder / name).write_bytes(source.read())
            written.append(name)
            photos.append(
                {
                    "id": view.id,
                    "stop": stop_id,
                    "file": name,
                    "alt": dict(view.alt),
                    "caption": dict(view.caption),
                    "credit": view.credit,
                    "licence": view.licence,
                    "year": view.year,
                    "pair": view.pair_id,
                }
            )
    recordings: list[dict[str, Any]] = []
    for (stop_id, lang), rec in sorted(tour_recordings(tour_id).items()):
        name = f"recordings/{stop_id}/{lang}.{rec.key.rsplit('.', 1)[-1]}"
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        with store.open(rec.key) as source:
            (folder / name).write_bytes(source.read())
        written.append(name)
        recordings.append({"stop": stop_id, "lang": lang, "file": name})
    manifest = {"format": 1, "photos": photos, "recordings": recordings}
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return written


def _inside(folder: Path, name: object) -> Path:
    if not isinstance(name, str) or name.startswith("/") or ".." in name.split("/"):
        raise MediaRefused(f"{MANIFEST}: bad file name {name!r}")
    path = folder / name
    if not path.is_file():
        raise MediaRefused(f"{MANIFEST}: {name} is missing from the package")
    return path


def import_tour_media(
    tour_id: str,
    folder: Path,
    *,
    stop_ids: Iterable[str],
    languages: Sequence[str],
    replace: bool = False,
) -> dict[str, int]:
    """Check and keep the media of a package's ``folder`` for ``tour_id``.

    Every file is checked again as an upload would be (a package is no more
    trusted than a browser); any problem raises `MediaRefused` naming the file,
    and then nothing is kept. With ``replace`` the tour's media are swapped for
    the package's; without it a tour that already has media is refused.
    """
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        return {"photos": 0, "recordings": 0}
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MediaRefused(f"{MANIFEST}: not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != 1:
        raise MediaRefused(f"{MANIFEST}: not a media manifest of format 1")
    stops = set(stop_ids)
    limits = _limits()
    prepared_photos: list[tuple[dict[str, Any], PhotoMeta, CleanPhoto]] = []
    for index, entry in enumerate(manifest.get("photos") or []):
        where = f"{MANIFEST}: photos[{index}]"
        if not isinstance(entry, dict) or entry.get("stop") not in stops:
            raise MediaRefused(
                f"{where}: stop {entry.get('stop')!r} is not in the tour"
            )
        path = _inside(folder, entry.get("file"))
        form = {f"alt_{k}": str(v) for k, v in (entry.get("alt") or {}).items()}
        form.update(
            {f"caption_{k}": str(v) for k, v in (entry.get("caption") or {}).items()}
        )
        form.update(
            credit=str(entry.get("credit") or ""),
            licence=str(entry.get("licence") or ""),
            year=str(entry.get("year") or ""),
        )
        try:
            meta = meta_from_form(form, languages)
            clean = clean_photo(path.read_bytes(), max_bytes=int(limits["photo_bytes"]))
        except MediaRefused as exc:
            raise MediaRefused(f"{where} ({entry.get('file')}): {exc}") from None
        prepared_photos.append((entry, meta, clean))
    prepared_audio: list[tuple[str, str, CleanAudio]] = []
    for index, entry in enumerate(manifest.get("recordings") or []):
        where = f"{MANIFEST}: recordings[{index}]"
        if not isinstance(entry, dict) or entry.get("stop") not in stops:
            raise MediaRefused(
                f"{where}: stop {entry.get('stop')!r} is not in the tour"
            )
        if entry.get("lang") not in languages:
            raise MediaRefused(
                f"{where}: language {entry.get('lang')!r} is not the tour's"
            )
        path = _inside(folder, entry.get("file"))
        try:
            clean_rec = clean_audio(
                path.read_bytes(),
                max_bytes=int(limits["audio_bytes"]),
                max_s=limits["audio_s"],
            )
        except MediaRefused as exc:
            raise MediaRefused(f"{where} ({entry.get('file')}): {exc}") from None
        prepared_audio.append((str(entry["stop"]), str(entry["lang"]), clean_rec))
    if tour_photos(tour_id) or tour_recordings(tour_id):
        if not replace:
            raise MediaRefused(f"The tour {tour_id} already has photos or recordings.")
        delete_tour_media(tour_id)
    done_photos: dict[object, int] = {}
    try:
        for entry, meta, clean in prepared_photos:
            done_photos[entry.get("id")] = add_photo(
                tour_id, str(entry["stop"]), b"", meta, clean=clean
            )
        for entry, _meta, _clean in prepared_photos:
            pair = entry.get("pair")
            if pair in done_photos:
                with write_transaction() as session:
                    photo = session.get(Photo, done_photos[entry.get("id")])
                    assert photo is not None
                    _set_pair(session, photo, done_photos[pair])
        for stop_id, lang, clean_rec in prepared_audio:
            set_recording(tour_id, stop_id, lang, b"", clean=clean_rec)
    except BaseException:
        delete_tour_media(tour_id)
        raise
    _forget()
    return {"photos": len(prepared_photos), "recordings": len(prepared_audio)}


# --- the pre-publish check ------------------------------------------------------------


def budget_bytes(width: int) -> int:
    """What a rendition of ``width`` may weigh (150 KB at 960 px, by area)."""
    return int(BUDGET_960_BYTES * (width / BUDGET_WIDTH) ** 2)


def media_facts(tour_id: str) -> tuple[list[PhotoFacts], list[RecordingFacts]]:
    """The tour's photos and recordings as the pre-publish check sees them."""
    photos = []
    for stop_id, views in tour_photos(tour_id).items():
        for number, view in enumerate(views, start=1):
            rendition = view.budget_rendition
            photos.append(
                PhotoFacts(
                    stop=stop_id,
                    number=number,
                    alt=dict(view.alt),
                    width=rendition["width"],
                    bytes=rendition["bytes"],
                    budget_bytes=budget_bytes(rendition["width"]),
                )
            )
    recordings = [
        RecordingFacts(
            stop=rec.stop_id,
            lang=rec.lang,
            duration_s=rec.duration_s,
            bytes=rec.bytes,
            budget_bytes=AUDIO_BUDGET_BYTES,
        )
        for rec in tour_recordings(tour_id).values()
    ]
    return photos, recordings
