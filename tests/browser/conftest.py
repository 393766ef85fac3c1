"""A live server, Debian's Chromium at phone size, blank tiles, no console errors,
no Content-Security-Policy violations."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright

from tests.live_server import ROOT
from tests.live_server import LiveServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
TILE = re.compile(r"^https?://[^/]*tile[^/]*/\d+/\d+/\d+\.png")
LOCAL = re.compile(r"^(https?://(127\.0\.0\.1|localhost)(:\d+)?/|data:|blob:|about:)")


def blank_png(size: int = 256) -> bytes:
    """A white PNG tile made with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\xff\xff" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


BLANK_TILE = blank_png()


GUIDE_PASSWORD = "walk-the-line-1925"


def add_guide(server: LiveServer, name: str) -> None:
    """A guide account in the server's database, with GUIDE_PASSWORD."""
    subprocess.run(
        [
            sys.executable,
            *("-m", "flask", "guide", "add", name, "--password", GUIDE_PASSWORD),
        ],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
    )


@contextmanager
def own_server(
    instance: Path,
    env: Mapping[str, str] | None = None,
    *,
    workers: int | None = None,
    guides: tuple[str, ...] = ("anna",),
) -> Iterator[LiveServer]:
    """A server and database of a test module's own, for tests whose changes
    must not reach other tests; its guides are added (and the database migrated)
    before its workers start."""
    server = LiveServer(instance, env, workers=workers)
    for name in guides:
        add_guide(server, name)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("instance")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per session (a second one in the same process is refused)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


# Every page reports Content-Security-Policy violations to the test (below).
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(
    [e.violatedDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber,
     document.location.pathname].join(" "));
});
"""


class Guard:
    """Collects what must not happen: console errors, page errors, outside
    requests, Content-Security-Policy violations."""

    def __init__(self):
        self.console_errors: list[str] = []
        self.console_sources: list[str] = []
        self.page_errors: list[str] = []
        self.outside_requests: list[str] = []
        self.csp_violations: list[str] = []
        self.tiles = 0

    def route(self, route):
        url = route.request.url
        if TILE.match(url):
            self.tiles += 1
            route.fulfill(body=BLANK_TILE, content_type="image/png")
        elif LOCAL.match(url):
            route.fallback()
        else:
            self.outside_requests.append(url)
            route.abort()

    def watch(self, page):
        page.on("console", self.console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def console(self, msg) -> None:
        # The location names the resource when a load fails: "net::ERR_FAILED"
        # alone does not say which one.
        if msg.type == "error":
            self.console_errors.append(msg.text)
            self.console_sources.append(
                (msg.location.get("url") or "")
                + " on "
                + (msg.page.url if msg.page else "?")
            )

    def report_csp_violation(self, text: str) -> None:
        self.csp_violations.append(text)

    def expect_refusals(self, count: int, status: int = 422) -> None:
        """Take back the console errors of ``count`` expected refusals (a form
        sent back with its message): there must be exactly that many."""
        refused = [e for e in self.console_errors if f"status of {status}" in e]
        assert len(refused) == count, refused
        self.console_errors[:] = [e for e in self.console_errors if e not in refused]

    def check(self):
        assert self.csp_violations == [], "Content-Security-Policy violations"
        assert self.page_errors == [], "page errors"
        assert self.console_errors == [], f"console errors from {self.console_sources}"
        assert self.outside_requests == [], "requests to hosts other than the app"


def tiles_settled(page) -> None:
    """Wait until no map tile is still loading: a page left with tile fetches in
    flight in the service worker logs each cut-off one as a console error."""
    expect(page.locator("img.leaflet-tile:not(.leaflet-tile-loaded)")).to_have_count(0)


def phone_size(width: int) -> dict[str, int]:
    """The viewport of the phones tests use: 390x844, or a small one 320 wide."""
    return {"width": width, "height": 844 if width == 390 else 640}


def new_phone_context(browser, base_url: str, guard: Guard, **options):
    context = browser.new_context(base_url=base_url, **{**PHONE, **options})
    context.route("**/*", guard.route)
    context.on("page", guard.watch)
    context.expose_function("reportCspViolation", guard.report_csp_violation)
    context.add_init_script(CSP_LISTENER)
    return context


@pytest.fixture
def guard():
    return Guard()


@pytest.fixture
def context(browser, live_server, guard):
    context = new_phone_context(browser, live_server.url, guard, locale="en-US")
    yield context
    context.close()


@pytest.fixture
def page(context, guard, request):
    page = context.new_page()
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.screenshot(path=str(artifacts / f"{request.node.name}.png"))
    guard.check()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
