"""No route answers bad input with a 500.

Walks ``app.url_map`` and sends every rule (GET, and POST/PUT/DELETE where the
rule allows them) a bounded table of nasty inputs: odd path parameters, query
strings, form bodies, JSON bodies and content types -- anonymously and as a
signed-in guide. Every answer must be below 500; errors under /api (and the
guide's JSON API) have the one JSON error shape; error pages for people are the
friendly templates (or the form itself with its message), never werkzeug's bare
pages.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from app import create_app
from tests.booking_support import add_date
from tests.booking_support import hidden_fields

DATA = Path(__file__).parent / "data"
PASSWORD = "correct horse"
GUIDE_ADDRESS = "192.0.2.1"  # where the guide signs in from, not throttled
BODY_METHODS = ("POST", "PUT", "DELETE")

# Path segments: unknown ids, NUL, very long, RTL/emoji, traversal, SQL, HTML.
NASTY_SEGMENTS = [
    "does-not-exist",
    "%00",
    "x" * 5000,
    quote("\u202eابج שלום 🙂\u200d", safe=""),
    "..%2F..",
    "../..",
    quote("1' OR '1'='1; DROP TABLE users--", safe=""),
    quote("<script>alert(1)</script>", safe=""),
]
# For <int:...>: zero, too big for a 64-bit column, and a non-number.
NASTY_INTS = ["0", str(2**63), "9" * 40, "-1", "1e3"]

# Values for every query parameter a view reads.
NASTY_VALUES = [
    "NaN",
    "-inf",
    "1e309",
    "-1",
    "",
    "9" * 400,
    "1,2,3",
    "91,181",
    "NaN,NaN",
    "\x00",
    "\u202e🙂ابج",
    "../..",
    "' OR 1=1--<script>alert(1)</script>",
    "x" * 20_000,
]
QUERY_PARAMS = (
    "lang",
    "from",
    "to",
    "stop",
    "code",
    "page",
    "variant",
    "start",
    "next",
    "v",
)
# For the routes between two places (/api/route, /route.gpx): odd pairs.
ROUTE_QUERIES: list[Any] = [
    {"from": "start"},
    {"to": "finish"},
    {"from": "start", "to": "999,999"},
    {"from": "42.87,74.6", "to": "inf,0"},
    {"from": "start", "to": "start"},
    {"from": "0,0", "to": "start"},
    {"from": "start", "to": "no-such-stop"},
    [("lang", "en"), ("lang", "ru"), ("from", "start"), ("from", "finish")],
    "from=%ZZ&to=%C3%28&lang=%FF",
]

# Every form field a view reads.
FORM_FIELDS = (
    "username",
    "password",
    "next",
    "code",
    "status",
    "attended",
    "stop",
    "stops",
    "name",
    "version",
    "lat",
    "lon",
    "accuracy",
    "confirm_poor",
    # A new tour and a new stop (web.guide.tours, web.guide.stops).
    "confirm",
    "tour_id",
    "languages",
    "title_en",
    "name_en",
    "duration_min",
    "time_zone",
    "sources",
    "start_lon",
    "start_lat",
    "start_accuracy_m",
    "start_source",
    "pin_lon",
    "pin_lat",
    "pin_accuracy_m",
    "pin_source",
    "day",
    "start",
    "end",
    "language",
    "capacity",
    "price_amount",
    "price_currency",
    "meeting_point",
    "note",
    "title",
    "venue",
    "description",
    "link",
    "phone",
    "email",
    "party_size",
    "consent",
    "website",
    "form_token",
    "waitlist",
    "name_en",
    "summary_en",
    "narrative_en",
    "look_for_en",
    "site_note_en",
    "dwell_min",
    "arrival_radius_m",
    "sources",
)
FORM_VALUES = [
    "NaN",
    "1e309",
    "-1",
    "9" * 40,
    "\x00\x01\x1b[31m\u202e\ufeff",
    "' OR 1=1--<script>alert(1)</script>",
    "2030-02-30 25:61",
]
JSON_BODIES = [
    "{",
    "1",
    "[]",
    '{"stops": 5, "stop": {}, "lat": "x", "lon": null}',
    '{"stops": [1, 2], "stop": [], "keepEnd": "no"}',
    '{"stops": ["finish", "start", "start"], "stop": 1e309}',
    '{"stops": "start,finish", "stop": "-1"}',
    '{"lat": NaN, "lon": Infinity, "accuracy": -Infinity}',
    '{"lat": 91, "lon": 181, "accuracy": 1e309}',
    "[" * 100_000 + "]" * 100_000,
    '{"a": ' * 50_000 + "1" + "}" * 50_000,
    b"\xff\xfe{\x00",
]


def _forms() -> Iterator[tuple[str, Any]]:
    """Form bodies: missing fields, nasty values, 1 MB, repeated, a file."""
    yield "empty", {}
    for value in FORM_VALUES:
        yield f"all={value[:12]!r}", dict.fromkeys(FORM_FIELDS, value)
    yield "1MB", dict.fromkeys(FORM_FIELDS[:3], "x" * 1_000_000)
    yield "repeated", MultiDict([(field, "1") for field in FORM_FIELDS] * 2)
    yield (
        "file",
        {
            "track": (io.BytesIO(b"<gpx><trk><trkseg>" * 1000), "t.gpx"),
            "stop": (io.BytesIO(b"1"), "stop.txt"),
        },
    )
    yield "bad-file", {"track": (io.BytesIO(b"\x00\xff" * 100), "../../etc/passwd")}


def _bodies() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for label, form in _forms():
        cases.append((f"form {label}", {"data": form}))
    for body in JSON_BODIES:
        label = repr(body[:24])
        cases.append(
            (f"json {label}", {"data": body, "content_type": "application/json"})
        )
    for content_type in (
        "text/plain",
        "application/json; charset=latin-9",
        "multipart/form-data",
        "application/x-www-form-urlencoded; charset=nonsense",
    ):
        cases.append(
            (
                f"type {content_type}",
                {"data": '{"stop": 1}\r\n--x--', "content_type": content_type},
            )
        )
    return cases


# ------------------------------------------------------------------ the app


def _make_app(tmp: Path) -> Flask:
    tour = tmp / "tours"
    shutil.copytree(DATA / "tours", tour)
    app = create_app(
        {
            "TESTING": True,
            "TOUR_DATA": str(tour),
            "DATABASE": str(tmp / "guide.sqlite3"),
            "SECRET_KEY": "test",
            "TILE_URL": "/tiles/{z}/{x}/{y}.png",
            # The forms' own validation is what is under test, not the token.
            "WTF_CSRF_ENABLED": False,
            "REGISTRATIONS_PER_ADDRESS": 0,
            # Nasty sign-ins are throttled soon (a 429 is fine, and no slow hashing).
            "LOGIN_FAILURES_PER_ADDRESS": 3,
            "LOGIN_DELAY_S": 600,
            "MAIL_SERVER": "",  # no mail leaves the test
            "STREET_FILES": [],
        }
    )
    return app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An app with a guide, a date, a registration, a live walk, a variant, an event."""
    app = _make_app(tmp_path_factory.mktemp("nasty"))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    assert result.exit_code == 0, result.output

    guide = app.test_client()
    _sign_in(guide)

    date_id = add_date(app)
    from web.services import booking

    with app.test_request_context():
        booked = booking.register(
            date_id,
            booking.Guest("Test", "+996 559 336 001", None, 2, "en", None),
            "a" * 32,
            waitlist=False,
            now=booking.local_now(),
        )
        from web.services.db import db
        from web.services.models import Registration

        registration_id = db.session.query(Registration.id).scalar()

    live = guide.post("/guide/tours/small/live/start")
    assert live.status_code == 303
    live_code = live.headers["Location"].rsplit("/", 1)[-1]

    saved = guide.post(
        "/guide/tours/small/plan/variants",
        data={"stops": "start,middle,finish", "name": "v"},
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)
    variant_id = int(re.search(r"variant=(\d+)", saved.headers["Location"])[1])

    added = guide.post(
        "/guide/events",
        data={"title": "Concert", "day": "2030-01-01", "start": "19:00"},
    )
    assert added.status_code == 303
    return {
        "app": app,
        "guide": guide,
        "anonymous": app.test_client(),
        "ids": {
            "session_id": str(date_id),
            "registration_id": str(registration_id),
            "variant_id": str(variant_id),
            "event_id": "1",
            "import_id": "1",
            "code": booked.code,
            "stop_id": "middle",
            "tour_id": "small",
            "photo_id": "1",
            "lang": "en",
            "key": "small/middle/nothing-960-0.webp",
            "rest": "nowhere",
            "package": "leaflet",
            "kind": "tour",
            "filename": "leaflet.js",
            "name": "site",
        },
        "live_code": live_code,
    }


