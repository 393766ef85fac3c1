"""The WSGI application bench/bench_pages.py serves: the guide, and a bare Flask
app under /__bare/ as the yardstick, in the same gunicorn process."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from app import create_app

bare = Flask("bare")


@bare.get("/")
def hello() -> dict[str, object]:
    """The smallest useful Flask view: a JSON object."""
    return {"ok": True, "status": 200}


guide = create_app()
application = DispatcherMiddleware(guide.wsgi_app, {"/__bare": bare.wsgi_app})
