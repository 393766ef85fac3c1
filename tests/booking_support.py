"""Helpers for the registration tests: databases, tour dates, forms, live servers."""

from __future__ import annotations

import os
import re
import secrets
from contextlib import contextmanager
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest

from tests.live_server import LiveServer

PG_ENV = "TEST_DATABASE_URL"
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"
        ),
    ),
]

_HIDDEN = re.compile(r'name="(csrf_token|form_token|waitlist)"[^>]*value="([^"]*)"')
_HIDDEN_REVERSED = re.compile(r'value="([^"]*)"[^>]*name="(csrf_token)"')


@contextmanager
def fresh_postgres():
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    import psycopg

    base = os.environ[PG_ENV]
    name = "t_" + secrets.token_hex(6)
    parts = urlsplit(base)
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(parts._replace(path="/" + name))
    finally:
        _drop(base, name)


def _drop(base: str, name: str) -> None:
    """Drop a test database, even while a killed server's sessions linger."""
    import time

    import psycopg

    deadline = time.monotonic() + 60
    with psycopg.connect(base, autocommit=True) as admin:
        while True:
            try:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
                # A role without pg_signal_backend cannot stop an autovacuum
                # worker; those finish on their own, so wait and try again.
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


@contextmanager
def database(backend: str, tmp_path: Path):
    """Config for one backend: ``{"DATABASE": ...}`` or ``{"DATABASE_URL": ...}``."""
    if backend == "sqlite":
        yield {"DATABASE": str(tmp_path / "guide.sqlite3")}
    else:
        with fresh_postgres() as url:
            yield {"DATABASE": str(tmp_path / "unused.sqlite3"), "DATABASE_URL": url}


@contextmanager
def booking_app(backend: str, tmp_path: Path, tour_dir: Path):
    """The app on the small test tour, its database on ``backend``."""
    from app import create_app

    with database(backend, tmp_path) as config:
        yield create_app(
            {
                "TESTING": True,
                "TOUR_DATA": str(tour_dir.parent),
                "TOURS_FOLDER": str(tmp_path / "imported-tours"),
                "MEDIA_ROOT": str(tmp_path / "media"),
                "SECRET_KEY": "test",
                "TILE_URL": "/tiles/{z}/{x}/{y}.png",
                "STREET_FILES": [],
                **config,
            }
        )


def add_date(app, *, capacity: int = 20, days: float = 3, **fields) -> int:
    """Put a tour date in the database; returns its id."""
    from web.services.booking import local_now
    from web.services.db import db
    from web.services.models import TourSession

    with app.test_request_context():
        starts_at = (local_now() + timedelta(days=days)).replace(
            second=0, microsecond=0
        )
        tour_date = TourSession(
            starts_at=fields.pop("starts_at", starts_at),
            language=fields.pop("language", "en"),
            capacity=capacity,
            seats_taken=fields.pop("seats_taken", 0),
            price_amount=fields.pop("price_amount", 700),
            price_currency="KGS",
            status=fields.pop("status", "scheduled"),
            **fields,
        )
        db.session.add(tour_date)
        db.session.commit()
        return int(tour_date.id)


def hidden_fields(html: str) -> dict[str, str]:
    """The CSRF token, form token and waitlist flag of a rendered form."""
    found = {name: value for name, value in _HIDDEN.findall(html)}
    for value, name in _HIDDEN_REVERSED.findall(html):
        found.setdefault(name, value)
    return found


def guest(**overrides) -> dict[str, str]:
    """A valid registration form, as a browser sends it."""
    data = {
        "name": "Aigerim Test",
        "phone": "+996 559 336 001",
        "email": "",
        "party_size": "1",
        "language": "en",
        "note": "",
        "consent": "y",
        "website": "",
    }
    data.update(overrides)
    return data


def register(client, date_id: int, *, tour: str = "small", **overrides):
    """GET the form, then POST it like a browser; returns the POST response."""
    page = client.get(f"/tours/{tour}/dates/{date_id}/register")
    assert page.status_code == 200, page.status_code
    data = {**hidden_fields(page.get_data(as_text=True)), **guest(**overrides)}
    return client.post(f"/tours/{tour}/dates/{date_id}/register", data=data)


def seats_taken(app, date_id: int) -> int:
    """Seats taken, read fresh from the database."""
    from web.services.db import db
    from web.services.models import TourSession

    with app.app_context():
        db.session.expire_all()
        tour_date = db.session.get(TourSession, date_id)
        return int(tour_date.seats_taken)


class Server(LiveServer):
    """The app for the registration tests: gunicorn with several workers by default,
    on the database ``env`` names (never one inherited from this process)."""

    def __init__(self, instance: Path, env: dict[str, str], *, workers: int = 3):
        super().__init__(
            instance,
            {
                "FLASK_SECRET_KEY": "live-tests-secret-key",
                "FLASK_REGISTRATIONS_PER_ADDRESS": "0",
                **env,
            },
            workers=workers,
            ready_path="/api/tours/interhelpo/dates",
            without=("DATABASE_URL", PG_ENV),
        )


def utc_naive_now() -> datetime:
    from datetime import UTC

    return datetime.now(UTC).replace(tzinfo=None)
