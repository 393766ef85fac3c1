"""Absolute links come from PUBLIC_URL only, never from the Host a client sends."""

from __future__ import annotations

import re

import pytest

from app import create_app
from tests.booking_support import add_date
from tests.booking_support import hidden_fields

PUBLIC = "https://walk.example.org"
EVIL = "evil.example"
PASSWORD = "correct horse battery"


@pytest.fixture
def public_app(tmp_path, tour_dir):
    app = create_app(
        {
            "TESTING": True,
            "TOUR_DATA": str(tour_dir.parent),
            "DATABASE": str(tmp_path / "guide.sqlite3"),
            "SECRET_KEY": "test",
            "TILE_URL": "/tiles/{z}/{x}/{y}.png",
            "PUBLIC_URL": PUBLIC + "/",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.test_cli_runner().invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    return app


def evil_get(client, path):
    return client.get(path, headers={"Host": EVIL}, base_url=f"http://{EVIL}")


def test_no_link_names_the_host_a_client_sent(public_app):
    client = public_app.test_client()
    date_id = add_date(public_app)
    page = evil_get(client, f"/tours/small/dates/{date_id}/register").get_data(
        as_text=True
    )
    form = {
        **hidden_fields(page),
        "name": "Ann",
        "phone": "+996 555 000 111",
        "party_size": "1",
        "language": "en",
        "consent": "y",
    }
    booked = client.post(
        f"/tours/small/dates/{date_id}/register", data=form, headers={"Host": EVIL}
    )
    code = booked.headers["Location"].rsplit("/", 1)[-1]
    client.post(
        "/guide/login",
        data={"username": "anna", "password": PASSWORD},
        headers={"Host": EVIL},
    )
    live = client.post("/guide/tours/small/live/start", headers={"Host": EVIL})
    live_code = live.headers["Location"].rsplit("/", 1)[-1]
    problems = []
    for path in (
        "/tours/small/",
        "/tours/small/about",
        "/tours/small/stops/middle",
        "/tours/small/tour.gpx",
        "/api/tours/small",
        "/api/tours/small/stops",
        f"/tours/small/dates/{date_id}/calendar.ics",
        f"/tours/small/dates/r/{code}",
        f"/tours/small/dates/r/{code}/calendar.ics",
        f"/guide/tours/small/live/{live_code}",
        f"/live/{live_code}/qr.svg",
        "/guide/tours/small/plan/variants/1.gpx",
    ):
        body = evil_get(client, path).get_data(as_text=True)
        if EVIL in body:
            problems.append(path)
    assert not problems
    about = evil_get(client, "/tours/small/about").get_data(as_text=True)
    assert f"{PUBLIC}/" in about  # the QR code's caption
    ics = evil_get(client, f"/tours/small/dates/r/{code}/calendar.ics").get_data(
        as_text=True
    )
    assert f"{PUBLIC}/tours/small/dates/r/{code}/cancel" in ics.replace("\r\n ", "")
    with public_app.test_request_context("/tours/small/", headers={"Host": EVIL}):
        from web.public.live import join_url

        assert join_url(live_code) == f"{PUBLIC}/live/{live_code}"


def test_mail_links_use_the_public_url(public_app):
    from web.services import mail

    with public_app.test_request_context("/tours/small/", headers={"Host": EVIL}):
        assert (
            mail.confirmation_link("ABC123") == f"{PUBLIC}/tours/small/dates/r/ABC123"
        )


def test_the_qr_cache_is_bounded(app):
    from web.public import share

    client = app.test_client()
    for n in range(50):
        client.get("/tours/small/about", headers={"Host": f"h{n}.example"})
    assert share.tour_qr_svg_for.cache_info().currsize <= share.QR_CACHE_SIZE


@pytest.mark.parametrize(
    "value", ["walk.example.org", "ftp://walk.example.org", "https://x.org/path?q"]
)
def test_a_public_url_that_is_not_an_origin_is_refused(tmp_path, value):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app(
            {
                "DATABASE": str(tmp_path / "g.sqlite3"),
                "SECRET_KEY": "0123456789abcdef0123",
                "PUBLIC_URL": value,
            }
        )


def test_outside_debug_and_testing_a_public_url_is_required(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_PUBLIC_URL", raising=False)
    with pytest.raises(RuntimeError, match="FLASK_PUBLIC_URL"):
        create_app(
            {"DATABASE": str(tmp_path / "g.sqlite3"), "SECRET_KEY": "0123456789abcdef0"}
        )


def test_hreflang_alternates_use_the_public_url(public_app):
    page = evil_get(public_app.test_client(), "/tours/small/about").get_data(
        as_text=True
    )
    links = re.findall(r'<link rel="alternate" hreflang="\w+" href="([^"]+)"', page)
    assert links and all(
        link.startswith(f"{PUBLIC}/tours/small/about?lang=") for link in links
    )
