"""Personal data kept only as long as the README says: a live walk's positions go
when it ends or expires, registrations are purged some days after their date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.booking_support import add_date
from tests.booking_support import hidden_fields

PASSWORD = "correct horse battery"


@pytest.fixture
def guide(app, runner):
    runner.invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    client = app.test_client()
    page = client.get("/guide/login").get_data(as_text=True)
    client.post(
        "/guide/login",
        data={**hidden_fields(page), "username": "anna", "password": PASSWORD},
    )
    return client


def start_walk(guide) -> str:
    page = guide.get("/guide/tours/small/live").get_data(as_text=True)
    started = guide.post("/guide/tours/small/live/start", data=hidden_fields(page))
    code = started.headers["Location"].rsplit("/", 1)[-1]
    token = hidden_fields(
        guide.get(f"/guide/tours/small/live/{code}").get_data(as_text=True)
    )
    shared = guide.post(
        f"/guide/tours/small/live/{code}/position",
        json={"lat": 42.8751, "lon": 74.5899, "accuracy": 8},
        headers={"X-CSRFToken": token["csrf_token"]},
    )
    assert shared.status_code == 200
    return code


def positions(app):
    from web.services.db import db
    from web.services.guide_models import LiveWalk

    with app.app_context():
        db.session.expire_all()
        return [
            (w.guide_lat, w.guide_lon, w.guide_position_at)
            for w in db.session.scalars(select(LiveWalk))
        ]


def expire_walks(app):
    from web.services.db import db
    from web.services.guide_models import LiveWalk
    from web.services.models import utcnow

    with app.app_context():
        for walk in db.session.scalars(select(LiveWalk)):
            walk.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()


def test_an_expired_walk_forgets_the_guide_position(app, client, guide):
    code = start_walk(guide)
    assert positions(app)[0][0] == pytest.approx(42.8751)
    expire_walks(app)
    # The first look at the walk after it expired erases the position ...
    assert client.get(f"/api/live/{code}").status_code == 200
    assert positions(app) == [(None, None, None)]


def test_purge_erases_expired_positions_without_anyone_looking(app, runner, guide):
    start_walk(guide)
    expire_walks(app)
    result = runner.invoke(args=["guide", "purge"])
    assert result.exit_code == 0, result.output
    assert positions(app) == [(None, None, None)]
    assert "1 live walk" in result.output


def book(app, days: float) -> int:
    from web.services import booking

    date_id = add_date(app, days=days)
    with app.test_request_context():
        booking.register(
            date_id,
            booking.Guest(
                "Ann Guest",
                "+996 555 000 111",
                "ann@example.org",
                2,
                "en",
                "vegetarian",
            ),
            f"{date_id:032d}",
            waitlist=False,
            now=booking.local_now() - timedelta(days=max(0, -days) + 1),
        )
    return date_id


def guests(app):
    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        db.session.expire_all()
        return {
            r.session_id: (r.name, r.phone, r.email, r.note)
            for r in db.session.scalars(select(Registration))
        }


def test_registrations_are_purged_some_days_after_their_date(app, runner):
    old = book(app, days=-31)
    recent = book(app, days=-29)
    upcoming = book(app, days=3)
    result = runner.invoke(args=["guide", "purge"])
    assert result.exit_code == 0, result.output
    kept = guests(app)
    assert kept[old] == ("—", None, None, None)
    assert kept[recent][0] == "Ann Guest"  # guides can still export these
    assert kept[upcoming][1] == "+996 555 000 111"
    assert "1 registration" in result.output


def test_purge_runs_at_start_up_with_the_configured_days(app, tmp_path, tour_dir):
    from app import create_app

    recent = book(app, days=-10)
    restarted = create_app({**app.config, "REGISTRATION_RETENTION_DAYS": 7})
    assert guests(restarted)[recent][0] == "—"
