"""Manifest, service worker and the list of what it saves for offline use."""

from __future__ import annotations

import json
import re
import shutil
import wave
from pathlib import Path

import pytest

from tests.support import make_app
from web.public.pwa import tile_pattern


def test_manifest_makes_the_guide_installable(client, app):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "Small test walk"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            data = served.get_data()
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(data[16:20], "big")
            assert icon["sizes"] == f"{width}x{width}"
        served.close()


def test_manifest_speaks_the_visitors_language(client):
    manifest = client.get("/manifest.webmanifest?lang=ru").get_json()
    assert manifest["name"] == "Короткая тестовая прогулка"
    assert manifest["lang"] == "ru"


def test_every_page_links_the_manifest_and_the_worker(client):
    for path in (
        "/tours/small/",
        "/tours/small/about",
        "/tours/small/walk",
        "/tours/small/stops/middle",
    ):
        html = client.get(path).get_data(as_text=True)
        assert 'rel="manifest" href="/manifest.webmanifest"' in html, path
        assert re.search(r'data-sw="/sw\.js\?v=[0-9a-f]{12}"', html), path


def test_service_worker_is_served_from_the_root_and_never_stale(client):
    response = client.get("/sw.js?v=abc")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    assert b'addEventListener("fetch"' in response.get_data()
    response.close()


def test_everything_the_worker_saves_exists(client):
    config = client.get("/sw-config.json").get_json()
    assert config["languages"] == ["en", "ru"]
    for url in config["precache"]:
        response = client.get(url)
        assert response.status_code == 200, url
        response.close()


def test_worker_saves_each_page_and_the_gpx_in_both_languages(client):
    config = client.get("/sw-config.json").get_json()
    precache = set(config["precache"])
    for page in (
        "/tours/small/",
        "/tours/small/about",
        "/tours/small/walk",
        "/tours/small/stops/start",
        "/tours/small/stops/finish",
        "/tours/small/tour.gpx",
    ):
        assert page in config["pages"]
        assert {f"{page}?lang=en", f"{page}?lang=ru"} <= precache
    assert {
        "/api/tours/small/route",
        "/api/tours/small/stops",
        "/api/tours/small/stops/middle",
    } <= precache
    plain = {url.split("?v=")[0] for url in precache}
    assert "/static/js/sw.js" not in plain
    assert "/static/js/walk.js" in plain
    assert {"/bundles/site.js", "/bundles/walk.js"} <= plain
    assert "/vendor/leaflet/leaflet.js" in plain
    # The arrival chime plays with no connection too.
    assert "/static/audio/chime.wav" in plain


def test_the_arrival_chime_is_a_short_small_wav():
    path = Path(__file__).parents[2] / "static" / "audio" / "chime.wav"
    with wave.open(str(path)) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert sound.getnchannels() == 1
    assert 0.2 <= seconds <= 1.5
    assert path.stat().st_size <= 40_000


def test_pages_say_their_language_for_the_worker(client):
    assert (
        client.get("/tours/small/stops/middle?lang=ru").headers["Content-Language"]
        == "ru"
    )
    assert (
        client.get("/tours/small/tour.gpx?lang=en").headers["Content-Language"] == "en"
    )
    assert "Content-Language" not in client.get("/api/tours/small/stops").headers


def test_tile_cache_bound_is_a_setting(tmp_path, tour_dir):
    app = make_app(tmp_path, TOUR_DATA=str(tour_dir.parent), TILE_CACHE_MAX_MB=12)
    config = app.test_client().get("/sw-config.json").get_json()
    assert config["tile_max_bytes"] == 12 * 1024 * 1024


def version_of(tour_dir: Path, **settings) -> str:
    app = make_app(tour_dir.parent, TOUR_DATA=str(tour_dir.parent), **settings)
    return str(app.test_client().get("/sw-config.json").get_json()["version"])


def test_cache_version_follows_the_data_and_settings(tmp_path, tour_dir):
    first = version_of(tour_dir)
    assert first == version_of(tour_dir)
    changed = tmp_path / "changed" / "small"
    shutil.copytree(tour_dir, changed)
    meta = json.loads((changed / "tour.json").read_text(encoding="utf-8"))
    meta["title"]["en"] = "Small test walk, revised"
    (changed / "tour.json").write_text(json.dumps(meta), encoding="utf-8")
    assert version_of(changed) != first
    assert version_of(tour_dir, TILE_URL="https://tiles.example/{z}/{x}/{y}.png") != (
        first
    )


@pytest.mark.parametrize(
    ("template", "url", "matches"),
    [
        (
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "https://tile.openstreetmap.org/15/23170/12055.png",
            True,
        ),
        (
            "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "https://tile.openstreetmap.org/15/23170/12055.png?x=1",
            False,
        ),
        (
            "https://{s}.tiles.example/{z}/{x}/{y}{r}.png",
            "https://b.tiles.example/3/1/2@2x.png",
            True,
        ),
        ("/tiles/{z}/{x}/{y}.png", "/tiles/1/2/3.png", True),
        ("/tiles/{z}/{x}/{y}.png", "/tiles/a/2/3.png", False),
    ],
)
def test_tile_pattern(template, url, matches):
    assert bool(re.match(tile_pattern(template), url)) is matches
