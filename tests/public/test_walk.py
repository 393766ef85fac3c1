"""The walk page as the server renders it: data for the script, stories, settings."""

from __future__ import annotations

import json
import re

from tests.support import make_app
from web.public.share import map_links


def json_block(html: str, block_id: str):
    match = re.search(
        rf'<script type="application/json" id="{block_id}">(.*?)</script>', html, re.S
    )
    assert match, block_id
    return json.loads(match.group(1))


def test_walk_page_carries_the_plan_but_no_story_text_in_its_data(client):
    html = client.get("/tours/small/walk").get_data(as_text=True)
    data = json_block(html, "walk-data")
    assert [stop["id"] for stop in data["stops"]] == ["start", "middle", "finish"]
    assert [(leg["from"], leg["to"]) for leg in data["legs"]] == [
        ("start", "middle"),
        ("middle", "finish"),
    ]
    assert data["tour"]["walking_speed_kmh"] == 4.0
    assert all(stop["radius_m"] > 0 and stop["dwell_min"] > 0 for stop in data["stops"])
    assert "narrative" not in json.dumps(data)
    assert data["area"] is None  # no bulk tile download unless the operator allows it


def test_walk_page_holds_every_story_in_the_page_language(client):
    html = client.get("/tours/small/walk?lang=ru").get_data(as_text=True)
    assert html.count('class="walk-story-item story"') == 3
    strings = json_block(html, "walk-i18n")
    assert strings["gps_denied"].startswith("Для этого сайта геолокация выключена")
    assert strings["arrived"] == "Вы пришли к остановке %(n)s: %(name)s."


def test_walk_page_scripts_live_in_static_files(client):
    html = client.get("/tours/small/walk").get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    for attributes, _body in inline:
        # Only data blocks are inline; the map's script is a file too.
        assert 'type="application/json"' in attributes
    map_script = r'<script src="/tours/small/maps/tour\.js\?lang=en&amp;v=\w+" defer>'
    assert re.search(map_script, html)
    # walk.js and its neighbours come in the walk's bundle (web/public/assets.py).
    assert re.search(r'<script src="/bundles/walk\.js\?v=[0-9a-f]{12}" defer>', html)


def test_tour_area_action_only_when_bulk_downloads_are_allowed(tmp_path, tour_dir):
    app = make_app(
        tmp_path,
        TOUR_DATA=str(tour_dir.parent),
        TILES_ALLOW_BULK=True,
        TILE_URL="https://{s}.tiles.example/{z}/{x}/{y}.png",
    )
    html = app.test_client().get("/tours/small/walk").get_data(as_text=True)
    assert "Make the tour area available offline" in html
    area = json_block(html, "walk-data")["area"]
    assert area["tile_url"] == "https://{s}.tiles.example/{z}/{x}/{y}.png"
    assert area["subdomains"] == "abc"
    assert area["zooms"] == [14, 15, 16, 17, 18]


def test_no_tour_area_action_by_default(client):
    assert "Make the tour area available offline" not in client.get(
        "/tours/small/walk"
    ).get_data(as_text=True)


def test_map_page_offers_to_start_the_walk(client):
    html = client.get("/tours/small/").get_data(as_text=True)
    assert (
        '<a class="button button--walk" id="start-own" href="/tours/small/walk">'
        "Start the walk on your own</a>"
    ) in html


def test_stop_page_has_listen_share_and_directions(client):
    html = client.get("/tours/small/stops/middle").get_data(as_text=True)
    assert "data-listen-play" in html
    assert 'href="/tours/small/walk?stop=middle"' in html
    assert 'data-url="http://localhost/tours/small/stops/middle"' in html
    stop = json_block(
        client.get("/tours/small/walk").get_data(as_text=True), "walk-data"
    )["stops"][1]
    for link in map_links(stop["lat"], stop["lon"], stop["name"]):
        assert f'href="{link["href"].replace("&", "&amp;")}"' in html


def test_sunlight_mode_is_rendered_from_its_cookie(client):
    assert 'class="sunlight"' not in client.get("/tours/small/").get_data(as_text=True)
    client.set_cookie("display", "sunlight")
    assert '<html lang="en" class="sunlight"' in client.get("/tours/small/").get_data(
        as_text=True
    )
