"""The tour package: one tour as a ``.zip`` to download, keep, or load into a site.

Its layout is the tour's folder: ``<tour-id>/tour.json``, ``stops.geojson``,
``route.geojson``, ``connectors.osm`` (when it has one), and its media
(``media.json`` with ``photos/`` and ``recordings/``). The tour files are the
tour as guides left it (their published edits, order and path settled in).

Importing checks everything before anything is kept: the zip itself (names,
file count, unpacked size, read with a bounded reader), the tour files exactly as
at start-up, the id, and every photo and recording as an upload. A refused
package raises `PackageRefused` and changes nothing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import delete
from sqlalchemy import update

from geo.errors import TourDataError
from geo.export import dumps
from geo.export import dumps_route
from geo.export import route_collection
from geo.export import settled
from geo.export import stops_collection
from geo.loader import SLUG
from geo.loader import TOUR_FILE
from geo.loader import load_tour
from geo.tour import Tour
from web import catalogue
from web import get_tour
from web import tour_folder
from web.services.db import write_transaction
from web.services.guide_models import StopEdit
from web.services.guide_models import TourState
from web.services.media import delete_tour_media
from web.services.media import export_tour_media
from web.services.media import import_tour_media
from web.services.media_files import MediaRefused
from web.services.tour_shelf import shelf
from web.services.tour_store import bump_revision

# The tour files a package carries besides its media, in this order.
TOUR_FILES = ("tour.json", "stops.geojson", "route.geojson", "connectors.osm")
CHUNK = 1 << 16


class PackageRefused(ValueError):
    """A tour package that is not imported, with the reason in words."""


@dataclass(frozen=True)
class Imported:
    """What an import did."""

    tour_id: str
    replaced: bool
    photos: int
    recordings: int


def export_files(tour: Tour) -> dict[str, str]:
    """The tour as guides left it, in the ``tour_data/`` file formats."""
    source = tour_folder(current_app, tour.id)
    tour = settled(tour)
    meta = json.loads((source / TOUR_FILE).read_text(encoding="utf-8"))
    for name, text in tour.texts():
        # Declared languages as settled; others (being translated) as they were.
        meta[name] = {**meta[name], **text}
    files = {
        "tour.json": dumps(meta),
        "stops.geojson": dumps(stops_collection(tour.stops)),
        "route.geojson": dumps_route(
            route_collection(
                tour.legs,
                attribution=tour.attribution,
                generated_by="flask tour export (guides' edits)",
                walks_m=tour.walks_m,
            )
        ),
    }
    connectors = source / "connectors.osm"
    if connectors.is_file():
        files["connectors.osm"] = connectors.read_text(encoding="utf-8")
    return files


def build_package(tour_id: str) -> bytes:
    """The tour ``tour_id`` as a package (zip bytes)."""
    tour = get_tour(tour_id)
    buffer = io.BytesIO()
    with (
        tempfile.TemporaryDirectory() as scratch,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name, text in export_files(tour).items():
            archive.writestr(f"{tour_id}/{name}", text)
        media = Path(scratch)
        for name in export_tour_media(tour_id, media):
            # Photos and recordings are compressed already.
            archive.write(media / name, f"{tour_id}/{name}", zipfile.ZIP_STORED)
    return buffer.getvalue()


def import_package(
    data: bytes, *, new_id: str | None = None, replace: bool = False
) -> Imported:
    """Check the package ``data`` and make it a tour of the site.

    The tour's id is ``new_id``, else the package's folder name. An id that is
    already a tour is refused unless ``replace``; replacing drops the guides'
    edits of the old tour (the package carries the tour as they left it).
    """
    if new_id is not None and not SLUG.match(new_id):
        raise PackageRefused(
            f"The id {new_id!r} is not usable: use a-z, 0-9 and - (e.g. old-town)."
        )
    root = shelf().imported
    root.mkdir(parents=True, exist_ok=True)
    # Unpacked next to the tours (same disk, so the last step is one rename), in
    # a folder whose leading dot keeps it out of the catalogue.
    scratch = Path(tempfile.mkdtemp(prefix=".incoming-", dir=root))
    try:
        package_id = _unpack(data, scratch)
        tour_id = new_id or package_id
        if not SLUG.match(tour_id):
            raise PackageRefused(
                f"The package's folder {tour_id!r} is not a usable tour id:"
                " import it with another id."
            )
        unpacked = scratch / "unpacked"
        folder = scratch / tour_id
        folder.mkdir()
        for name in TOUR_FILES:
            if (unpacked / name).is_file():
                shutil.copyfile(unpacked / name, folder / name)
        try:
            tour = load_tour(folder)
        except TourDataError as exc:
            raise PackageRefused(_in_package(str(exc), folder, package_id)) from None
        exists = tour_id in catalogue().tours
        if exists and not replace:
            raise PackageRefused(
                f"There is already a tour {tour_id!r}. Import the package under"
                " another id, or replace that tour."
            )
        try:
            counts = import_tour_media(
                tour_id,
                unpacked,
                stop_ids=[stop.id for stop in tour.stops],
                languages=tour.languages,
                replace=replace,
            )
        except MediaRefused as exc:
            raise PackageRefused(str(exc)) from None
        try:
            put_in_place(folder, root / tour_id)
        except BaseException:
            if not exists:
                delete_tour_media(tour_id)
            raise
        # Files and stamp first, then the database: a process that sees the new
        # revision finds the new files too.
        shelf().changed()
        _start_afresh(tour_id)
        return Imported(tour_id, exists, counts["photos"], counts["recordings"])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _unpack(data: bytes, scratch: Path) -> str:
    """Unpack into ``scratch/unpacked``; the package's folder name (its tour id)."""
    limit_bytes = int(float(current_app.config["TOUR_PACKAGE_MAX_MB"]) * 1024 * 1024)
    limit_files = int(current_app.config["TOUR_PACKAGE_MAX_FILES"])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise PackageRefused("This is not a zip file (a tour package).") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > limit_files:
            raise PackageRefused(
                f"The package holds {len(entries)} files, more than the"
                f" {limit_files} a tour may have."
            )
        names = [_safe_name(info.filename) for info in entries]
        tops = {name.split("/", 1)[0] for name in names}
        if len(tops) != 1 or any("/" not in name for name in names):
            raise PackageRefused(
                "A tour package holds one folder, named by the tour's id, with"
                " tour.json in it."
            )
        top = tops.pop()
        if f"{top}/{TOUR_FILE}" not in names:
            raise PackageRefused(f"The package has no {top}/{TOUR_FILE}.")
        target = scratch / "unpacked"
        budget = limit_bytes
        for info, name in zip(entries, names, strict=True):
            if info.file_size > budget:
                raise _too_large(limit_bytes)
            path = target / name.split("/", 1)[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, path.open("wb") as out:
                    # Counted as read, not as declared: a forged header lies.
                    while chunk := source.read(CHUNK):
                        budget -= len(chunk)
                        if budget < 0:
                            raise _too_large(limit_bytes)
                        out.write(chunk)
            # RuntimeError: an encrypted entry.
            except (
                zipfile.BadZipFile,
                EOFError,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                raise PackageRefused(f"{name}: cannot be unpacked ({exc}).") from None
    return top


def _safe_name(name: str) -> str:
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise PackageRefused(
            f"The package holds a file named {name!r}: names with .., absolute"
            " paths or backslashes are refused."
        )
    return name


def _too_large(limit_bytes: int) -> PackageRefused:
    return PackageRefused(
        f"Unpacked, the package would be over {limit_bytes // (1024 * 1024)} MB:"
        " refused (a zip bomb, or too large a tour)."
    )


def _in_package(message: str, folder: Path, top: str) -> str:
    # The scratch folder means nothing to the guide: name the file in the package.
    message = message.replace(str(folder), top)
    return message if message.endswith(".") else message + "."


def put_in_place(folder: Path, target: Path) -> None:
    """Swap ``folder`` in at ``target`` with renames (the old one, if any, goes)."""
    old = target.with_name(f".old-{target.name}-{uuid.uuid4().hex}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(folder, target)
    except BaseException:
        if old.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _start_afresh(tour_id: str) -> None:
    """The tour's database overlay starts from its new files: no old edits, order
    or path on top; a new revision, so every process draws it again."""
    with write_transaction() as session:
        session.execute(delete(StopEdit).where(StopEdit.tour_id == tour_id))
        session.execute(
            update(TourState)
            .where(TourState.tour_id == tour_id)
            .values(order_json=None, path_json=None, published_variant_id=None)
        )
        bump_revision(session, None, tour_id=tour_id)
