"""Guide accounts: the CLI, sign-in, throttling, cookies, CSRF and the /guide gate."""

from __future__ import annotations

import re

from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from tests.booking_support import hidden_fields
from tests.support import GUIDE_PASSWORD as PASSWORD


def test_add_guide_hashes_the_password(app, auth):
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import User

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == auth.username))
        assert user.password_hash != PASSWORD
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_add_guide_twice_is_refused(runner, auth):
    # User names are case-insensitive: "Anna" is the guide "anna".
    result = runner.invoke(args=["guide", "add", "Anna", "--password", PASSWORD])
    assert result.exit_code != 0
    assert "exists" in result.output


def test_add_guide_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["guide", "add", "bob"], input="long enough now\nlong enough now\n"
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["guide", "list"]).output.strip() == "bob"


def test_short_password_refused(runner):
    result = runner.invoke(args=["guide", "add", "bob", "--password", "short"])
    assert result.exit_code != 0


def test_set_password(runner, client, auth):
    result = runner.invoke(
        args=["guide", "set-password", "anna", "--password", "another secret"]
    )
    assert result.exit_code == 0
    assert auth.login().status_code == 401
    assert auth.login(password="another secret").status_code == 303


def test_login_and_logout(client, auth):
    response = auth.login(next_url="/guide/tours/small/dates")
    assert response.status_code == 303
    assert response.headers["Location"] == "/guide/tours/small/dates"
    assert client.get("/guide/").status_code == 200
    assert auth.logout().status_code == 303
    assert client.get("/guide/").status_code == 303


def test_login_ignores_outside_next(client, auth):
    response = auth.login(next_url="https://evil.example/guide")
    assert response.headers["Location"] == "/guide/"


def test_wrong_password(client, auth):
    response = auth.login(password="nope")
    assert response.status_code == 401
    assert "Wrong user name or password" in response.get_data(as_text=True)
    assert client.get("/guide/").status_code == 303


def test_repeated_failures_are_slowed_down(app, client, auth):
    app.config["LOGIN_DELAY_S"] = 600  # longer than this test takes on a slow machine
    for _ in range(app.config["LOGIN_FAILURES_PER_NAME"]):
        assert auth.login(password="nope").status_code == 401
    # Even the right password waits now.
    response = auth.login()
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_failures_per_address_are_counted_across_names(app, client, auth):
    app.config.update(LOGIN_FAILURES_PER_ADDRESS=3, LOGIN_DELAY_S=600)
    for name in ("x1", "x2", "x3"):
        assert auth.login(username=name, password="nope").status_code == 401
    assert auth.login().status_code == 429


def test_attempts_are_not_stored_in_clear(app, client, auth):
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Attempt

    auth.login(password="nope")
    with app.app_context():
        keys = list(db.session.scalars(select(Attempt.key)))
    assert keys and all("anna" not in k and "127.0.0.1" not in k for k in keys)


def test_session_cookie_flags(client, auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_under_https(app, auth):
    client = app.test_client()
    page = client.get("/guide/login", base_url="https://localhost")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    response = client.post(
        "/guide/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/guide/login"},
        data={"csrf_token": token, "username": "anna", "password": PASSWORD},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_login_without_csrf_token_is_refused(client, auth):
    response = client.post(
        "/guide/login", data={"username": "anna", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/guide/").status_code == 303


def _example_url(rule: Rule) -> str:
    values = {}
    for name in rule.arguments:
        number = isinstance(rule._converters[name], NumberConverter)
        values[name] = "1" if number else "x"
    url = rule.rule
    for name, value in values.items():
        url = re.sub(r"<(?:[^:<>]+:)?" + name + r">", value, url)
    return url


def guide_urls(app):
    """Every /guide URL in the app, with each of its methods."""
    found = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule == "/guide" or rule.rule.startswith("/guide/")):
            continue
        if rule.endpoint == "auth.login":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, _example_url(rule)))
    return found


def test_the_url_map_has_guide_pages(app):
    urls = {url for _, url in guide_urls(app)}
    assert {
        "/guide/",
        "/guide/tours/x/dates",
        "/guide/tours/x/dates/1",
        "/guide/tours/x/dates/1.csv",
    } <= urls


def test_anonymous_visitors_are_refused_everywhere_under_guide(app):
    client = app.test_client()
    for method, url in guide_urls(app):
        response = client.open(url, method=method)
        if url.startswith("/guide/api"):
            assert response.status_code == 401, (method, url)
            assert response.get_json()["ok"] is False
        else:
            assert response.status_code == 303, (method, url, response.status_code)
            assert response.headers["Location"].startswith("/guide/login"), url


def test_anonymous_api_clients_get_json_401(app):
    client = app.test_client()
    response = client.get(
        "/guide/tours/x/dates", headers={"Accept": "application/json"}
    )
    assert response.status_code == 401
    assert response.get_json() == {
        "ok": False,
        "error": "Sign in as a guide first.",
        "status": 401,
    }


def test_unknown_guide_url_also_needs_login(client):
    assert client.get("/guide/no/such/page").status_code == 303


def test_guide_pages_are_not_cached(client, auth):
    auth.login()
    assert client.get("/guide/tours/small/dates").headers["Cache-Control"] == "no-store"


def test_login_page_in_russian(client):
    text = client.get("/guide/login?lang=ru").get_data(as_text=True)
    assert "Пароль" in text


def test_big_bodies_are_refused_before_they_are_read(client):
    """No global body limit once let 300 MB to /guide/login be spooled to disk."""
    import io

    body = {"username": "x", "file": (io.BytesIO(b"0" * 2_000_000), "big.bin")}
    response = client.post("/guide/login", data=body)
    assert response.status_code == 413
    assert 'class="site-header"' in response.get_data(as_text=True)
