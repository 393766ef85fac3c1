"""Application factory: ``flask run`` finds ``create_app`` here without ``--app``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from geo.loader import load_tours
from web import settings


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

    # Loaded once: a broken data file stops the start-up here, naming the field.
    tours = load_tours(Path(app.config["TOUR_DATA"]), app.config["DEFAULT_TOUR"])
    app.extensions["tours"] = tours
    app.extensions["tour"] = tours.default

    from web import register

    register(app)  # the services (the router among them), the error path, the rooms
    return app
