"""Sign-in throttling slows down guessing and cannot be turned against the guide:
failures count per (name, address) and per address, waits grow, nothing locks a
name, and concurrent tries cannot pass the limit together."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

PASSWORD = "correct horse battery"
ATTACKER = "203.0.113.9"
GUIDE = "198.51.100.7"


@pytest.fixture
def guide(app, runner):
    app.config["WTF_CSRF_ENABLED"] = False
    result = runner.invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    assert result.exit_code == 0, result.output


def attempt(client, password, *, address=ATTACKER, name="anna"):
    return client.post(
        "/guide/login",
        data={"username": name, "password": password},
        environ_overrides={"REMOTE_ADDR": address},
    )


def age_attempts(app, seconds: float) -> None:
    """Let time pass for the counted attempts."""
    from web.services.db import db
    from web.services.models import Attempt

    with app.app_context():
        for row in db.session.scalars(select(Attempt)):
            row.at -= timedelta(seconds=seconds)
        db.session.commit()


def test_a_stranger_cannot_lock_the_guide_out(app, client, guide):
    app.config["LOGIN_DELAY_S"] = 600
    statuses = [attempt(client, "wrong guess").status_code for _ in range(12)]
    assert statuses.count(401) == app.config["LOGIN_FAILURES_PER_NAME"]
    assert set(statuses[app.config["LOGIN_FAILURES_PER_NAME"] :]) == {429}
    # The guide, from their own phone, signs in at once.
    assert attempt(app.test_client(), PASSWORD, address=GUIDE).status_code == 303


def test_waits_grow_and_end(app, client, guide):
    # Long waits, so that a slow machine's seconds do not count.
    app.config.update(LOGIN_FAILURES_PER_NAME=2, LOGIN_DELAY_S=100)
    assert attempt(client, "wrong 1").status_code == 401
    assert attempt(client, "wrong 2").status_code == 401
    waiting = attempt(client, PASSWORD)  # even the right password waits now
    assert waiting.status_code == 429
    assert 90 <= int(waiting.headers["Retry-After"]) <= 100
    age_attempts(app, 101)
    assert attempt(client, "wrong 3").status_code == 401  # checked after the wait
    longer = attempt(client, "wrong 4")
    assert longer.status_code == 429
    assert 190 <= int(longer.headers["Retry-After"]) <= 200
    age_attempts(app, 201)
    assert attempt(client, PASSWORD).status_code == 303


def test_failures_per_address_slow_down_guessing_many_names(app, client, guide):
    app.config.update(LOGIN_FAILURES_PER_ADDRESS=3, LOGIN_DELAY_S=600)
    for name in ("x1", "x2", "x3"):
        assert attempt(client, "nope", name=name).status_code == 401
    assert attempt(client, "nope", name="x4").status_code == 429
    assert attempt(app.test_client(), PASSWORD, address=GUIDE).status_code == 303


def test_concurrent_tries_cannot_pass_the_limit(app, guide):
    app.config.update(LOGIN_FAILURES_PER_NAME=5, LOGIN_DELAY_S=600)
    statuses: list[int] = []
    start = threading.Barrier(40)

    def one_try(n: int) -> None:
        client = app.test_client()
        start.wait()
        statuses.append(attempt(client, f"guess {n}").status_code)

    threads = [threading.Thread(target=one_try, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 40
    assert statuses.count(401) == 5  # checked against the password
    assert statuses.count(429) == 35
