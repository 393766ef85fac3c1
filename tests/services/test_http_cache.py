"""HTTP caching: hashed static URLs, ETags and 304s, public pages kept and reused."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from tests.booking_support import add_date
from web.services.db import db
from web.services.guide_models import TourState

IMMUTABLE = "public, max-age=31536000, immutable"


def another_worker_changes(app, tour_id, **values):
    """What a guide's change in another worker process leaves in the database: a
    new revision (written past this process's ORM hooks, as another process does)."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                update(TourState)
                .where(TourState.tour_id == tour_id)
                .values(revision=TourState.revision + 1, **values)
            )


def counting_renders(monkeypatch):
    """The templates the public pages render from now on, in order."""
    import web.public.pages as pages

    calls = []
    real = pages.render_template

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(pages, "render_template", counting)
    return calls


def linked(html: str, pattern: str) -> str:
    match = re.search(pattern, html)
    assert match, pattern
    return match.group(0)


@pytest.mark.parametrize(
    "pattern",
    [
        r"/static/css/app\.css\?v=[0-9a-f]{12}",
        r"/bundles/site\.js\?v=[0-9a-f]{12}",
        r"/vendor/leaflet/leaflet\.js\?v=[0-9a-f]{12}",
    ],
)
def test_static_files_are_linked_by_content_hash_and_kept_a_year(client, pattern):
    url = linked(client.get("/tours/small/").get_data(as_text=True), pattern)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    plain = url.split("?")[0]
    for other in (plain, plain + "?v=000000000000"):
        assert client.get(other).headers["Cache-Control"] == "no-cache"


def test_a_changed_file_gets_a_new_url(app, client):
    import shutil
    from pathlib import Path

    static = Path(app.static_folder)
    copy = static / "css" / "zz-test-hash.css"
    shutil.copy(static / "css" / "app.css", copy)
    try:
        with app.test_request_context():
            from flask import url_for

            first = url_for("static", filename="css/zz-test-hash.css")
            copy.write_text("body{}")
            app.extensions.pop("file_hashes")
            second = url_for("static", filename="css/zz-test-hash.css")
        assert first != second
    finally:
        copy.unlink()


@pytest.mark.parametrize(
    "url",
    [
        "/tours/small/",
        "/tours/small/stops/middle",
        "/tours/small/about",
        "/tours/small/walk",
        "/tours/small/dates",
    ],
)
def test_public_pages_are_cacheable_with_etag_and_304(client, url):
    client.get("/tours/small/?lang=en")  # the language cookie is set once, here
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert re.match(r"public, max-age=\d+$", response.headers["Cache-Control"])
    assert int(response.headers["Cache-Control"].split("=")[1]) <= 60
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"Accept-Encoding", "Accept-Language", "Cookie"} <= vary
    etag = response.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    # Another encoding is another representation, with its own tag.
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.headers["ETag"] != etag
    assert "<html" in plain.get_data(as_text=True)


def test_a_response_that_sets_a_cookie_is_not_for_shared_caches(client):
    response = client.get("/tours/small/stops/middle?lang=ru")
    assert "lang=ru" in response.headers["Set-Cookie"]
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_api_answers_have_etags_and_304(client):
    response = client.get("/api/tours/small")
    etag = response.headers["ETag"]
    assert (
        client.get("/api/tours/small", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_private_pages_stay_uncached(app, client):
    date_id = add_date(app)
    response = client.get(f"/tours/small/dates/{date_id}/register")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_page_is_rendered_once_per_language_and_display(client, monkeypatch):
    calls = counting_renders(monkeypatch)
    first = client.get("/tours/small/stops/middle?lang=en").get_data()
    assert client.get("/tours/small/stops/middle?lang=en").get_data() == first
    assert len(calls) == 1
    russian = client.get("/tours/small/stops/middle?lang=ru").get_data(as_text=True)
    assert '<html lang="ru"' in russian and len(calls) == 2
    client.set_cookie("display", "sunlight")
    sunlit = client.get("/tours/small/stops/middle?lang=ru").get_data(as_text=True)
    assert 'class="sunlight"' in sunlit and len(calls) == 3


def test_a_new_tour_revision_renders_the_page_again(app, client, monkeypatch):
    import dataclasses

    client.get("/tours/small/stops/middle")
    tour = app.extensions["tour"]
    renamed = dataclasses.replace(tour, title={"en": "A renamed walk", "ru": "Новое"})
    monkeypatch.setattr("web.public.pages.get_tour", lambda: renamed)
    # The same revision: the page kept is the answer.
    assert "A renamed walk" not in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )
    another_worker_changes(app, "small")
    assert "A renamed walk" in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )


