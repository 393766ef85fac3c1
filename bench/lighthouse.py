"""Lighthouse (mobile) on the public pages: performance, CLS and accessibility.

Usage: LIGHTHOUSE=/path/to/node_modules/.bin/lighthouse \\
       .venv/bin/python bench/lighthouse.py [--runs N] [/ /walk ...]

Lighthouse is not a dependency of the guide: install it outside the repository
(``npm i -E lighthouse@12.2.3`` in a scratch folder) and point LIGHTHOUSE at it.
Starts the guide with gunicorn (two workers, a fresh database with one tour
date) and runs Lighthouse's default mobile profile against Debian's Chromium
(CHROME_PATH, default /usr/bin/chromium). Map tiles come from a local URL that
answers 404, so that nothing leaves the machine; they are not part of the page.
Each page is measured N times (default 3) and judged by its median run, as
Lighthouse's own advice on variance says; the range is printed beside it.
Targets: performance >= 97, CLS <= 0.02, accessibility 100. Exits non-zero
when a page's median misses one.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from tests.booking_support import add_date  # noqa: E402
from tests.live_server import LiveServer  # noqa: E402

PAGES = [
    "/tours/interhelpo/",
    "/tours/interhelpo/walk",
    "/tours/interhelpo/stops/pishpek-station",
    "/tours/interhelpo/about",
    "/tours/interhelpo/dates",
]
MIN_PERFORMANCE = 97
MAX_CLS = 0.02
MIN_ACCESSIBILITY = 100


def run_lighthouse(binary: str, url: str, out: Path) -> dict[str, float]:
    env = {
        **os.environ,
        "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
    }
    command = [
        binary,
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    try:
        subprocess.run(command, check=True, env=env)
    except subprocess.CalledProcessError:
        # Chromium now and then fails to start under Lighthouse: once more.
        subprocess.run(command, check=True, env=env)
    report = json.loads(out.read_text())
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
    }


def median_run(runs: list[dict[str, float]]) -> dict[str, float]:
    """The run whose performance score is the median (the middle one of an odd
    number, the lower middle of an even number), whole: its CLS and TBT with it."""
    ordered = sorted(runs, key=lambda run: run["performance"])
    return ordered[(len(ordered) - 1) // 2]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page")
    parser.add_argument("paths", nargs="*", default=PAGES)
    args = parser.parse_args(argv)
    binary = os.environ.get("LIGHTHOUSE")
    if not binary:
        sys.exit("set LIGHTHOUSE to the lighthouse binary (see the docstring)")
    folder = Path(tempfile.mkdtemp())
    server = LiveServer(
        folder, {"FLASK_TILE_URL": "/no-tiles/{z}/{x}/{y}.png"}, workers=2
    ).start()
    missed = 0
    try:
        from app import create_app

        # Only to put a date in the server's database: a key of its own, random.
        app = create_app(
            {
                "DATABASE": str(folder / "guide.sqlite3"),
                "SECRET_KEY": secrets.token_hex(32),
                "PUBLIC_URL": server.url,
            }
        )
        add_date(app, capacity=12, days=4, seats_taken=5)
        out = Path(os.environ.get("LIGHTHOUSE_OUT", folder))
        for path in args.paths:
            name = path.strip("/").replace("/", "-") or "home"
            runs = [
                run_lighthouse(binary, server.url + path, out / f"lh-{name}-{i}.json")
                for i in range(args.runs)
            ]
            scores = median_run(runs)
            ok = (
                scores["performance"] >= MIN_PERFORMANCE
                and scores["cls"] <= MAX_CLS
                and scores["accessibility"] >= MIN_ACCESSIBILITY
            )
            missed += not ok
            every = "/".join(f"{run['performance']:.0f}" for run in runs)
            print(
                f"{path:28} performance {scores['performance']:3.0f} (runs {every})"
                f"  CLS {scores['cls']:.3f}"
                f"  accessibility {scores['accessibility']:3.0f}"
                f"  (FCP {scores['fcp_ms']:.0f} ms, LCP {scores['lcp_ms']:.0f} ms,"
                f" TBT {scores['tbt_ms']:.0f} ms) {'ok' if ok else 'MISSED'}",
                flush=True,
            )
    finally:
        server.stop()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
