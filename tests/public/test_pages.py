"""Pages for people: content, languages, friendly errors, no CDN, compression."""

from __future__ import annotations

import re

import pytest

PAGES = [
    "/tours/small/",
    "/tours/small/stops/start",
    "/tours/small/stops/middle",
    "/tours/small/stops/finish",
    "/tours/small/about",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_has_title_description_lang_and_zoomable_viewport(client, url):
    html = client.get(url).get_data(as_text=True)
    assert re.search(r"<title>[^<]+</title>", html)
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert '<html lang="en"' in html
    assert "user-scalable=no" not in html
    assert "maximum-scale" not in html


@pytest.mark.parametrize("url", PAGES)
def test_page_loads_nothing_from_outside(client, url):
    html = client.get(url).get_data(as_text=True)
    outside = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    # Only links people follow (sources, OSM copyright) may point outside.
    assert not [u for u in outside if re.search(r"\.(js|css|woff2?)(\?|$)", u)]
    assert not re.findall(r'<script[^>]+src="https?://', html)
    assert not re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="https?://', html)


def test_map_lists_stops_in_order_with_legs_and_totals(client):
    html = client.get("/tours/small/").get_data(as_text=True)
    positions = [
        html.index(f'id="stop-{stop_id}"') for stop_id in ("start", "middle", "finish")
    ]
    assert positions == sorted(positions)
    assert html.count('class="leg-info"') == 2
    assert "In all" in html


def test_stop_page_tells_story_sources_position_and_neighbours(client):
    html = client.get("/tours/small/stops/middle").get_data(as_text=True)
    assert "First paragraph about Middle" in html
    assert 'href="https://example.org/source"' in html
    assert "±300 m" in html
    assert 'rel="prev" href="/tours/small/stops/start"' in html
    assert 'rel="next" href="/tours/small/stops/finish"' in html
    assert "From Start:" in html


def test_names_are_escaped(client):
    html = client.get("/tours/small/stops/middle").get_data(as_text=True)
    assert "Middle <b>" not in html
    assert "Middle &lt;b&gt;" in html


def test_russian_by_query_sticks_by_cookie(client):
    html = client.get("/tours/small/stops/middle?lang=ru").get_data(as_text=True)
    assert '<html lang="ru"' in html
    assert "Первый абзац про Середина" in html
    assert "Остановка 1 из 2" in html
    again = client.get("/tours/small/about").get_data(as_text=True)
    assert '<html lang="ru"' in again


def test_accept_language_picks_russian(client):
    response = client.get(
        "/tours/small/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
    )
    assert '<html lang="ru"' in response.get_data(as_text=True)


def test_unknown_language_falls_back_to_english(client):
    html = client.get("/tours/small/?lang=xx").get_data(as_text=True)
    assert '<html lang="en"' in html


def test_unknown_stop_is_a_friendly_404_page(client):
    response = client.get("/tours/small/stops/nowhere")
    assert response.status_code == 404
    assert "text/html" in response.content_type
    assert "Back to the map" in response.get_data(as_text=True)


def test_unexpected_error_is_a_friendly_500(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)
    assert "Something went wrong" in response.get_data(as_text=True)


def test_pages_are_compressed(client):
    response = client.get("/tours/small/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_leaflet_is_served_locally(client):
    response = client.get("/vendor/leaflet/leaflet.js")
    assert response.status_code == 200
    assert b"Leaflet" in response.data[:500]
    assert client.get("/vendor/nothing/x.js").status_code == 404


def test_favicon_is_served(client):
    assert client.get("/favicon.ico").status_code == 200


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("+996 (0) 559 336 001", "tel:+996559336001"),
        ("+996 559-336-001", "tel:+996559336001"),
        ("0559 336 001", "tel:0559336001"),
    ],
)
def test_phone_numbers_become_tel_links(written, href):
    from web import tel_href

    assert tel_href(written) == href


def test_about_page_links_the_phone(client):
    html = client.get("/tours/small/about").get_data(as_text=True)
    assert 'href="tel:+996559336001"' in html
