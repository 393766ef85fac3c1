"""Every URL of the single-tour site still answers: printed QR codes and shared
links point at them. The rules were captured before several tours, in
tests/data/url_map_single_tour.txt; each is filled with real ids and asked for,
as a signed-in guide, on the shipped tours."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.booking_support import add_date
from tests.booking_support import register
from tests.support import AuthActions
from tests.support import make_app

ROOT = Path(__file__).parents[2]
OLD_MAP = Path(__file__).parents[1] / "data" / "url_map_single_tour.txt"
DEFAULT = "interhelpo"
# What answered 404 on the single-tour site already: the API's catch-all.
NOT_FOUND_BY_DESIGN = {"/api/", "/api/<path:rest>"}
# What sends a signed-in guide on: the walk in progress, the guide's home.
FOUND_ELSEWHERE = {"/", "/guide/live", "/guide/login"}


def old_rules() -> list[tuple[str, str]]:
    rules = []
    for line in OLD_MAP.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        methods, rule = line.split()
        rules.extend((method, rule) for method in methods.split(","))
    return rules


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped site with a date, a registration, a variant, an upload and a
    live walk in it, and a guide signed in."""
    tmp = tmp_path_factory.mktemp("old-urls")
    app = make_app(tmp, TOUR_DATA=str(ROOT / "tour_data"))
    guide = AuthActions(app).create().signed_in()
    date_id = add_date(app, capacity=10)
    guest = app.test_client()
    code = register(guest, date_id, tour=DEFAULT).headers["Location"].rsplit("/")[-1]
    app.config["WTF_CSRF_ENABLED"] = False  # the guide's own forms, below
    stops = app.extensions["tours"].tour(DEFAULT).stops
    order = ",".join(stop.id for stop in stops)
    saved = guide.post(
        f"/guide/tours/{DEFAULT}/plan/variants", data={"name": "all", "stops": order}
    )
    variant_id = re.search(r"variant=(\d+)", saved.headers["Location"]).group(1)
    track = Path(__file__).parents[1] / "data" / "tracks" / "walk.gpx"
    with track.open("rb") as handle:
        uploaded = guide.post(
            f"/guide/tours/{DEFAULT}/track/", data={"track": (handle, "walk.gpx")}
        )
    import_id = uploaded.headers["Location"].rstrip("/").rsplit("/")[-1]
    live = guide.post(f"/guide/tours/{DEFAULT}/live/start")
    live_code = live.headers["Location"].rsplit("/")[-1]
    values = {
        "stop_id": stops[1].id,
        "session_id": str(date_id),
        "registration_id": "1",
        "variant_id": variant_id,
        "import_id": import_id,
        "event_id": "la-traviata-2019",
        "package": "leaflet",
        "filename": "leaflet.js",
        "rest": "nothing-here",
    }
    return app, guide, values, code, live_code


def concrete(rule: str, values: dict[str, str], code: str, live_code: str) -> str:
    own = {**values, "code": live_code if "/live/" in rule else code}
    if rule == "/static/<path:filename>":
        own["filename"] = "css/app.css"
    rule = rule.replace("<int:event_id>", "1")  # a guide's event; the file's are slugs
    return re.sub(r"<(?:[^:<>]+:)?([a-z_]+)>", lambda m: own[m.group(1)], rule)


@pytest.mark.parametrize(("method", "rule"), old_rules())
def test_every_old_url_answers(site, method, rule):
    app, guide, values, code, live_code = site
    url = concrete(rule, values, code, live_code)
    adapter = app.url_map.bind("localhost")
    endpoint, _ = adapter.match(url, method=method)  # still routed, same method
    if rule == "/route.gpx":  # a route between two places, as on the map page
        url += f"?from={values['stop_id']}&to=42.8745,74.5698"
    if method == "POST":
        if endpoint.startswith("legacy."):
            response = guide.post(url)
            assert response.status_code == 308, response.status_code
            moved = urlsplit(response.headers["Location"]).path
            new_endpoint, _ = adapter.match(moved, method="POST")
            assert new_endpoint == endpoint.removeprefix("legacy.")
        return
    response = guide.get(url)
    if rule in NOT_FOUND_BY_DESIGN:
        assert response.status_code == 404
        return
    if endpoint.startswith("legacy."):
        assert response.status_code == 301, response.status_code
        moved = response.headers["Location"]
        assert f"/tours/{DEFAULT}" in moved, moved
        assert adapter.match(urlsplit(moved).path)[0] == endpoint.removeprefix(
            "legacy."
        )
        response = guide.get(moved)
    elif rule == "/":
        assert response.status_code == 302  # a single tour: its own page
        assert response.headers["Location"] == f"/tours/{DEFAULT}/"
    if rule in FOUND_ELSEWHERE:
        assert response.status_code == 302, response.status_code
        response = guide.get(response.headers["Location"])
    assert response.status_code == 200, (url, response.status_code)


def test_old_urls_keep_their_query(site):
    _, guide, _, _, _ = site
    response = guide.get("/api/route?from=42.87,74.58&to=osh-bazaar")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(
        f"/api/tours/{DEFAULT}/route?from=42.87,74.58&to=osh-bazaar"
    )


def test_a_registration_link_goes_to_its_own_tour(site):
    app, guide, _, code, _ = site
    response = guide.get(f"/dates/r/{code}")
    assert response.headers["Location"] == f"/tours/{DEFAULT}/dates/r/{code}"
