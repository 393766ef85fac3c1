"""The app refuses to start outside debug and testing without a real SECRET_KEY."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app import ROOT
from app import create_app


def config(tmp_path, **extra):
    return {
        "DATABASE": str(tmp_path / "guide.sqlite3"),
        # Not the checkout's instance/secret_key, which setup.sh makes.
        "SECRET_KEY_FILE": str(tmp_path / "secret_key"),
        "PUBLIC_URL": "https://walk.example.org",
        **extra,
    }


@pytest.mark.parametrize("key", [None, "", "dev", "secret", "changeme", "short-key"])
def test_refuses_to_start_without_a_real_key(tmp_path, monkeypatch, key):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    settings = config(tmp_path) if key is None else config(tmp_path, SECRET_KEY=key)
    with pytest.raises(RuntimeError, match="FLASK_SECRET_KEY") as refused:
        create_app(settings)
    assert "scripts/start.sh" in str(refused.value)


def test_a_long_random_key_starts(tmp_path):
    app = create_app(config(tmp_path, SECRET_KEY="f" * 8 + "0123456789abcdef"))
    assert app.config["SECRET_KEY"] == "f" * 8 + "0123456789abcdef"


def test_the_key_file_made_by_setup_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("0123456789abcdef0123456789abcdef\n")
    app = create_app(config(tmp_path))
    assert app.config["SECRET_KEY"] == "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("flags", [{"DEBUG": True}, {"TESTING": True}])
def test_debug_and_testing_make_a_throwaway_key(tmp_path, monkeypatch, flags):
    monkeypatch.delenv("FLASK_SECRET_KEY", raising=False)
    first = create_app(config(tmp_path, **flags)).config["SECRET_KEY"]
    second = create_app(config(tmp_path, **flags)).config["SECRET_KEY"]
    assert len(first) >= 32 and first != second and first != "dev"


def test_bare_flask_command_says_how_to_set_one(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "FLASK_DATABASE": str(tmp_path / "g.sqlite3")}
    result = subprocess.run(
        [sys.executable, "-c", "import app; app.create_app()"],
        cwd=ROOT,
        env={**env, "FLASK_SECRET_KEY_FILE": str(tmp_path / "none")},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "FLASK_SECRET_KEY" in result.stderr
