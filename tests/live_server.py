"""The guide in a subprocess, for tests that need a real server.

``flask run`` as people run it, or gunicorn with several worker processes (state
must then be shared). Import it as ``tests.live_server``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).parents[1]
# The district's streets, from the research folder beside the repository.
SKELETON = ROOT.parent / "shared" / "geodata" / "bishkek_west_arterials_skeleton.osm"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """The app in its own process group, ready once ``ready_path`` answers.

    ``workers=None`` runs ``flask run``; a number runs gunicorn with that many
    workers. ``env`` is added to this process's environment, less the names in
    ``without``; its log is ``<instance>/server-<port>.log``.
    """

    def __init__(
        self,
        instance: Path,
        env: Mapping[str, str] | None = None,
        *,
        workers: int | None = None,
        ready_path: str = "/api/tours",
        without: Iterable[str] = (),
        port: int | None = None,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        self.workers = workers
        self.ready_path = ready_path
        dropped = set(without)
        # The shell's FLASK_* settings stay out: the server runs on what tests say.
        self.env = {
            **{
                key: value
                for key, value in os.environ.items()
                if key not in dropped and not key.startswith("FLASK_")
            },
            "FLASK_SECRET_KEY": "browser-tests-secret-key",
            "FLASK_DATABASE": str(instance / "guide.sqlite3"),
            "FLASK_PUBLIC_URL": self.url,
            "FLASK_MEDIA_ROOT": str(instance / "media"),
            "FLASK_TOURS_FOLDER": str(instance / "imported-tours"),
            "FLASK_STREET_FILES": json.dumps(
                [str(SKELETON)] if SKELETON.is_file() else []
            ),
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.log = instance / f"server-{self.port}.log"

    def command(self) -> list[str]:
        if self.workers is None:
            return [sys.executable, "-m", "flask", "run", "--port", str(self.port)]
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "60",
            "app:create_app()",
        ]

    def start(self) -> LiveServer:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as one
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the server and every worker at once: no clean shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