# ------------------------------------------------------------------ the table


def _rules() -> list[tuple[str, str]]:
    """Every (rule, method) of the app, HEAD and OPTIONS aside."""
    with tempfile.TemporaryDirectory() as tmp:
        app = _make_app(Path(tmp))
        found = {
            (rule.rule, method)
            for rule in app.url_map.iter_rules()
            for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
        }
    return sorted(found)


def _fill(rule: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: values[m[1]], rule)


def _paths(rule: str, ids: dict[str, str], live_code: str) -> list[str]:
    """The rule with real ids, then with one nasty parameter at a time."""
    known = dict(ids)
    if "live" in rule:
        known["code"] = live_code
    if rule.startswith("/events/"):
        known["event_id"] = "guide-1"
    args = re.findall(r"<(?:([^:>]+):)?([^>]+)>", rule)
    paths = [_fill(rule, known)]
    for converter, name in args:
        nasty = NASTY_INTS if converter == "int" else NASTY_SEGMENTS
        paths += [_fill(rule, {**known, name: value}) for value in nasty]
    return paths


RULES = _rules()


def _problem(path: str, response: Any) -> str | None:
    """What is wrong with an answer to bad input, or None."""
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status < 400:
        return None
    if path.startswith(("/api/", "/guide/api/")) or path == "/api":
        body = response.get_json(silent=True)
        if not isinstance(body, dict) or body != {
            "ok": False,
            "error": body.get("error"),
            "status": status,
        }:
            return f"{status} not the JSON error shape: {response.data[:80]!r}"
        if not isinstance(body["error"], str) or not body["error"]:
            return f"{status} without an error message"
        return None
    if response.mimetype == "text/html":
        if 'class="site-header"' not in response.get_data(as_text=True):
            return f"{status} HTML that is not a page of the site"
        return None
    body = response.get_json(silent=True)
    if not isinstance(body, dict) or body.get("ok") is not False:
        return f"{status} {response.mimetype}: {response.data[:80]!r}"
    return None


