"""`flask tour build-route` and `flask tour fetch-streets` (against a local server)."""

from __future__ import annotations

import json
import math
import os
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from geo.distance import haversine_m
from geo.loader import load_tour
from tests.support import make_app
from web.services.routing import base_street_files

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
SMALL_STREETS = DATA / "streets_small_tour.osm"


def _distance_to_path_m(point, coords) -> float:
    """Metres from a point to a polyline, in a plane fitted at the point."""
    lon0, lat0 = point
    kx = math.cos(math.radians(lat0))

    def plane(lonlat):
        return ((lonlat[0] - lon0) * kx, lonlat[1] - lat0)

    best = math.inf
    for a, b in zip(coords, coords[1:], strict=False):
        (ax, ay), (bx, by) = plane(a), plane(b)
        dx, dy = bx - ax, by - ay
        t = (
            0.0
            if dx == dy == 0
            else max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        )
        foot = (lon0 + (ax + t * dx) / kx, lat0 + ay + t * dy)
        best = min(best, haversine_m(point, foot))
    return best


def test_build_route_writes_legs_the_loader_accepts(app, runner, tour_dir):
    result = runner.invoke(args=["tour", "build-route", "--osm", str(SMALL_STREETS)])
    assert result.exit_code == 0, result.output
    assert "start -> middle" in result.output and "Total" in result.output
    data = json.loads((tour_dir / "route.geojson").read_text(encoding="utf-8"))
    assert data["generated_by"] == "flask tour build-route"
    assert data["street_files"] == ["streets_small_tour.osm"]
    tour = load_tour(tour_dir)
    assert [leg.to_id for leg in tour.legs] == ["middle", "finish"]
    assert tour.legs[1].approximate and not tour.legs[0].approximate


def test_build_route_computes_the_walks_the_texts_ask_for(tmp_path, tour_dir):
    meta_path = tour_dir / "tour.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["meeting_directions"]["en"] = "{walk-time:start:middle:finish} on foot."
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent))
    result = app.test_cli_runner().invoke(
        args=["tour", "build-route", "--osm", str(SMALL_STREETS)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tour_dir / "route.geojson").read_text(encoding="utf-8"))
    legs_m = sum(leg["properties"]["length_m"] for leg in data["features"])
    # A walk through every stop in order is the route itself.
    assert data["walks"] == [
        {"via": ["start", "middle", "finish"], "length_m": pytest.approx(legs_m)}
    ]
    tour = load_tour(tour_dir)
    assert tour.walks_m == {("start", "middle", "finish"): pytest.approx(legs_m)}


def test_build_route_without_street_data_says_what_to_do(tmp_path, tour_dir):
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent))
    result = app.test_cli_runner().invoke(args=["tour", "build-route"])
    assert result.exit_code == 1
    assert "No street data" in result.output and "fetch-streets" in result.output
    assert not (tour_dir / "route.geojson").exists()


def test_build_route_with_a_broken_street_file(runner, tmp_path):
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><way")
    result = runner.invoke(args=["tour", "build-route", "--osm", str(broken)])
    assert result.exit_code == 1
    assert "not readable as OSM XML" in result.output


def test_the_shipped_route_passes_every_stop(real_app):
    tour = real_app.extensions["tour"]
    for leg in tour.legs:
        for stop_id in (leg.from_id, leg.to_id):
            stop = tour.stop(stop_id)
            assert _distance_to_path_m(stop.lonlat, leg.coords) <= 10, stop_id