def test_a_booking_shows_on_dated_pages_at_once(app, client):
    assert "No guided walk" in client.get("/tours/small/").get_data(as_text=True)
    assert app.config["NEXT_DATE_TTL_S"] > 0
    add_date(app, capacity=9, days=2)
    assert "9 seats left" in client.get("/tours/small/").get_data(as_text=True)
    assert "9 seats left" in client.get("/tours/small/dates").get_data(as_text=True)


def test_the_page_store_is_bounded(client, monkeypatch):
    import web.services.http_cache as http_cache

    monkeypatch.setattr(http_cache, "MAX_PAGES", 3)
    for host in ("a.example", "b.example", "c.example", "d.example", "e.example"):
        client.get("/tours/small/stops/middle", headers={"Host": host})
    assert len(client.application.extensions["page_cache"]) == 3


def test_a_repeat_request_is_answered_without_flask(app, client, monkeypatch):
    views = []
    app.before_request_funcs.setdefault(None, []).append(lambda: views.append(1))
    first = client.get("/tours/small/stops/middle", headers={"Accept-Encoding": "br"})
    again = client.get("/tours/small/stops/middle", headers={"Accept-Encoding": "br"})
    assert len(views) == 1
    assert again.get_data() == first.get_data()
    assert again.headers == first.headers  # CSP, Vary, ETag, Content-Encoding: all
    assert again.headers["Content-Encoding"] == "br"
    # Another encoding, a query string, a guide's session, a conditional request:
    # each goes to Flask.
    client.get("/tours/small/stops/middle", headers={"Accept-Encoding": "gzip"})
    client.get("/tours/small/stops/middle?lang=en")
    tag = first.headers["ETag"]
    conditional = client.get(
        "/tours/small/stops/middle",
        headers={"Accept-Encoding": "br", "If-None-Match": tag},
    )
    assert conditional.status_code == 304
    client.set_cookie("session", "x")
    client.get("/tours/small/stops/middle", headers={"Accept-Encoding": "br"})
    assert len(views) == 5


def test_another_workers_change_is_seen_at_the_next_request(app, client, monkeypatch):
    calls = counting_renders(monkeypatch)
    client.get("/tours/small/stops/middle")
    client.get("/tours/small/stops/middle")
    assert len(calls) == 1
    another_worker_changes(app, "small")
    client.get("/tours/small/stops/middle")
    assert len(calls) == 2


def test_a_tour_unpublished_in_another_worker_is_gone_at_once(app, client):
    assert client.get("/tours/small/stops/middle").status_code == 200
    assert client.get("/tours/small/stops/middle").status_code == 200
    another_worker_changes(app, "small", published=False)
    assert client.get("/tours/small/stops/middle").status_code == 404


def test_a_page_past_its_time_to_live_is_rendered_again(app, client, monkeypatch):
    import web.services.http_cache as http_cache

    calls = counting_renders(monkeypatch)
    client.get("/tours/small/stops/middle")
    later = http_cache.time.monotonic() + app.config["PAGE_TTL_S"] + 1
    monkeypatch.setattr(http_cache.time, "monotonic", lambda: later)
    client.get("/tours/small/stops/middle")
    assert len(calls) == 2


def test_a_bundle_holds_its_scripts_whole_and_in_order(app, client):
    from pathlib import Path

    from web.public.assets import BUNDLES

    url = linked(
        client.get("/tours/small/walk").get_data(as_text=True),
        r"/bundles/walk\.js\?v=[0-9a-f]{12}",
    )
    body = client.get(url).get_data(as_text=True)
    static = Path(app.static_folder)
    at = [
        body.index((static / name).read_text(encoding="utf-8").rstrip())
        for name in BUNDLES["walk"]
    ]
    assert at == sorted(at)
    assert client.get("/bundles/unknown.js").status_code == 404
