"""Guide accounts: ``flask guide add NAME``, sign-in and sign-out, the start page.

The gate that keeps ``/guide`` for signed-in guides is in `web.guide`.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit

import click
from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.cli import AppGroup
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy import update
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
from wtforms import HiddenField
from wtforms import PasswordField
from wtforms import StringField
from wtforms.validators import InputRequired
from wtforms.validators import Length

from web import catalogue
from web import get_tour
from web.guide import GUIDE_MENU
from web.guide import current_guide
from web.guide import is_guide_path
from web.guide import revoke_sessions
from web.guide import start_session
from web.services.db import db
from web.services.models import User
from web.services.models import utcnow
from web.services.security import clear_attempts
from web.services.security import client_address
from web.services.security import forget_attempts
from web.services.security import reserve_attempt
from web.services.tour_store import draft_ids

bp = Blueprint("auth", __name__, url_prefix="/guide")

MIN_PASSWORD_LENGTH = 12
# A hash to check against when the user name is unknown, so that both cases
# take the same time.
_DUMMY_HASH = generate_password_hash("not a password")


class LoginForm(FlaskForm):  # type: ignore[misc]
    """User name and password."""

    username = StringField(
        _l("User name"),
        validators=[InputRequired(message=_l("Enter your user name.")), Length(max=64)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), Length(max=256)],
    )
    next = HiddenField()


def init_app(app: Flask) -> None:
    """The sign-in pages and the ``flask guide`` commands."""
    app.register_blueprint(bp)
    app.cli.add_command(guide_cli)


def _safe_next(target: str | None) -> str:
    default = url_for("auth.home")
    if not target:
        return default
    # A newline would split the Location header; a backslash reads as "/" to
    # browsers ("/\\evil.example"): neither belongs in a guide page's path.
    if any(ord(char) < 32 or ord(char) == 127 or char == "\\" for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not is_guide_path(parts.path):
        return default
    return target


def _reserve_try(name: str) -> tuple[float, list[int]]:
    """Count this try per (name, address) and per address, or say how long to wait.

    Never per name alone: a stranger's failures elsewhere cannot keep the
    guide out (`web.services.security.reserve_attempt`).
    """
    config = current_app.config
    address = client_address()
    return reserve_attempt(
        [
            (
                "login-pair",
                f"{name}\0{address}",
                int(config["LOGIN_FAILURES_PER_NAME"]),
            ),
            ("login-addr", address, int(config["LOGIN_FAILURES_PER_ADDRESS"])),
        ],
        window_s=float(config["LOGIN_WINDOW_S"]),
        delay_s=float(config["LOGIN_DELAY_S"]),
        max_delay_s=float(config["LOGIN_MAX_DELAY_S"]),
    )


def _wait_message(wait_s: float) -> str:
    minutes = max(1, math.ceil(wait_s / 60))
    return _("Too many failed sign-ins. Try again in %(n)s min.", n=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Sign a guide in; repeated failures from one address wait longer and longer."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_guide() is not None and request.method == "GET":
        return redirect(_safe_next(form.next.data))
    error = None
    status = 200
    if form.validate_on_submit():
        name = form.username.data.strip().casefold()
        wait, counted = _reserve_try(name)
        if wait:
            error = _wait_message(wait)
            response = render_template("guide/login.html", form=form, error=error)
            return response, 429, {"Retry-After": str(math.ceil(wait))}
        user = db.session.scalar(select(User).where(User.username == name))
        valid = check_password_hash(
            user.password_hash if user else _DUMMY_HASH, form.password.data
        )
        if user is not None and valid:
            forget_attempts(counted)
            clear_attempts("login-pair", f"{name}\0{client_address()}")
            start_session(user)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(_safe_next(form.next.data), 303)
        error = _("Wrong user name or password.")
        status = 401
    elif request.method == "POST":
        status = 422
    return render_template("guide/login.html", form=form, error=error), status


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out, here and on every other device of this guide."""
    guide = current_guide()
    if guide is not None:
        revoke_sessions(guide)
        db.session.commit()
    session.clear()
    return redirect(url_for("auth.login"), 303)


@bp.get("/")
def home() -> str:
    """The guide's start page: each tour's tools, then the site's."""
    per_tour = [
        (endpoint, label)
        for endpoint, label in GUIDE_MENU
        if current_app.url_map.is_endpoint_expecting(endpoint, "tour_id")
    ]
    site = [item for item in GUIDE_MENU if item not in per_tour]
    tours = [get_tour(tour_id) for tour_id in catalogue().tours]
    return render_template(
        "guide/home.html",
        tours=tours,
        menu=per_tour,
        site=site,
        drafts=draft_ids(),
    )


# ---------------------------------------------------------------- CLI


guide_cli = AppGroup("guide", help="Manage guide accounts.")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="password"
        )


def _normalise(name: str) -> str:
    name = name.strip().casefold()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise click.BadParameter("a user name is 1-64 characters without spaces")
    return name


@guide_cli.command("add")
@click.argument("name")
@click.password_option(help="Asked for when not given.")
def add_guide(name: str, password: str) -> None:
    """Create the guide NAME with a password."""
    name = _normalise(name)
    _check_password(password)
    if db.session.scalar(select(User).where(User.username == name)):
        raise click.ClickException(f"guide {name!r} exists; use set-password")
    db.session.add(User(username=name, password_hash=generate_password_hash(password)))
    db.session.commit()
    click.echo(f"Added guide {name!r}.")


@guide_cli.command("set-password")
@click.argument("name")
@click.password_option(help="Asked for when not given.")
def set_password(name: str, password: str) -> None:
    """Give the guide NAME a new password."""
    user = db.session.scalar(select(User).where(User.username == _normalise(name)))
    if user is None:
        raise click.ClickException(f"no guide {name!r}")
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    revoke_sessions(user)
    db.session.commit()
    click.echo(f"New password set for {user.username!r}; their sessions ended.")


@guide_cli.command("remove")
@click.argument("name")
@click.confirmation_option(prompt="Remove this guide and end their sessions?")
def remove_guide(name: str) -> None:
    """Remove the guide NAME; what they made stays, without their name on it."""
    user = db.session.scalar(select(User).where(User.username == _normalise(name)))
    if user is None:
        raise click.ClickException(f"no guide {name!r}")
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if any(
                fk.column.table.name == User.__tablename__ for fk in column.foreign_keys
            ):
                db.session.execute(
                    update(table).where(column == user.id).values({column.name: None})
                )
    db.session.delete(user)
    db.session.commit()
    click.echo(f"Removed guide {user.username!r}; their sessions ended.")


@guide_cli.command("list")
def list_guides() -> None:
    """List the guide accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        click.echo(user.username)
