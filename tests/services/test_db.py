"""The database layer: SQLite settings, migrations, DATABASE_URL, write transactions."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time

import pytest
from sqlalchemy import inspect
from sqlalchemy import text

from app import create_app
from web.services.db import database_url
from web.services.db import db
from web.services.db import write_transaction


def test_sqlite_runs_in_wal_mode_with_full_sync(app):
    with app.app_context():
        connection = db.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        # 2 = FULL: every commit is on disk before it is acknowledged.
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_the_schema_comes_from_the_migrations(app, tmp_path):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        version = db.session.execute(text("SELECT version_num FROM alembic_version"))
        assert version.scalar()
    assert {"users", "tour_sessions", "registrations", "events", "attempts"} <= tables


def test_migrations_go_down_and_up_again(app):
    from flask_migrate import downgrade
    from flask_migrate import upgrade

    from web.services.db import MIGRATIONS

    with app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="base")
        assert "registrations" not in inspect(db.engine).get_table_names()
        upgrade(directory=str(MIGRATIONS))
        assert "registrations" in inspect(db.engine).get_table_names()


def test_upgrade_command(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output


def _start_worker(config, barrier) -> None:
    barrier.wait()  # all together, as gunicorn's workers start
    create_app(config)


def test_many_workers_starting_at_once_migrate_once(tmp_path, tour_dir):
    config = {
        "DATABASE": str(tmp_path / "race.sqlite3"),
        "TOUR_DATA": str(tour_dir.parent),
        "SECRET_KEY": "race-test-secret-key",
        "PUBLIC_URL": "http://127.0.0.1",
    }
    # Processes, as gunicorn's workers are: threads in one interpreter would also
    # race on Python 3.11's compiler (werkzeug builds its URL rules with ast),
    # which no worker ever shares.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=_start_worker, args=(config, barrier)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    with sqlite3.connect(config["DATABASE"]) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("SELECT count(*) FROM alembic_version").fetchone()[0] == 1


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ],
)
def test_database_url_selects_postgresql(given, expected, tmp_path):
    from flask import Flask

    app = Flask(__name__)
    app.config.update(DATABASE=str(tmp_path / "x.sqlite3"), DATABASE_URL=given)
    assert database_url(app) == expected


def test_environment_database_url_is_ignored_by_tests(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    app = Flask(__name__)
    app.config.update(DATABASE=str(tmp_path / "x.sqlite3"), TESTING=True)
    assert database_url(app).startswith("sqlite:///")
    app.config["TESTING"] = False
    assert database_url(app) == "postgresql+psycopg://u@h/db"


def test_write_transactions_take_turns(app):
    """BEGIN IMMEDIATE: a second writer waits for the first instead of failing."""
    order = []

    def writer(name, hold):
        with app.app_context():
            with write_transaction() as session:
                # Only a read so far: without BEGIN IMMEDIATE, it would not wait.
                session.execute(text("SELECT count(*) FROM attempts"))
                order.append(f"{name} in")
                session.execute(text("UPDATE attempts SET kind = kind"))
                time.sleep(hold)
                order.append(f"{name} out")

    first = threading.Thread(target=writer, args=("a", 0.3))
    first.start()
    time.sleep(0.1)
    writer("b", 0)
    first.join()
    assert order == ["a in", "a out", "b in", "b out"]
