"""The database: SQLAlchemy models' base, engine settings, migrations on start-up.

SQLite in the instance folder by default, in WAL mode with ``synchronous=FULL``
so that an acknowledged write survives a ``kill -9``. ``DATABASE_URL`` selects
PostgreSQL (psycopg 3). The schema only changes through ``migrations/``.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_migrate import upgrade
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

# Named constraints, so that later migrations (batch mode on SQLite) can alter them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; typed with ``Mapped[...]``."""

    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS), render_as_batch=True)


def database_url(app: Flask) -> str:
    """The SQLAlchemy URL: config or ``DATABASE_URL``, else SQLite in instance/."""
    url = app.config.get("DATABASE_URL")
    if not url and not app.testing:
        # Tests pass their database explicitly; a developer's shell variable
        # must not point the unit tests at a real server.
        url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.abspath(app.config["DATABASE"])
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return str(url)


def init_app(app: Flask) -> None:
    """Set up Flask-SQLAlchemy and Flask-Migrate; bring the schema up to date."""
    url = database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", options)
    from web.services import models  # noqa: F401  (registers the tables on the metadata)

    db.init_app(app)
    migrate.init_app(app, db)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _tune_sqlite(db.engine)
        if app.config["DB_AUTO_UPGRADE"]:
            upgrade_schema(app)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        # The driver itself opens a (deferred) transaction at the first write
        # and lets reads run without one, so a page's reads hold no snapshot
        # that a later write could find stale. A `write_transaction` takes the
        # write lock first instead: BEGIN IMMEDIATE waits (busy_timeout) for
        # its turn and never fails on a stale snapshot.
        if conn.get_execution_options().get("sqlite_immediate"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """A session in its own transaction that holds the write lock from the start.

    On SQLite this is ``BEGIN IMMEDIATE``; on PostgreSQL an ordinary
    transaction, where row locks taken by ``UPDATE`` serialise the writers.
    Commits on success, rolls back on any exception.
    """
    with db.engine.connect() as conn:
        conn = conn.execution_options(sqlite_immediate=True)
        with Session(bind=conn, expire_on_commit=False) as session:
            with session.begin():
                yield session


def upgrade_schema(app: Flask) -> None:
    """Apply pending migrations; several workers starting at once take turns."""
    if db.engine.dialect.name == "sqlite":
        lock_path = app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]
        with open(lock_path + ".migrate-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                upgrade(directory=str(MIGRATIONS))
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    key = zlib.crc32(b"interhelpo-walk migrations")
    with db.engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            upgrade(directory=str(MIGRATIONS))
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
