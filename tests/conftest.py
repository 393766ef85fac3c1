"""Fixtures: an app on the small test tour, its client and CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import AuthActions
from tests.support import make_app

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
SHARED = ROOT.parent / "shared"
SKELETON = Path("geodata", "bishkek_west_arterials_skeleton.osm")


@pytest.fixture
def tour_dir(tmp_path: Path) -> Path:
    """A writable copy of the small test tour, alone in its ``TOUR_DATA`` folder
    (``tour_dir.parent``); its id is ``small``."""
    target = tmp_path / "tours" / "small"
    shutil.copytree(DATA / "tours" / "small", target)
    return target


@pytest.fixture
def app(tmp_path: Path, tour_dir: Path):
    """The app on the small test tour; settings in `tests.support.make_app`."""
    return make_app(tmp_path, TOUR_DATA=str(tour_dir.parent))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(app, client):
    """Sign-in for the guide ``anna`` (already created) on the test client."""
    return AuthActions(app, client).create()


@pytest.fixture
def guide(auth):
    """The test client, signed in as a guide."""
    return auth.signed_in()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def real_app(tmp_path: Path):
    """The app on the shipped Interhelpo tour, routing on its connectors only."""
    return make_app(tmp_path)


@pytest.fixture
def district_app(tmp_path: Path, shared_dir: Path):
    """The shipped tour routing on the district's street skeleton (../shared)."""
    return make_app(tmp_path, STREET_FILES=[str(shared_dir / SKELETON)])


@pytest.fixture
def real_client(real_app):
    return real_app.test_client()


@pytest.fixture
def shared_dir() -> Path:
    """The read-only research folder beside the repository; skip when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture(scope="session")
def gpx_schema():
    """The GPX 1.1 schema, from tests/data (xmlschema is a test requirement)."""
    import xmlschema

    return xmlschema.XMLSchema(str(DATA / "gpx_1_1.xsd"))


class FakeSMTP:
    """Stands in for ``smtplib.SMTP``: keeps the messages, or refuses to connect."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.fail:
            raise OSError("connection refused")
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)


@pytest.fixture
def fake_smtp(monkeypatch):
    """No mail leaves the machine: what would be sent is in ``fake_smtp.sent``."""
    import smtplib

    FakeSMTP.sent = []
    FakeSMTP.fail = False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    return FakeSMTP


def pytest_addoption(parser):
    parser.addoption(
        "--run-browser",
        action="store_true",
        default=False,
        help="also run the Chromium tests in tests/browser",
    )


def pytest_collection_modifyitems(config, items):
    browser_dir = Path(__file__).parent / "browser"
    skip = pytest.mark.skip(reason="browser tests need --run-browser")
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
            if not config.getoption("--run-browser"):
                item.add_marker(skip)
