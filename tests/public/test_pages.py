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
    assert "within about 300 m of here" in html
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


def test_position_note_is_one_sentence_with_the_basis_behind_a_toggle(client):
    html = client.get("/tours/small/stops/middle").get_data(as_text=True)
    start = html.index('class="position-note')
    note = html[start : html.index("</details>", start)]
    assert (
        "<p>The exact spot is not known; it was within about 300 m of here.</p>" in note
    )
    assert re.search(r"<summary>How we know</summary>\s*<p>test basis</p>", note)
    firm = client.get("/tours/small/stops/finish").get_data(as_text=True)
    assert "This is the spot, to within about 15 m." in firm


def test_stop_page_opens_with_a_small_map_of_the_stop(client):
    html = client.get("/tours/small/stops/middle").get_data(as_text=True)
    assert html.index('id="stop-map"') < html.index("<h1>")
    data = re.search(
        r'<script type="application/json" id="stop-map-data">(.*?)</script>', html, re.S
    )
    assert data is not None
    import json

    stop_map = json.loads(data.group(1))
    assert stop_map["label"] == "1"
    assert stop_map["estimate"] is True and stop_map["error_m"] == 300
    assert stop_map["tile_url"] == "/tiles/{z}/{x}/{y}.png"


@pytest.mark.parametrize(
    "url", ["/tours/small/", "/tours/small/about", "/tours/small/walk"]
)
def test_leaflet_loads_after_the_content_not_in_the_head(client, url):
    html = client.get(url).get_data(as_text=True)
    head = html[: html.index("</head>")]
    assert "leaflet.js" not in head
    assert "leaflet.css" in head  # styles first: the map box keeps its size
    script = html.index("/vendor/leaflet/leaflet.js")
    # The map script (a file of its own, /maps/...) comes after Leaflet.
    assert (
        html.index("</main>") < script < html.index('<script src="/tours/small/maps/')
    )
    # Both deferred: the page paints before they have arrived.
    assert re.search(r'<script src="/vendor/leaflet/leaflet\.js\?v=\w+" defer>', html)
    assert re.search(r'<script src="/tours/small/maps/\w+\.js\?[^"]+" defer>', html)


def test_a_source_known_only_by_name_is_listed_without_a_link(real_client):
    html = real_client.get("/tours/interhelpo/stops/osh-bazaar").get_data(as_text=True)
    sources = html.split('id="sources-heading"', 1)[1].split("</section>")[0]
    unlinked = '<span class="source-unlinked" translate="no">vb.kg (Vecherny Bishkek)'
    assert f"{unlinked}, article 455057" in sources
    assert '<a href="None"' not in sources and 'href=""' not in sources
