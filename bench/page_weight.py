"""What a phone downloads for a page: compressed bytes and requests, tiles apart.

Usage: .venv/bin/python bench/page_weight.py [/ /stops/pishpek-station ...]
Starts the guide with `flask run`, loads each page in Debian's Chromium at 390x844,
and sums the encoded (on-the-wire) body sizes of every response from the app.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))  # conftest imports tests.live_server
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from conftest import CHROMIUM  # noqa: E402
from conftest import CHROMIUM_ARGS  # noqa: E402
from conftest import PHONE  # noqa: E402
from conftest import Guard  # noqa: E402
from conftest import LiveServer  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

BUDGET_BYTES = 150 * 1024
BUDGET_REQUESTS = 15


def measure(page, url: str) -> tuple[int, int, int]:
    """Return (bytes, requests, tiles) for one cold page load."""
    page.goto(url, wait_until="networkidle")
    entries = page.evaluate(
        """() => [performance.getEntriesByType('navigation')[0],
                  ...performance.getEntriesByType('resource')]
                 .map(e => ({name: e.name, size: e.encodedBodySize + 0,
                             transfer: e.transferSize + 0}))"""
    )
    own = [e for e in entries if "tile" not in e["name"]]
    tiles = len(entries) - len(own)
    # transferSize includes headers; report the larger, honest figure.
    return sum(max(e["size"], e["transfer"]) for e in own), len(own), tiles


def main(urls: list[str]) -> int:
    server = LiveServer(Path(tempfile.mkdtemp())).start()
    over = 0
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            for url in urls:
                guard = Guard()
                context = browser.new_context(base_url=server.url, **PHONE)
                # Tiles: a blank PNG, as in the tests; nothing leaves the machine.
                context.route("**/*", guard.route)
                size, requests, tiles = measure(context.new_page(), url)
                context.close()
                ok = size <= BUDGET_BYTES and requests <= BUDGET_REQUESTS
                over += not ok
                print(
                    f"{url:32} {size / 1024:7.1f} KB {requests:3d} requests"
                    f" (+{tiles} tiles)  {'ok' if ok else 'OVER BUDGET'}"
                )
            browser.close()
    finally:
        server.stop()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(
        main(
            sys.argv[1:]
            or [
                "/tours/interhelpo/",
                "/tours/interhelpo/stops/pishpek-station",
                "/tours/interhelpo/about",
            ]
        )
    )
