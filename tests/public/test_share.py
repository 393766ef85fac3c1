"""Handing the walk over: navigation-app links and the printable QR code."""

from __future__ import annotations

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

from web.public.share import map_links


def links_by_app(lat, lon, name):
    return {link["app"]: link["href"] for link in map_links(lat, lon, name)}


def test_links_point_every_app_at_the_same_place():
    links = links_by_app(42.877663, 74.558261, "Meeting point: Intergelpo St")
    assert links["geo"] == (
        "geo:42.87766,74.55826?q=42.87766,74.55826(Meeting%20point%3A%20Intergelpo%20St)"
    )
    google = urlsplit(links["google"])
    assert google.netloc == "www.google.com"
    assert parse_qs(google.query) == {
        "api": ["1"],
        "destination": ["42.87766,74.55826"],
        "travelmode": ["walking"],
    }
    assert links["osmand"] == (
        "https://osmand.net/map?pin=42.87766,74.55826#17/42.87766/74.55826"
    )
    organic = urlsplit(links["organic"])
    assert organic.scheme == "om"
    assert parse_qs(organic.query) == {
        "v": ["1"],
        "ll": ["42.87766,74.55826"],
        "n": ["Meeting point: Intergelpo St"],
    }


def test_about_page_has_the_meeting_point_links_and_a_qr_code(client):
    html = client.get("/tours/small/about").get_data(as_text=True)
    assert "The way to the meeting point in a navigation app" in html
    assert 'href="geo:' in html
    svg = re.search(r"<svg [^>]*aria-labelledby=\"qr-caption\".*?</svg>", html, re.S)
    assert svg, "no QR code"
    assert 'role="img"' in svg.group(0) and 'aria-labelledby="qr-caption"' in svg.group(
        0
    )
    assert 'id="qr-caption"' in html
    assert "http://localhost/" in html


def test_qr_code_encodes_the_tour_address(app):
    segno = __import__("segno")
    with app.test_request_context("/tours/small/", base_url="https://walk.example.org"):
        from web.public.share import tour_qr_svg

        svg = str(tour_qr_svg())

    # The modules drawn are those of the tour's address, and of no other.
    def modules(url):
        buffer = __import__("io").BytesIO()
        segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=6)
        return re.findall(r' d="(M[^"]+)"', buffer.getvalue().decode())[-1]

    drawn = re.findall(r' d="(M[^"]+)"', svg)[-1]
    assert drawn == modules("https://walk.example.org/tours/small/")
    assert drawn != modules("https://walk.example.org/tours/small/walk")