def _sign_in(client: FlaskClient) -> None:
    """Sign the guide in through the login form, unless still signed in."""
    with client.session_transaction() as session:
        if "guide_id" in session:
            return
    response = client.post(
        "/guide/login",
        data={"username": "anna", "password": PASSWORD},
        environ_overrides={"REMOTE_ADDR": GUIDE_ADDRESS},
    )
    assert response.status_code == 303, response.status_code


def _step(rule: str, who: str) -> int:
    """Send every n-th of the queries and bodies: a bounded table.

    Anonymous requests to /guide stop at the gate, so a few suffice there; the
    guide on the public pages gets a third of what anonymous visitors get.
    """
    guide_area = rule.startswith("/guide") and rule != "/guide/login"
    if who == "anonymous":
        return 5 if guide_area else 1
    return 1 if guide_area else 3


@pytest.mark.parametrize("who", ["anonymous", "guide"])
@pytest.mark.parametrize(("rule", "method"), RULES, ids=[f"{m} {r}" for r, m in RULES])
def test_no_server_errors(world, rule: str, method: str, who: str) -> None:
    client: FlaskClient = world[who]
    if who == "guide":
        _sign_in(client)  # again, after /guide/logout
    paths = _paths(rule, world["ids"], world["live_code"])
    problems = []

    def send(label: str, path: str, **kwargs: Any) -> None:
        problem = _problem(path, client.open(path, method=method, **kwargs))
        if problem:
            problems.append(f"{method} {path[:60]} {label[:60]}: {problem}")

    for path in paths[1:]:
        send("", path)
    real = paths[0]
    if method == "GET":
        queries: list[Any] = [dict.fromkeys(QUERY_PARAMS, v) for v in NASTY_VALUES]
        if rule in ("/api/tours/small/route", "/tours/small/route.gpx"):
            queries += ROUTE_QUERIES
        for query in queries[:: _step(rule, who)]:
            send(f"?{query!s}", real, query_string=query)
    else:
        bodies = _bodies()  # fresh file objects for every rule
        for label, body in bodies[:: _step(rule, who)]:
            send(label, real, **body)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("who", ["anonymous", "guide"])