def test_regenerated_route_passes_every_stop(district_app, tmp_path):
    output = tmp_path / "route.geojson"
    result = district_app.test_cli_runner().invoke(
        args=["tour", "build-route", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["street_files"] == [
        "bishkek_west_arterials_skeleton.osm",
        "connectors.osm",
    ]
    tour = district_app.extensions["tour"]
    for feature in data["features"]:
        coords = [tuple(point) for point in feature["geometry"]["coordinates"]]
        for key in ("from", "to"):
            stop = tour.stop(feature["properties"][key])
            assert _distance_to_path_m(stop.lonlat, coords) <= 10, stop.id
    # Every leg is longer than the straight line between its stops.
    for feature in data["features"]:
        props = feature["properties"]
        start, end = tour.stop(props["from"]), tour.stop(props["to"])
        assert props["length_m"] >= haversine_m(start.lonlat, end.lonlat) - 0.1


def test_street_files_prefer_config_then_fetched_then_shared(app, tmp_path):
    app.config["STREET_FILES"] = f"{tmp_path / 'a.osm'}{os.pathsep}{tmp_path / 'b.osm'}"
    assert base_street_files(app) == [tmp_path / "a.osm", tmp_path / "b.osm"]
    app.config["STREET_FILES"] = []
    assert base_street_files(app) == []


def test_router_falls_back_to_the_tour_path_without_streets(tmp_path, tour_dir):
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent))
    router = app.extensions["router"]
    assert router.source == "tour-path"
    route = router.route((74.5600, 42.8790), (74.57, 42.875))
    assert route.source == "tour-path"
    assert route.approximate_m > 100  # the straight connector onto the path


def test_router_survives_a_broken_street_file(tour_dir, tmp_path, caplog):
    from tests.support import make_app

    broken = tmp_path / "broken.osm"
    broken.write_text("not xml")
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent), STREET_FILES=[str(broken)])
    assert app.extensions["router"].source == "tour-path"
    assert "street data unusable" in caplog.text


# --- fetch-streets, against a server on 127.0.0.1 that answers like Overpass ---


class _Overpass(BaseHTTPRequestHandler):
    behaviour = "ok"
    queries: list[str] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).queries.append(urllib.parse.parse_qs(body.decode())["data"][0])
        if self.behaviour == "slow":
            time.sleep(1.5)
        if self.behaviour == "busy":
            self.send_error(429, "Too Many Requests")
            return
        payload = {
            "ok": (DATA / "walk_motorway_private_steps.osm").read_bytes(),
            "slow": b"<osm/>",
            "html": b"<html><body>Error</body></html>",
            "empty": b"<osm><remark>runtime error: timeout</remark></osm>",
        }[self.behaviour]
        self.send_response(200)
        self.send_header("Content-Type", "application/osm3s+xml")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def overpass():
    handler = type("Handler", (_Overpass,), {"queries": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_port}/api/interpreter"
    server.shutdown()
    server.server_close()


def _fetch(runner, url, output, *extra):
    args = ["tour", "fetch-streets", "--url", url, "--output", str(output), *extra]
    return runner.invoke(args=args)


def test_fetch_streets_saves_the_walkable_ways(runner, overpass, tmp_path):
    handler, url = overpass
    output = tmp_path / "instance" / "streets.osm"
    result = _fetch(runner, url, output)
    assert result.exit_code == 0, result.output
    assert "received" in result.output
    assert "Saved 4 walkable ways" in result.output
    assert (
        output.read_bytes() == (DATA / "walk_motorway_private_steps.osm").read_bytes()
    )
    (query,) = handler.queries
    assert 'way["highway"~"^(' in query and "steps" in query
    south, west, north, east = map(float, query.split("](")[1].split(")")[0].split(","))
    assert south < 42.875 < north and west < 74.558 < east  # the tour plus a margin


def test_fetch_streets_offline(runner, tmp_path):
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    output = tmp_path / "streets.osm"
    result = _fetch(runner, f"http://127.0.0.1:{port}/api/interpreter", output)
    assert result.exit_code == 1
    assert "Could not reach" in result.output and "offline" in result.output
    assert "--osm FILE" in result.output
    assert not output.exists()


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("busy", "HTTP 429"),
        ("slow", "did not answer within 0.5 s"),
        ("html", "did not answer with OSM XML"),
        ("empty", "no walkable way"),
    ],
)
def test_fetch_streets_failures_keep_the_old_file(
    runner, overpass, tmp_path, behaviour, message
):
    handler, url = overpass
    handler.behaviour = behaviour
    output = tmp_path / "streets.osm"
    output.write_text("old")
    result = _fetch(runner, url, output, "--timeout", "0.5")
    assert result.exit_code == 1
    assert message in result.output
    assert output.read_text() == "old"
    assert not list(tmp_path.glob("*.part"))
