"""Requests per second of the map page and /walk against a bare Flask view, in one run.

Usage: .venv/bin/python bench/bench_pages.py [--duration 10] [--connections 16]

Starts one gunicorn with the settings of scripts/start.sh (two sync workers) serving
the guide and, under /__bare/, a bare Flask app answering a small JSON object; so
the three are measured by the same server, side by side, with ``wrk`` (Debian's
package, installed here when missing). Requests ask for brotli or gzip like a
browser. The target: the map page and /walk at >= 40 % of the bare view's rate.
Exits non-zero when a page misses it.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).parents[1]
TARGET_SHARE = 0.40
PAGES = {"map page": "/tours/interhelpo/", "walk": "/tours/interhelpo/walk"}
BARE = "/__bare/"
WORKERS = "2"  # as scripts/start.sh


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed and could not be installed")
    return found


def start_server(port: int, instance: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        # The guide refuses to start without a real key and its public address.
        "FLASK_SECRET_KEY": secrets.token_hex(32),
        "FLASK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "FLASK_DATABASE": str(instance / "guide.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--workers",
        WORKERS,
        "--bind",
        f"127.0.0.1:{port}",
        "bench.bench_wsgi:application",
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def wait_ready(base: str) -> None:
    for _ in range(240):
        try:
            for path in [*PAGES.values(), BARE]:
                urllib.request.urlopen(base + path, timeout=5).read()
            return
        except OSError:
            time.sleep(0.5)
    sys.exit("the server did not start")


def requests_per_second(
    wrk: str, url: str, duration: int, connections: int
) -> tuple[float, str]:
    output = subprocess.run(
        [
            wrk,
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "-H",
            "Accept-Encoding: br, gzip",
            "-H",
            "Accept-Language: en",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        sys.exit(f"{url}: {errors.group(1)} error responses\n{output}")
    return (float(match.group(1)) if match else 0.0), output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    args = parser.parse_args()
    wrk = ensure_wrk()
    port = 5600 + os.getpid() % 300
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(port, Path(folder))
        try:
            wait_ready(base)
            targets = {"bare Flask": BARE, **PAGES}
            rates: dict[str, list[float]] = {name: [] for name in targets}
            # Interleaved rounds: a neighbour's load on the machine hits all three.
            for _ in range(args.rounds):
                for name, path in targets.items():
                    rate, _ = requests_per_second(
                        wrk, base + path, args.duration, args.connections
                    )
                    rates[name].append(rate)
        finally:
            server.terminate()
            server.wait(timeout=30)
    bare = sum(rates["bare Flask"]) / len(rates["bare Flask"])
    print(f"gunicorn --workers {WORKERS}, wrk -t2 -c{args.connections}")
    print(f"{'bare Flask':>12}: {bare:8.0f} req/s")
    failed = 0
    for name in PAGES:
        rate = sum(rates[name]) / len(rates[name])
        share = rate / bare if bare else 0.0
        ok = share >= TARGET_SHARE
        failed += not ok
        print(
            f"{name:>12}: {rate:8.0f} req/s = {share:4.0%} of bare Flask"
            f" (target {TARGET_SHARE:.0%}) {'ok' if ok else 'BELOW TARGET'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
