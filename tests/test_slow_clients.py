"""Slow clients cannot starve the site: gunicorn as ``scripts/start.sh`` runs it
(``gunicorn.conf.py``) keeps answering while 50 connections dribble half a
request each (slowloris)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request

import pytest

from tests.live_server import ROOT
from tests.live_server import LiveServer

SLOW_SOCKETS = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("slow"), workers=2).start()
    yield server
    server.stop()


def dribble(port: int, stop: threading.Event, opened: list[socket.socket]) -> None:
    """Hold SLOW_SOCKETS connections, each sending a header byte now and then."""
    for _ in range(SLOW_SOCKETS):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        conn.sendall(b"GET /api/tour HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        opened.append(conn)
    while not stop.wait(0.5):
        for conn in list(opened):
            try:
                conn.sendall(b"a")
            except OSError:
                opened.remove(conn)  # the server let it go: that is fine


def fetch_s(url: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        response.read()
    return time.monotonic() - started


def test_start_script_serves_with_the_config_file():
    start = (ROOT / "scripts" / "start.sh").read_text()
    assert "--config gunicorn.conf.py" in start
    config = (ROOT / "gunicorn.conf.py").read_text()
    assert 'worker_class = "web.services.serving.BufferingThreadWorker"' in config


def test_the_site_answers_while_slow_clients_hold_connections(server):
    stop = threading.Event()
    opened: list[socket.socket] = []
    holder = threading.Thread(target=dribble, args=(server.port, stop, opened))
    holder.start()
    try:
        deadline = time.monotonic() + 10
        while len(opened) < SLOW_SOCKETS and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(opened) == SLOW_SOCKETS
        time.sleep(1)  # every slow connection has been accepted by now
        times = [fetch_s(server.url + "/api/tour") for _ in range(5)]
        assert len(opened) > SLOW_SOCKETS // 2  # still held while we asked
    finally:
        stop.set()
        holder.join()
        for conn in opened:
            conn.close()
    # Best of five: the machine may be busy, a starved server is not just slow.
    assert min(times) < 1.0, times


def test_malformed_requests_leave_no_client_address_in_the_log(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(b"GET /\x00 HTTP/9.9\r\n\r\n")
        assert conn.recv(100).startswith(b"HTTP/1.1 400")
    time.sleep(0.5)
    log = server.log.read_text()
    assert "Invalid request from ip=<address>" in log
    assert "127.0.0.1" not in log.replace(f"127.0.0.1:{server.port}", "")
