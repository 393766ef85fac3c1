"""Hand the walk over: links that open a place in navigation apps, and a QR code."""

from __future__ import annotations

import functools
import io
from urllib.parse import quote
from urllib.parse import urlencode

import segno
from flask import Flask
from flask_babel import gettext as _
from markupsafe import Markup

from web.services.links import external_url


def init_app(app: Flask) -> None:
    """Make the helpers available in templates."""
    app.jinja_env.globals.update(map_links=map_links, tour_qr_svg=tour_qr_svg)


def map_links(lat: float, lon: float, name: str) -> list[dict[str, str]]:
    """Links that open the way to a point in the phone's navigation apps.

    Examples
    --------
    >>> [link["app"] for link in map_links(42.87766, 74.55826, "Corner")]
    ['geo', 'google', 'osmand', 'organic']
    >>> map_links(42.87766, 74.55826, "A & B")[0]["href"]
    'geo:42.87766,74.55826?q=42.87766,74.55826(A%20%26%20B)'
    """
    ll = f"{lat:.5f},{lon:.5f}"
    google = urlencode({"api": 1, "destination": ll, "travelmode": "walking"})
    organic = urlencode({"v": 1, "ll": ll, "n": name}, quote_via=quote)
    return [
        {
            # geo: opens whichever map app the phone uses by default.
            "app": "geo",
            "label": _("Phone's map app"),
            "href": f"geo:{ll}?q={ll}({quote(name)})",
        },
        {
            "app": "google",
            "label": "Google Maps",
            "href": f"https://www.google.com/maps/dir/?{google}",
        },
        {
            "app": "osmand",
            "label": "OsmAnd",
            "href": f"https://osmand.net/map?pin={ll}#17/{lat:.5f}/{lon:.5f}",
        },
        {"app": "organic", "label": "Organic Maps", "href": f"om://map?{organic}"},
    ]


# One entry per address: with PUBLIC_URL set there is one; bounded all the same.
QR_CACHE_SIZE = 8


def tour_qr_svg() -> Markup:
    """The tour's address as a QR code, an inline SVG that prints sharply."""
    return tour_qr_svg_for(external_url("pages.index"))


@functools.lru_cache(maxsize=QR_CACHE_SIZE)
def tour_qr_svg_for(url: str) -> Markup:
    """The QR code of ``url``, drawn once."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer,
        kind="svg",
        scale=6,
        dark="#000",
        light="#fff",
        border=4,
        xmldecl=False,
        svgns=True,
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title=None,
    )
    svg = buffer.getvalue().decode()
    svg = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-caption" ', 1)
    return Markup(svg)
