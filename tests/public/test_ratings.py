"""Ratings at the end of the walk (/api/ratings) and how far walkers got
(/api/walk-end): anonymous, one per phone and stop, checked, rate-limited.

Run on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests import booking_support
from tests.booking_support import BACKENDS

TOKEN = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path, tour_dir):
    with booking_support.booking_app(request.param, tmp_path, tour_dir) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


def rate(client, **body):
    return client.post("/api/tours/small/ratings", json={"token": TOKEN, **body})


def rows(app):
    from web.services.db import db
    from web.services.rating_models import Rating

    with app.app_context():
        db.session.expire_all()
        return [
            (r.stop_id, r.score, r.comment, r.token_hash)
            for r in db.session.scalars(select(Rating).order_by(Rating.id))
        ]


def reach(app):
    from web.services import ratings

    with app.app_context():
        return ratings.reach_counts(app.extensions["tour"].id)


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    return body["error"]


def test_a_rating_is_stored_with_a_hash_of_the_key_not_the_key(app, client):
    response = rate(client, stop="middle", score=4, comment="  Good  story\r\n")
    assert response.status_code == 200
    assert response.get_json() == {"ok": True, "replaced": False}
    [(stop, score, comment, digest)] = rows(app)
    assert (stop, score, comment) == ("middle", 4, "Good story")
    assert digest and TOKEN not in digest and len(digest) == 64


def test_a_second_rating_from_the_same_phone_replaces_the_first(app, client):
    assert rate(client, stop="middle", score=2, comment="Too long").status_code == 200
    again = rate(client, stop="middle", score=5)
    assert again.get_json() == {"ok": True, "replaced": True}
    assert [(r[0], r[1], r[2]) for r in rows(app)] == [("middle", 5, None)]


def test_the_walk_rating_is_replaced_too(app, client):
    # The walk's rating has no stop (NULL): the unique key must still hold.
    rate(client, stop=None, score=3)
    rate(client, score=4, comment="Lovely walk")
    assert [(r[0], r[1], r[2]) for r in rows(app)] == [(None, 4, "Lovely walk")]


def test_each_phone_and_stop_has_its_own_rating(app, client):
    rate(client, stop="middle", score=2)
    rate(client, stop="finish", score=3)
    rate(client, score=4)
    client.post(
        "/api/tours/small/ratings", json={"token": OTHER, "stop": "middle", "score": 5}
    )
    assert sorted((r[0] or "", r[1]) for r in rows(app)) == [
        ("", 4),
        ("finish", 3),
        ("middle", 2),
        ("middle", 5),
    ]


def test_the_database_refuses_a_second_walk_rating_for_one_phone(app):
    # The expression index is the last line of defence, on both backends.
    from sqlalchemy.exc import IntegrityError

    from web.services.db import db
    from web.services.rating_models import Rating

    with app.app_context():
        for _ in range(2):
            db.session.add(
                Rating(tour_id="t", token_hash="h", stop_id=None, score=3, comment=None)
            )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


LONG = "Nice walk. " * 100  # 1,100 characters
BAD_RATINGS = [
    ("score zero", {"token": TOKEN, "score": 0}, 400),
    ("score six", {"token": TOKEN, "score": 6}, 400),
    ("score as text", {"token": TOKEN, "score": "5"}, 400),
    ("score not whole", {"token": TOKEN, "score": 4.5}, 400),
    ("score true", {"token": TOKEN, "score": True}, 400),
    ("no score", {"token": TOKEN, "stop": "middle"}, 400),
    ("unknown stop", {"token": TOKEN, "stop": "nowhere", "score": 3}, 400),
    ("stop as number", {"token": TOKEN, "stop": 1, "score": 3}, 400),
    ("no token", {"score": 3}, 400),
    ("short token", {"token": "abc", "score": 3}, 400),
    ("token with odd characters", {"token": "x" * 20 + "<>;", "score": 3}, 400),
    ("comment as number", {"token": TOKEN, "score": 3, "comment": 42}, 400),
    ("comment as list", {"token": TOKEN, "score": 3, "comment": ["a"]}, 400),
    ("comment too long", {"token": TOKEN, "score": 3, "comment": LONG}, 422),
    ("link", {"token": TOKEN, "score": 3, "comment": "see http://spam.example"}, 422),
    ("www", {"token": TOKEN, "score": 3, "comment": "visit www.cheap-tours"}, 422),
    ("bare domain", {"token": TOKEN, "score": 3, "comment": "cheap-tours.com !"}, 422),
    ("markup link", {"token": TOKEN, "score": 3, "comment": '<a href="x">y</a>'}, 422),
    ("repeated", {"token": TOKEN, "score": 3, "comment": "Greaaaaaaaaaat"}, 422),
    ("no words", {"token": TOKEN, "score": 3, "comment": "!!! ??? 123"}, 422),
]


@pytest.mark.parametrize(
    ("body", "status"),
    [pytest.param(body, status, id=name) for name, body, status in BAD_RATINGS],
)
def test_bad_ratings_get_a_json_error_and_nothing_is_stored(app, client, body, status):
    assert_error(client.post("/api/tours/small/ratings", json=body), status)
    assert rows(app) == []


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        pytest.param("{not json", "application/json", 400, id="broken JSON"),
        pytest.param("[1, 2]", "application/json", 400, id="JSON list"),
        pytest.param('"text"', "application/json", 400, id="JSON string"),
        pytest.param("score=3", "application/x-www-form-urlencoded", 415, id="form"),
        pytest.param(json.dumps({"token": TOKEN, "score": 3}), "text/plain", 415),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(
    app, client, data, content_type, status
):
    assert_error(
        client.post("/api/tours/small/ratings", data=data, content_type=content_type),
        status,
    )
    assert rows(app) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost.evil.example"},
    ],
)
def test_ratings_from_other_sites_are_refused(app, client, headers):
    response = client.post(
        "/api/tours/small/ratings", json={"token": TOKEN, "score": 5}, headers=headers
    )
    assert_error(response, 403)
    assert rows(app) == []


def test_ratings_from_this_site_pass_the_origin_check(app, client):
    response = client.post(
        "/api/tours/small/ratings",
        json={"token": TOKEN, "score": 5},
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 200
    assert len(rows(app)) == 1


def test_no_cookie_is_needed_or_set(app, client):
    response = rate(client, score=5)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_error_is_in_the_walkers_language(app, client):
    english = assert_error(
        client.post("/api/tours/small/ratings", json={"token": TOKEN}), 400
    )
    russian = assert_error(
        client.post("/api/ratings?lang=ru", json={"token": TOKEN}), 400
    )
    assert english == "Choose a rating from 1 to 5."
    assert russian != english and any("а" <= c <= "я" for c in russian)


def test_ratings_are_rate_limited_per_address(tmp_path, tour_dir):
    from tests.support import make_app

    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent), RATINGS_PER_ADDRESS=3)
    client = app.test_client()
    for score in (1, 2, 3):
        assert rate(client, score=score).status_code == 200
    error = assert_error(rate(client, stop="middle", score=4), 429)
    assert "min" in error
    assert [(r[0], r[1]) for r in rows(app)] == [(None, 3)]
    # The end-of-walk report counts against the same limit.
    beacon = client.post("/api/tours/small/walk-end", json={"last": 1})
    assert_error(beacon, 429)
    assert reach(app) == {}
    # Another address is not held up.
    other = client.post(
        "/api/tours/small/ratings",
        json={"token": OTHER, "score": 5},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert other.status_code == 200


# --- where self-guided walkers stopped following


def test_a_walker_moves_from_stop_to_stop_and_is_counted_once(app, client):
    first = client.post(
        "/api/tours/small/walk-end",
        data=json.dumps({"last": 1, "previous": None}),
        content_type="text/plain;charset=UTF-8",  # as navigator.sendBeacon sends it
    )
    assert first.status_code == 200 and first.get_json() == {"ok": True}
    assert reach(app) == {1: 1}
    client.post("/api/tours/small/walk-end", json={"last": 2, "previous": 1})
    assert reach(app) == {1: 0, 2: 1}
    client.post("/api/tours/small/walk-end", json={"last": 1})
    assert reach(app) == {1: 1, 2: 1}


def test_a_count_never_goes_below_zero(app, client):
    client.post("/api/tours/small/walk-end", json={"last": 2, "previous": 0})
    assert reach(app) == {2: 1}


BAD_REACH = [
    ("no last", {"previous": 1}),
    ("last negative", {"last": -1}),
    ("last past the end", {"last": 3}),
    ("last as text", {"last": "2"}),
    ("last true", {"last": True}),
    ("last not whole", {"last": 1.5}),
    ("previous past the end", {"last": 1, "previous": 9}),
    ("previous same as last", {"last": 1, "previous": 1}),
    ("position sent", {"last": {"lat": 42.87, "lon": 74.6}}),
]


@pytest.mark.parametrize(
    "body", [pytest.param(body, id=name) for name, body in BAD_REACH]
)
def test_bad_reports_get_a_json_error_and_count_nothing(app, client, body):
    assert_error(client.post("/api/tours/small/walk-end", json=body), 400)
    assert reach(app) == {}


@pytest.mark.parametrize("data", ["{broken", "[1]", "", "null"])
def test_reports_that_are_not_a_json_object_are_refused(app, client, data):
    assert_error(
        client.post("/api/tours/small/walk-end", data=data, content_type="text/plain"),
        400,
    )
    assert reach(app) == {}


def test_reports_from_other_sites_are_refused(app, client):
    response = client.post(
        "/api/tours/small/walk-end",
        json={"last": 1},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert_error(response, 403)
    assert reach(app) == {}


# --- privacy


def test_the_purge_forgets_old_keys_and_keeps_scores_and_comments(app, client):
    from web.services.db import db
    from web.services.models import utcnow
    from web.services.privacy import purge
    from web.services.rating_models import Rating

    rate(client, stop="middle", score=2, comment="Old one")
    client.post("/api/tours/small/ratings", json={"token": OTHER, "score": 5})
    with app.app_context():
        old = db.session.scalars(select(Rating).where(Rating.stop_id == "middle")).one()
        old.updated_at = utcnow() - timedelta(days=31)
        db.session.commit()
        assert purge().rating_keys == 1
        assert purge().rating_keys == 0
    kept = {r[0]: r for r in rows(app)}
    assert kept["middle"][:3] == ("middle", 2, "Old one") and kept["middle"][3] is None
    assert kept[None][3] is not None
    # The phone can no longer change the old rating: a new tap is a new rating.
    assert rate(client, stop="middle", score=4).get_json()["replaced"] is False
    with app.app_context():
        assert db.session.scalar(select(func.count(Rating.id))) == 3


def test_flask_guide_purge_says_how_many_rating_keys_it_forgot(app, client):
    rate(client, score=5)
    result = app.test_cli_runner().invoke(args=["guide", "purge"])
    assert result.exit_code == 0
    assert "forgot the phone of 0 rating(s)" in result.output


def test_the_walk_page_carries_the_end_of_the_walk(app, client):
    html = client.get("/tours/small/walk").get_data(as_text=True)
    assert html.count('id="walk-end"') == 1
    assert 'data-rate-url="/api/tours/small/ratings"' in html
    assert 'data-reach-url="/api/tours/small/walk-end"' in html
    stops = [s.id for s in app.extensions["tour"].stops]
    assert re.findall(r'<form class="rate" id="rate-([\w-]+)"', html) == [
        "walk",
        *stops,
    ]
    assert html.count('type="radio" name="score"') == 5 * (len(stops) + 1)
    assert 'href="/tours/small/dates"' in html
    for script in ("js/share.js", "js/walk_end.js"):
        assert len(re.findall(rf'<script src="/static/{script}[?"]', html)) == 1
