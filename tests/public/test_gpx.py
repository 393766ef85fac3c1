"""GPX export: GPX 1.1, valid against the schema, read back by gpxpy and gpsbabel."""

from __future__ import annotations

import shutil
import subprocess

import gpxpy
import pytest

from geo.gpx import tour_to_gpx
from geo.gpx import tour_track


@pytest.fixture
def gpx_text(client):
    response = client.get("/tours/small/tour.gpx")
    assert response.status_code == 200
    assert response.mimetype == "application/gpx+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    assert ".gpx" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def test_gpx_reads_back(gpx_text, app):
    tour = app.extensions["tour"]
    gpx = gpxpy.parse(gpx_text)
    assert gpx.version == "1.1"
    assert [w.name for w in gpx.waypoints] == [
        f"{s.order}. {s.name['en']}" for s in tour.stops
    ]
    first = gpx.waypoints[0]
    assert (first.longitude, first.latitude) == pytest.approx(tour.stops[0].lonlat)
    assert first.link.endswith("/tours/small/stops/start")
    assert len(gpx.routes[0].points) == len(tour.stops)
    track = gpx.tracks[0].segments[0].points
    flat = [value for point in tour_track(tour) for value in point]
    assert [v for p in track for v in (p.longitude, p.latitude)] == pytest.approx(flat)


def test_gpx_is_valid_against_the_gpx_11_schema(gpx_text, gpx_schema):
    errors = list(gpx_schema.iter_errors(gpx_text))
    assert errors == []


def test_shipped_tour_gpx_is_valid(real_client, gpx_schema):
    text = real_client.get("/tours/interhelpo/tour.gpx?lang=ru").get_data(as_text=True)
    assert list(gpx_schema.iter_errors(text)) == []
    assert "Место встречи" in text or "Интергельпо" in text


def test_special_characters_survive(app):
    tour = app.extensions["tour"]
    text = tour_to_gpx(tour, "en", urls={}, home="https://example.org/?a=1&b=2")
    gpx = gpxpy.parse(text)
    assert '1. Middle <b>& "quoted"' in [w.name for w in gpx.waypoints]
    assert gpx.link == "https://example.org/?a=1&b=2"


@pytest.mark.skipif(shutil.which("gpsbabel") is None, reason="gpsbabel not installed")
def test_gpsbabel_reads_it(gpx_text, tmp_path):
    source = tmp_path / "tour.gpx"
    source.write_text(gpx_text, encoding="utf-8")
    out = tmp_path / "out.kml"
    subprocess.run(
        ["gpsbabel", "-i", "gpx", "-f", str(source), "-o", "kml", "-F", str(out)],
        check=True,
        capture_output=True,
    )
    assert "Start" in out.read_text(encoding="utf-8")
