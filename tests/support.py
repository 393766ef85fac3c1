"""What tests that make their own app need: a hermetic app, and guides signing in.

``make_app`` says every setting a test relies on: it never reads
``instance/config.py``, ``FLASK_*`` from the shell, the instance's database or
street files nobody set. ``AuthActions`` is the ``auth`` fixture's class
(flaskr's): ``AuthActions(app).create().signed_in()`` is a signed-in client.
"""

from __future__ import annotations

from pathlib import Path

from app import create_app
from tests.booking_support import hidden_fields


def make_app(tmp_path: Path, **config):
    """The app with its database in ``tmp_path``, no street files, test tiles."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "guide.sqlite3"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "TOURS_FOLDER": str(tmp_path / "imported-tours"),
            "SECRET_KEY": "test",
            "TILE_URL": "/tiles/{z}/{x}/{y}.png",
            "STREET_FILES": [],
            **config,
        }
    )


GUIDE_PASSWORD = "correct horse"


class AuthActions:
    """Create a guide; sign in and out through the real forms (flaskr's AuthActions)."""

    def __init__(self, app, client=None, username="anna", password=GUIDE_PASSWORD):
        self.app = app
        self.client = client if client is not None else app.test_client()
        self.username = username
        self.password = password

    def create(self):
        """The guide's account, made with ``flask guide add``."""
        result = self.app.test_cli_runner().invoke(
            args=["guide", "add", self.username, "--password", self.password]
        )
        assert result.exit_code == 0, result.output
        return self

    def login(self, username=None, password=None, next_url=""):
        """Post the sign-in form; the response says how it went."""
        page = self.client.get("/guide/login").get_data(as_text=True)
        return self.client.post(
            "/guide/login",
            data={
                **hidden_fields(page),
                "username": self.username if username is None else username,
                "password": self.password if password is None else password,
                "next": next_url,
            },
        )

    def logout(self):
        page = self.client.get("/guide/").get_data(as_text=True)
        return self.client.post("/guide/logout", data=hidden_fields(page))

    def signed_in(self):
        """The client, signed in."""
        response = self.login()
        assert response.status_code == 303, response.status_code
        return self.client
