"""One settings module: every key has its default there, and the README lists them."""

from __future__ import annotations

import re
from pathlib import Path

from web import settings

ROOT = Path(__file__).parents[1]
# Keys the app writes for its extensions; nobody sets them.
WRITTEN_BY_THE_APP = {
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_HTTPONLY",
}
# Flask's and Flask-WTF's own, read but not given a default by the guide.
FRAMEWORK = {"TESTING", "WTF_CSRF_ENABLED"}
READ = re.compile(
    r"""config(?:\[\s*["']([A-Z][A-Z0-9_]+)["']|\.get\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    r"""|\.setdefault\(\s*["']([A-Z][A-Z0-9_]+)["']|\.([A-Z][A-Z0-9_]+)\b)"""
)


def _sources() -> list[Path]:
    return [
        ROOT / "app.py",
        *(ROOT / "web").rglob("*.py"),
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "templates").rglob("*.txt"),
    ]


def test_the_readme_lists_every_setting_as_the_module_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings.markdown_table() in readme


def test_every_key_the_code_reads_is_a_setting():
    read: dict[str, str] = {}
    for path in _sources():
        if path.name == "settings.py":
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            key = next(group for group in match.groups() if group)
            read.setdefault(key, str(path.relative_to(ROOT)))
    assert {"TILE_URL", "TILES_ALLOW_BULK", "MAIL_SERVER", "TOUR_DATA"} <= set(read)
    unknown = {
        key: where
        for key, where in read.items()
        if key not in settings.NAMES | WRITTEN_BY_THE_APP | FRAMEWORK
    }
    assert unknown == {}


def test_no_module_gives_a_setting_its_own_default():
    found = []
    pattern = re.compile(r"config\.setdefault\(|config\.get\(\s*\"[A-Z_]+\",")
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if pattern.search(line) and "SQLALCHEMY_ENGINE_OPTIONS" not in line:
                found.append(f"{path.relative_to(ROOT)}:{number + 1}")
    assert found == []


def test_the_app_starts_from_the_defaults(app):
    given = {"TESTING", "TOUR_DATA", "DATABASE", "MEDIA_ROOT", "SECRET_KEY", "TILE_URL"}
    given |= {"STREET_FILES", "TOURS_FOLDER"}
    for setting in settings.SETTINGS:
        if setting.name not in given:
            assert app.config[setting.name] == setting.value_for(app), setting.name
