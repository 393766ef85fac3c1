"""The site's tours: the shipped ones (``TOUR_DATA``) and those guides imported
(``TOURS_FOLDER``), read again in every worker process when they change.

An import writes its folder, then a new stamp into ``TOURS_FOLDER/.stamp``; each
request compares the stamp (one small file read) with the one its process loaded,
and reloads the catalogue when they differ. The guides' edits on top of a tour
live in the database (`web.services.tour_store`).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import Flask
from flask import current_app
from flask import g
from flask import has_request_context

from geo.loader import TOUR_FILE
from geo.loader import load_tour
from geo.loader import load_tours
from geo.tour import Catalogue

STAMP = ".stamp"


class TourShelf:
    """Loads the catalogue, and again whenever the imported tours change."""

    def __init__(self, shipped: Path, imported: Path, default: str) -> None:
        self.shipped = shipped
        self.imported = imported
        self.default = default
        self.stamp = self.read_stamp()
        self.catalogue = self._load()

    def read_stamp(self) -> str:
        """The stamp the last change wrote ("" before any)."""
        try:
            return (self.imported / STAMP).read_text(encoding="utf-8")
        except FileNotFoundError:
            return ""

    def _load(self) -> Catalogue:
        shipped = load_tours(self.shipped, self.default)
        tours = dict(shipped.tours)
        for folder in imported_folders(self.imported):
            tours[folder.name] = load_tour(folder)
        return Catalogue(
            tours=dict(sorted(tours.items())), default_id=shipped.default_id
        )

    def current(self) -> Catalogue:
        """The catalogue, reloaded first if another process changed the tours."""
        stamp = self.read_stamp()
        if stamp != self.stamp:
            # The stamp is written after the folders: what it announces is there.
            self.catalogue = self._load()
            self.stamp = stamp
        return self.catalogue

    def folder(self, tour_id: str) -> Path:
        """Where a tour's files are: its imported folder, else the shipped one."""
        imported = self.imported / tour_id
        if (imported / TOUR_FILE).is_file():
            return imported
        return self.shipped / tour_id

    def changed(self) -> None:
        """Announce a change to every process (this one reloads at once)."""
        self.imported.mkdir(parents=True, exist_ok=True)
        stamp = uuid.uuid4().hex
        partial = self.imported / f"{STAMP}.{stamp}"
        partial.write_text(stamp, encoding="utf-8")
        os.replace(partial, self.imported / STAMP)
        self.catalogue, self.stamp = self._load(), stamp
        current_app.extensions["tours"] = self.catalogue
        if has_request_context():
            g.pop("catalogue", None)  # this request sees the change too


def imported_folders(root: Path) -> list[Path]:
    """The tour folders under ``root`` (none when it does not exist yet)."""
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and path.name[0] != "." and (path / TOUR_FILE).is_file()
    )


def init_app(app: Flask) -> None:
    """Load every tour once; a broken file stops the start-up, naming the field."""
    shelf = TourShelf(
        Path(app.config["TOUR_DATA"]),
        Path(app.config["TOURS_FOLDER"]),
        app.config["DEFAULT_TOUR"],
    )
    app.extensions["tour_shelf"] = shelf
    app.extensions["tours"] = shelf.catalogue
    app.extensions["tour"] = shelf.catalogue.default


def shelf() -> TourShelf:
    """The app's shelf of tours."""
    found: TourShelf = current_app.extensions["tour_shelf"]
    return found


def current_catalogue() -> Catalogue:
    """The tours as this request sees them (read once per request)."""
    if has_request_context() and "catalogue" in g:
        seen: Catalogue = g.catalogue
        return seen
    catalogue = shelf().current()
    current_app.extensions["tours"] = catalogue
    if has_request_context():
        g.catalogue = catalogue
    return catalogue
