"""Guide sessions end when they should: sign-out, a new password and a removed
guide revoke every session of that guide; sessions have an absolute lifetime;
cookies are Secure when the site is public over HTTPS; passwords are long."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.booking_support import hidden_fields

PASSWORD = "correct horse battery"
ROOT = Path(__file__).parents[2]


@pytest.fixture
def guide(runner):
    result = runner.invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return "anna"


def sign_in(client, password=PASSWORD):
    page = client.get("/guide/login").get_data(as_text=True)
    return client.post(
        "/guide/login",
        data={
            "csrf_token": hidden_fields(page)["csrf_token"],
            "username": "anna",
            "password": password,
        },
    )


def copy_of_cookie(app, client):
    """A second browser holding the same session cookie (a captured cookie)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief.set_cookie("session", cookie.value)
    return thief


def signed_in(client) -> bool:
    return client.get("/guide/").status_code == 200


def test_sign_out_revokes_a_captured_cookie(app, client, guide):
    assert sign_in(client).status_code == 303
    thief = copy_of_cookie(app, client)
    other_device = app.test_client()
    assert sign_in(other_device).status_code == 303
    assert signed_in(thief)
    token = hidden_fields(client.get("/guide/").get_data(as_text=True))["csrf_token"]
    assert client.post("/guide/logout", data={"csrf_token": token}).status_code == 303
    assert not signed_in(client)
    assert not signed_in(thief)
    # "Sign out" signs the guide out everywhere.
    assert not signed_in(other_device)
    assert sign_in(client).status_code == 303


def test_a_new_password_revokes_every_session(app, client, runner, guide):
    sign_in(client)
    thief = copy_of_cookie(app, client)
    result = runner.invoke(
        args=["guide", "set-password", "anna", "--password", "another long secret"]
    )
    assert result.exit_code == 0, result.output
    assert not signed_in(client) and not signed_in(thief)


def test_removing_a_guide_revokes_and_keeps_their_work(app, client, runner, guide):
    sign_in(client)
    page = client.get("/guide/tours/small/live").get_data(as_text=True)
    started = client.post("/guide/tours/small/live/start", data=hidden_fields(page))
    assert started.status_code == 303  # a live walk refers to its guide
    result = runner.invoke(args=["guide", "remove", "anna", "--yes"])
    assert result.exit_code == 0, result.output
    assert not signed_in(client)
    assert runner.invoke(args=["guide", "list"]).output.strip() == ""
    from web.services.db import db
    from web.services.guide_models import LiveWalk

    with app.app_context():
        walk = db.session.scalar(select(LiveWalk))
        assert walk is not None and walk.guide_id is None
    assert runner.invoke(args=["guide", "remove", "nobody", "--yes"]).exit_code != 0


def test_sessions_end_after_the_absolute_lifetime(app, client, guide):
    app.config["GUIDE_SESSION_MAX_AGE_S"] = 3600
    sign_in(client)
    assert signed_in(client)  # every request refreshes the idle timeout ...
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 3601
    assert not signed_in(client)  # ... but not the absolute one
    with client.session_transaction() as session:
        assert "guide_id" not in session


def test_a_session_from_before_revocation_existed_must_sign_in_again(app, guide):
    """A cookie of the old kind holds only the guide's id: it no longer opens /guide."""
    from web.services.db import db
    from web.services.models import User

    with app.app_context():
        guide_id = db.session.scalar(select(User.id).where(User.username == guide))
    old = app.test_client()
    with old.session_transaction() as session:
        session["guide_id"] = guide_id
        session["_permanent"] = True
    response = old.get("/guide/")
    assert response.status_code == 303
    assert "/guide/login" in response.headers["Location"]


def test_cookies_are_secure_when_the_site_is_public_over_https(app, guide):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    # The proxy in front speaks HTTPS, the app plain HTTP; a test client would
    # not send a Secure cookie over HTTP, so no CSRF session here.
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post(
        "/guide/login",
        base_url="http://guide.example.org",  # not the https Flask would pick
        data={"username": "anna", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("command", ["add", "set-password"])
def test_passwords_have_at_least_twelve_characters(runner, guide, command):
    name = "bob" if command == "add" else "anna"
    short = runner.invoke(args=["guide", command, name, "--password", "elevenchars"])
    assert short.exit_code != 0
    assert "12 characters" in short.output
    ok = runner.invoke(args=["guide", command, name, "--password", "twelve chars"])
    assert ok.exit_code == 0, ok.output


def test_the_migration_keeps_existing_guides_able_to_sign_in(tmp_path, tour_dir):
    """A database from before 0003_security: its guides get a version, sign in."""
    import sqlite3

    from flask_migrate import upgrade

    from app import create_app

    config = {
        "TESTING": True,
        "TOUR_DATA": str(tour_dir.parent),
        "DATABASE": str(tmp_path / "old.sqlite3"),
        "SECRET_KEY": "test",
        "DB_AUTO_UPGRADE": False,
        "WTF_CSRF_ENABLED": False,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0003_media")
    from werkzeug.security import generate_password_hash

    with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
        conn.execute(
            "INSERT INTO users (username, password_hash, created_at)"
            " VALUES ('anna', ?, '2026-01-01')",
            (generate_password_hash(PASSWORD),),
        )
    app = create_app({**config, "DB_AUTO_UPGRADE": True})
    with sqlite3.connect(tmp_path / "old.sqlite3") as conn:
        assert conn.execute("SELECT session_version FROM users").fetchall() == [(1,)]
    client = app.test_client()
    response = client.post(
        "/guide/login", data={"username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 303
    assert signed_in(client)
