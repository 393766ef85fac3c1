"""Where media files live: one small interface, by default in the instance folder.

Keys are ``<tour-id>/<stop-id>/<name>``: plain slugs joined by ``/``, never ``..``, so
a key can be a path on any backend. A deployment that keeps media elsewhere (an
object store) provides another `MediaStore` in ``app.extensions["media_store"]``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from typing import Protocol

from flask import Flask
from flask import current_app

SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class BadMediaKey(ValueError):
    """A key with an empty, hidden or ``..`` segment, or characters outside slugs."""


def check_key(key: str) -> str:
    """Return ``key`` when every segment is a plain slug, else raise `BadMediaKey`.

    Examples
    --------
    >>> check_key("interhelpo/meeting/ab12-960.webp")
    'interhelpo/meeting/ab12-960.webp'
    >>> check_key("interhelpo/../secret")
    Traceback (most recent call last):
    ...
    web.services.media_store.BadMediaKey: bad media key: 'interhelpo/../secret'
    """
    parts = key.split("/")
    if not parts or any(not SEGMENT.match(p) or ".." in p for p in parts):
        raise BadMediaKey(f"bad media key: {key!r}")
    return key


class MediaStore(Protocol):
    """What the media code needs from a place that keeps files."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (atomically: a reader never sees half)."""

    def open(self, key: str) -> BinaryIO:
        """Open the file for reading; `FileNotFoundError` when absent."""

    def size(self, key: str) -> int:
        """Its size in bytes; `FileNotFoundError` when absent."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    def delete(self, key: str) -> None:
        """Remove one file; absent is fine."""

    def delete_prefix(self, prefix: str) -> None:
        """Remove every file under ``prefix`` (a tour, or a tour's stop)."""

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under ``prefix``."""


class LocalMediaStore:
    """Files in a folder (``instance/media`` unless ``MEDIA_ROOT`` says otherwise)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        """The file's path on disk."""
        return self.root / check_key(key)

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=target.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def size(self, key: str) -> int:
        return self.path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        shutil.rmtree(self.path(prefix), ignore_errors=True)

    def keys(self, prefix: str) -> Iterator[str]:
        base = self.path(prefix)
        if not base.is_dir():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path.relative_to(self.root).as_posix()


def init_app(app: Flask) -> None:
    """The default store: files in ``MEDIA_ROOT`` (``instance/media``)."""
    app.extensions.setdefault(
        "media_store", LocalMediaStore(Path(app.config["MEDIA_ROOT"]))
    )


def media_store() -> MediaStore:
    """The app's store."""
    store: MediaStore = current_app.extensions["media_store"]
    return store
