"""A small map of event venues: one circle marker per venue with a known position."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import folium

from geo.mapping import MapAssets
from geo.mapping import StringPopup
from geo.mapping import base_map
from geo.mapping import bounds


@dataclass(frozen=True)
class Venue:
    """A pin: ``(lat, lon)`` and the text of its popup (plain text, escaped here)."""

    latlon: tuple[float, float]
    label: str


def build_venue_map(
    venues: Sequence[Venue], *, assets: MapAssets, tile_url: str, attribution: str
) -> folium.Map:
    """Draw the venues and fit the map to them.

    Parameters
    ----------
    venues
        At least one venue.
    assets
        Local URLs of Leaflet's files.
    tile_url
        The tile server template.
    attribution
        Map data credit.

    Returns
    -------
    folium.Map
        The map, not yet rendered.

    Examples
    --------
    >>> assets = MapAssets(js=(("leaflet", "/l.js"),), css=())
    >>> fmap = build_venue_map([Venue((42.87, 74.59), "<b>Hall</b>")], assets=assets,
    ...                        tile_url="/t/{z}/{x}/{y}.png", attribution="OSM")
    >>> html_text = fmap.get_root().render()
    >>> "Hall" in html_text, "<b>Hall" in html_text
    (True, False)
    """
    fmap = base_map(
        list(venues[0].latlon),
        15,
        assets=assets,
        tile_url=tile_url,
        attribution=attribution,
        fitted=len(venues) > 1,
    )
    for venue in venues:
        marker = folium.CircleMarker(
            location=list(venue.latlon),
            radius=9,
            color="#1d1d6b",
            weight=3,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=1,
        )
        StringPopup(html.escape(venue.label)).add_to(marker)
        marker.add_to(fmap)
    if len(venues) > 1:
        fmap.fit_bounds(bounds([v.latlon for v in venues]), padding=(24, 24))
    return fmap