def test_csrf_refusals_are_clean(world, who: str) -> None:
    """With CSRF on, as in production: missing or wrong tokens are clean 4xx."""
    app, client = world["app"], world[who]
    if who == "guide":
        _sign_in(client)
    problems = []
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = client.get("/tours/small/dates/cancel").get_data(as_text=True)
        token = hidden_fields(page)["csrf_token"]
        for rule, method in RULES:
            if method not in BODY_METHODS:
                continue
            path = _paths(rule, world["ids"], world["live_code"])[0]
            for label, body in [
                ("no token", {"data": {"stop": "1"}}),
                ("bad token", {"data": {"csrf_token": "x" * 5000}}),
                (
                    "bad header",
                    {"json": {"stop": 1}, "headers": {"X-CSRFToken": "\x00<x>"}},
                ),
                (
                    "good header, JSON 1",
                    {
                        "data": "1",
                        "content_type": "application/json",
                        "headers": {"X-CSRFToken": token},
                    },
                ),
            ]:
                problem = _problem(path, client.open(path, method=method, **body))
                if problem:
                    problems.append(f"{method} {path[:60]} {label}: {problem}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not problems, "\n".join(problems)


SHIPPED_QUERIES: list[Any] = [
    {"from": "meeting-point", "to": "interhelpo-quarter"},
    {"from": "42.87,74.55", "to": "meeting-point"},
    {"from": "0,0", "to": "meeting-point"},
    {"from": "89.9,179.9", "to": "-89.9,-179.9"},
    {"from": "meeting-point", "to": "meeting-point"},
    {"from": "meeting-point", "to": "42.87,74.55,1"},
    {"from": "meeting-point", "to": "1e309,1e309"},
]


def test_shipped_tour_public_pages(real_client) -> None:
    """The public pages of the shipped tour (street routing included), anonymously."""
    rules = sorted(
        {rule for rule, method in RULES if method == "GET"}
        - {rule for rule, _method in RULES if rule.startswith("/guide")}
    )
    ids = {
        "session_id": "1",
        "code": "ABCDEFGH",
        "stop_id": "interhelpo-quarter",
        "tour_id": "interhelpo",
        "key": "interhelpo/interhelpo-quarter/nothing-960-0.webp",
        "event_id": "x",
        "rest": "x",
        "package": "leaflet",
        "kind": "tour",
        "filename": "leaflet.css",
        "name": "walk",
    }
    problems = []
    sent = 0
    for rule in rules:
        paths = _paths(rule, ids, "ABCDEF")
        requests: list[tuple[str, Any]] = [(path, None) for path in paths[:4]]
        queries = [dict.fromkeys(QUERY_PARAMS, v) for v in NASTY_VALUES[::3]]
        if rule in ("/api/tours/small/route", "/tours/small/route.gpx"):
            queries += SHIPPED_QUERIES
        requests += [(paths[0], query) for query in queries]
        for path, query in requests:
            problem = _problem(path, real_client.get(path, query_string=query))
            sent += 1
            if problem:
                problems.append(f"GET {path[:60]} ?{str(query)[:60]}: {problem}")
    assert not problems, "\n".join(problems)
    assert sent > 100


# ------------------------------------------------------------ hostile requests

HUGE = "9" * 400
# (what, method, path, request options): each of these once answered 500.
HOSTILE = [
    ("next= with a newline", "GET", "/guide/login?next=/guide/%0aX-Evil:%201", {}),
    ("next= with a CR", "POST", "/guide/login", {"data": {"next": "/guide/\r\n"}}),
    (
        "variant below 64 bits",
        "GET",
        "/guide/tours/small/plan?variant=-99999999999999999999",
        {},
    ),
    (
        "variant above 64 bits",
        "GET",
        "/guide/tours/small/plan?variant=99999999999999999999",
        {},
    ),
    ("variant of 400 digits", "GET", f"/guide/tours/small/plan?variant={HUGE}", {}),
    (
        "calibration version beyond 64 bits",
        "POST",
        "/guide/tours/small/stops/middle/calibrate",
        {"data": {"lat": "42.875", "lon": "74.59", "accuracy": "5", "version": HUGE}},
    ),
    (
        "calibration latitude of 400 digits",
        "POST",
        "/guide/tours/small/stops/middle/calibrate",
        {"data": {"lat": HUGE, "lon": "74.59", "accuracy": "5", "version": "0"}},
    ),
    (
        "live position lat as a 400-digit integer",
        "POST",
        "/guide/tours/small/live/<live>/position",
        {"json": {"lat": int(HUGE), "lon": 74.59, "accuracy": 5}},
    ),
    (
        "live position lat as JSON true",
        "POST",
        "/guide/tours/small/live/<live>/position",
        {"json": {"lat": True, "lon": 74.59, "accuracy": 5}},
    ),
    (
        "live position accuracy as JSON true",
        "POST",
        "/guide/tours/small/live/<live>/position",
        {"json": {"lat": 42.875, "lon": 74.59, "accuracy": True}},
    ),
    (
        "live stop as JSON true",
        "POST",
        "/guide/tours/small/live/<live>/at",
        {"json": {"stop": True}},
    ),
]


@pytest.mark.parametrize(
    ("what", "method", "path", "options"), HOSTILE, ids=[h[0] for h in HOSTILE]
)
def test_hostile_requests_are_refused_cleanly(world, what, method, path, options):
    client = world["guide"]
    _sign_in(client)
    path = path.replace("<live>", world["live_code"])
    response = client.open(path, method=method, **options)
    assert 400 <= response.status_code < 500 or response.status_code in (200, 302, 303)
    assert _problem(path, response) is None
    if response.status_code in (200, 303) and "position" in path:
        pytest.fail(f"{what}: accepted")
    location = response.headers.get("Location", "")
    assert "\n" not in location and "X-Evil" not in location


def test_a_stop_edit_with_a_version_beyond_64_bits_is_refused(world):
    client = world["guide"]
    _sign_in(client)
    page = client.get("/guide/tours/small/stops/middle/edit").get_data(as_text=True)
    form = dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', page))
    form.update(
        re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page)
    )
    assert "version" in form and "name_en" in form
    for version in (HUGE, str(2**63), "-" + HUGE):
        response = client.post(
            "/guide/tours/small/stops/middle/edit", data={**form, "version": version}
        )
        assert 400 <= response.status_code < 500, version
        assert _problem("/guide/tours/small/stops/middle/edit", response) is None


BAD_HOSTS = ["a" * 64 + ".example.org", "a..b", "a.b..", "."]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("path", ["/", "/api/tour", "/guide/", "/no/such/page"])
def test_a_bad_host_gets_a_plain_400(world, caplog, host, path):
    response = world["anonymous"].get(path, headers={"Host": host})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    # Nothing logged as an error: no tracebacks filling the disk.
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
