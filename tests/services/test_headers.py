"""Security headers on every rule of the URL map, and pages without inline script."""

from __future__ import annotations

import re

import pytest

from tests.booking_support import add_date
from web.services import booking
from web.services.headers import content_security_policy
from web.services.headers import tile_source

PASSWORD = "correct horse battery"
TILES = "https://tile.openstreetmap.org"


def policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def check_headers(response, *, tiles: str | None) -> list[str]:
    """What is missing or wrong in one response's security headers."""
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    rules = policy(csp)
    scripts = rules.get("script-src", rules.get("default-src"))
    if scripts != ["'self'"]:
        problems.append(f"script-src {scripts}")
    for name, expected in (
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("frame-ancestors", ["'none'"]),
        ("default-src", ["'self'"]),
    ):
        if rules.get(name) != expected:
            problems.append(f"{name} {rules.get(name)}")
    allowed = {"'self'", "data:", "blob:"} | ({tiles} if tiles else set())
    if not rules.get("img-src") or not set(rules["img-src"]) <= allowed:
        problems.append(f"img-src {rules.get('img-src')}")
    for name, value in (
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", expected_permissions(response)),
    ):
        if response.headers.get(name) != value:
            problems.append(f"{name}: {response.headers.get(name)!r}")
    return problems


def expected_permissions(response) -> str:
    # Only the guide's photos-and-voice page of a stop may use the microphone.
    path = response.request.path if hasattr(response, "request") else ""
    microphone = (
        "(self)" if path.startswith("/guide/") and path.endswith("/media") else "()"
    )
    return f"geolocation=(self), camera=(), microphone={microphone}"


def filled(rule: str) -> str:
    values = {"int": "1", "path": "x.js", "": "x"}
    return re.sub(
        r"<(?:([^:>]+):)?([^>]+)>",
        lambda m: (
            "tour"
            if m[2] == "kind"
            else "interhelpo"
            if m[2] == "tour_id"
            else values.get(m[1] or "", "x")
        ),
        rule,
    )


def sign_in(app, client) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["guide", "add", "anna", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    response = client.post(
        "/guide/login", data={"username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 303


@pytest.mark.parametrize("who", ["anonymous", "guide"])
def test_every_rule_answers_with_the_security_headers(app, who) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    if who == "guide":
        sign_in(app, client)
    problems = []
    rules = sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    )
    assert len(rules) > 60
    for rule, method in rules:
        if rule == "/guide/logout":
            continue  # signs the guide out; checked below on its own
        response = client.open(filled(rule), method=method)
        problems += [
            f"{method} {rule} ({response.status_code}): {p}"
            for p in check_headers(response, tiles=None)
        ]
    response = client.post("/guide/logout")
    problems += check_headers(response, tiles=None)
    assert not problems, "\n".join(problems)


def test_errors_and_refusals_carry_the_headers_too(client) -> None:
    for response in (
        client.get("/no/such/page"),
        client.get("/api/nothing"),
        client.post("/guide/login", data={"username": "x"}),
        client.get("/guide/tours/interhelpo/plan"),
        client.get("/tours/interhelpo/", headers={"Host": "a..b"}),
    ):
        assert check_headers(response, tiles=None) == [], response.status_code


def test_the_configured_tile_server_is_the_only_other_image_source(tmp_path):
    from tests.support import make_app

    app = make_app(tmp_path, TILE_URL=TILES + "/{z}/{x}/{y}.png")
    response = app.test_client().get("/tours/interhelpo/")
    assert check_headers(response, tiles=TILES) == []
    rules = policy(response.headers["Content-Security-Policy"])
    assert TILES in rules["img-src"]
    assert TILES in rules["connect-src"]  # the service worker keeps tiles


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", TILES),
        (
            "https://{s}.tile.example.org/{z}/{x}/{y}{r}.png",
            "https://*.tile.example.org",
        ),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
    ],
)
def test_tile_source_comes_from_the_tile_url(tile_url, source) -> None:
    assert tile_source(tile_url) == source
    images = policy(content_security_policy(tile_url))["img-src"]
    assert images == ["'self'", "data:", "blob:"] + ([source] if source else [])


def test_hsts_only_over_https(client) -> None:
    assert "Strict-Transport-Security" not in client.get("/tours/interhelpo/").headers
    secure = client.get("/tours/interhelpo/", base_url="https://guide.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(secure.headers["Strict-Transport-Security"].split("=")[1]) >= 15552000


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_page_has_inline_script_or_handlers(real_app, lang) -> None:
    real_app.config["WTF_CSRF_ENABLED"] = False
    client = real_app.test_client()
    sign_in(real_app, client)
    date_id = add_date(real_app)
    with real_app.test_request_context():
        code = booking.register(
            date_id,
            booking.Guest("Ann", "+996 559 336 001", None, 2, "en", None),
            "a" * 32,
            waitlist=False,
            now=booking.local_now(),
        ).code
    client.post(
        "/guide/events",
        data={"title": "Concert", "day": "2031-01-01", "start": "19:00"},
    )
    live = (
        client.post("/guide/tours/interhelpo/live/start")
        .headers["Location"]
        .rsplit("/", 1)[-1]
    )
    paths = [
        filled(rule.rule)
        for rule in real_app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
    ]
    stop = "interhelpo-quarter"
    paths += [
        f"/tours/interhelpo/stops/{stop}",
        f"/guide/tours/interhelpo/stops/{stop}/edit",
        f"/guide/tours/interhelpo/stops/{stop}/calibrate",
        f"/tours/interhelpo/dates/{date_id}/register",
        f"/tours/interhelpo/dates/r/{code}",
        f"/tours/interhelpo/dates/r/{code}/cancel",
        f"/guide/tours/interhelpo/dates/{date_id}",
        f"/guide/tours/interhelpo/dates/{date_id}/edit",
        f"/guide/tours/interhelpo/live/{live}",
        f"/live/{live}",
    ]
    pages = []
    for path in paths:
        response = client.get(path, query_string={"lang": lang})
        if response.mimetype != "text/html" or response.status_code != 200:
            continue
        pages.append(path)
        text = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.findall(text), path
        assert not HANDLER.findall(text), path
    assert len(pages) >= 25, pages


def test_map_scripts_are_files_identical_in_every_process(app, tmp_path) -> None:
    from app import create_app

    client = app.test_client()
    page = client.get("/tours/small/?lang=ru").get_data(as_text=True)
    src = re.search(r'<script src="(/tours/small/maps/tour\.js\?[^"]+)"', page)[
        1
    ].replace("&amp;", "&")
    first = client.get(src)
    assert first.status_code == 200
    assert first.mimetype == "text/javascript"
    assert "immutable" in first.headers["Cache-Control"]
    assert re.search(r'id="(map_\w+)"', page)[1] in first.get_data(as_text=True)
    # Another worker process: the same tour draws the same script.
    other = create_app({**app.config, "DATABASE": str(tmp_path / "other.sqlite3")})
    second = other.test_client().get(src)
    assert second.get_data() == first.get_data()
    stale = client.get(src.split("&v=")[0] + "&v=0000")
    assert stale.status_code == 200
    assert stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/tours/small/maps/nothing.js").status_code == 404
