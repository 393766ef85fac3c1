"""Registrations against a real multi-worker server: no overbooking, nothing lost.

gunicorn with three worker processes serves one database (SQLite in WAL mode,
or PostgreSQL when TEST_DATABASE_URL is set). Guests fetch the form, then all
post at once; later the whole server is SIGKILLed right after registrations
were acknowledged, and restarted.
"""

from __future__ import annotations

import http.client
import re
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest

from app import create_app
from tests.booking_support import BACKENDS
from tests.booking_support import Server
from tests.booking_support import add_date
from tests.booking_support import database
from tests.booking_support import guest
from tests.booking_support import hidden_fields

SEATS = 20
GUESTS = 120


class Guest:
    """One phone: its own cookie, its own form."""

    def __init__(self, url: str, date_id: int, number: int):
        self.host, self.port = url.removeprefix("http://").split(":")
        self.date_id = date_id
        self.number = number
        self.cookie = ""
        self.fields: dict[str, str] = {}

    def _request(self, method: str, path: str, body: str | None = None):
        connection = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location"), text

    def open_form(self) -> None:
        status, _, text = self._request(
            "GET", f"/tours/interhelpo/dates/{self.date_id}/register"
        )
        assert status == 200, text[-500:]
        self.fields = hidden_fields(text)

    def submit(self) -> tuple[int, str | None, str]:
        data = {
            **self.fields,
            **guest(name=f"Guest {self.number}", phone=f"+996 555 {self.number:06d}"),
        }
        return self._request(
            "POST", f"/tours/interhelpo/dates/{self.date_id}/register", urlencode(data)
        )


def _outcome(result: tuple[int, str | None, str]) -> str:
    status, location, text = result
    if status == 303 and location and "/tours/interhelpo/dates/r/" in location:
        return "registered"
    if status == 409 and 'data-outcome="full"' in text:
        return "full"
    return f"error {status}"


@pytest.fixture(params=BACKENDS)
def live_db(request, tmp_path):
    with database(request.param, tmp_path) as config:
        env = {"FLASK_DATABASE": config["DATABASE"]}
        if "DATABASE_URL" in config:
            env["DATABASE_URL"] = config["DATABASE_URL"]
        yield request.param, config, env


def _app(config):
    return create_app(
        {
            "SECRET_KEY": "live-tests-secret-key",
            "PUBLIC_URL": "http://127.0.0.1",
            **config,
        }
    )


def test_concurrent_registrations_take_exactly_the_seats(live_db, tmp_path):
    backend, config, env = live_db
    app = _app(config)
    date_id = add_date(app, capacity=SEATS)
    server = Server(tmp_path, env, workers=3).start()
    try:
        guests = [Guest(server.url, date_id, n) for n in range(GUESTS)]
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(lambda g: g.open_form(), guests))
        # Everyone presses "Register" at the same moment.
        gate = threading.Barrier(GUESTS)

        def press(g: Guest):
            gate.wait()
            return g.submit()

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=GUESTS) as pool:
            results = list(pool.map(press, guests))
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    outcomes = [_outcome(r) for r in results]
    print(
        f"\n{backend}: {GUESTS} simultaneous registrations for {SEATS} seats "
        f"on 3 workers in {elapsed:.2f} s: "
        f"{outcomes.count('registered')} registered, {outcomes.count('full')} full"
    )
    assert outcomes.count("registered") == SEATS
    assert outcomes.count("full") == GUESTS - SEATS
    from tests.booking_support import seats_taken

    assert seats_taken(app, date_id) == SEATS
    with app.app_context():
        from sqlalchemy import func
        from sqlalchemy import select

        from web.services.db import db
        from web.services.models import Registration

        confirmed = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.session_id == date_id, Registration.status == "confirmed"
            )
        )
        assert confirmed == SEATS
    assert "Traceback" not in server.log.read_text()


def test_acknowledged_registrations_survive_sigkill(live_db, tmp_path):
    backend, config, env = live_db
    app = _app(config)
    date_id = add_date(app, capacity=100)
    server = Server(tmp_path, env, workers=3).start()
    guests = [Guest(server.url, date_id, n) for n in range(40)]
    for g in guests:
        g.open_form()
    acknowledged: list[str] = []
    lock = threading.Lock()
    enough = threading.Event()

    def press(g: Guest):
        try:
            status, location, _ = g.submit()
        except OSError:
            return  # cut off by the kill: never acknowledged
        if status == 303 and location:
            with lock:
                acknowledged.append(location.rsplit("/", 1)[-1])
                if len(acknowledged) >= 15:
                    enough.set()

    with ThreadPoolExecutor(max_workers=8) as pool:
        for g in guests:
            pool.submit(press, g)
        enough.wait(timeout=60)
        server.kill()  # mid-stream: other registrations are still in flight
    snapshot = list(acknowledged)
    assert len(snapshot) >= 15

    if backend == "sqlite":
        with sqlite3.connect(config["DATABASE"]) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    server = Server(tmp_path, env, workers=2).start()
    try:
        for code in snapshot:
            checker = Guest(server.url, date_id, 0)
            status, _, text = checker._request(
                "GET", f"/tours/interhelpo/dates/r/{code}"
            )
            assert status == 200, code
            assert 'data-status="confirmed"' in text
    finally:
        server.stop()
    with app.app_context():
        from sqlalchemy import func
        from sqlalchemy import select

        from web.services.db import db
        from web.services.models import Registration
        from web.services.models import TourSession

        stored = set(db.session.scalars(select(Registration.code)))
        assert set(snapshot) <= stored
        people = db.session.scalar(
            select(func.sum(Registration.party_size)).where(
                Registration.session_id == date_id, Registration.status == "confirmed"
            )
        )
        # Seats and registrations agree: nothing half-written.
        assert db.session.get(TourSession, date_id).seats_taken == people
    print(f"\n{backend}: {len(snapshot)} acknowledged before SIGKILL, all present")


def test_live_server_logs_no_personal_data(tmp_path):
    config = {"DATABASE": str(tmp_path / "guide.sqlite3")}
    app = _app(config)
    date_id = add_date(app, capacity=5)
    server = Server(tmp_path, {"FLASK_DATABASE": config["DATABASE"]}, workers=1)
    server.env["GUNICORN_CMD_ARGS"] = "--access-logfile - --log-level debug"
    server.start()
    try:
        g = Guest(server.url, date_id, 7)
        g.open_form()
        status, location, _ = g.submit()
        assert status == 303
        g._request("GET", location)
    finally:
        server.stop()
    log = server.log.read_text()
    assert re.search(r'"POST /tours/interhelpo/dates/\d+/register HTTP/1.1" 303', log)
    # The name and the phone number, however written or encoded (not a bare
    # "555": gunicorn's debug log prints object addresses such as 0x7fd555fa1300).
    assert not re.search(r"Guest(?:\W|%20|%2B){0,3}7", log)
    assert not re.search(r"555(?:\W|%20|%2B){0,3}000007", log)
