"""Application factory: ``flask run`` finds ``create_app`` here without ``--app``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from web import settings
from web.services import tour_shelf

ROOT = Path(__file__).resolve().parent
# Keys from examples and tutorials: anyone could sign a session with them.
KNOWN_DEFAULT_SECRETS = frozenset(
    {
        "dev",
        "development",
        "secret",
        "secret-key",
        "secret_key",
        "changeme",
        "change-me",
        "change_me",
        "test",
        "testing",
        "default",
        "password",
        "key",
    }
)
MIN_SECRET_LENGTH = 16
NO_SECRET = (
    "The guide needs a SECRET_KEY of at least 16 random characters, not a known "
    "default. Set FLASK_SECRET_KEY, e.g. export FLASK_SECRET_KEY=$(python3 -c "
    "'import secrets; print(secrets.token_hex(32))'), or start the guide with "
    "./scripts/start.sh (scripts/setup.sh keeps one in instance/secret_key)."
)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the guide: config, tour data (validated once), extensions, blueprints."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(settings.defaults(app))  # every key: web/settings.py
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        # Tests say all they need: no instance/config.py, no FLASK_* of the shell.
        app.config.update(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SECRET_KEY"] = secret_key(app)

    # Loaded first: a broken data file stops the start-up here, naming the field.
    tour_shelf.init_app(app)

    from web import register

    register(app)  # the services (the router among them), the error path, the rooms
    return app


def secret_key(app: Flask) -> str:
    """The configured key, else the one in SECRET_KEY_FILE; refuse a weak one.

    Debug and testing runs without a key get a throw-away random one.
    """
    key = str(app.config.get("SECRET_KEY") or "")
    path = Path(app.config["SECRET_KEY_FILE"])
    if not key and path.is_file():
        key = path.read_text().strip()
    weak = key.strip().casefold() in KNOWN_DEFAULT_SECRETS
    if key and not weak and len(key) >= MIN_SECRET_LENGTH:
        return key
    if app.debug or app.testing:
        return key if key and app.testing else secrets.token_hex(32)
    raise RuntimeError(NO_SECRET)
