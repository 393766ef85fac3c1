"""Build the Folium (Leaflet) map of the tour; (lon, lat) becomes (lat, lon) here."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import MacroElement
from folium.template import Template

from geo.distance import LonLat
from geo.tour import Stop
from geo.tour import Tour
from geo.tour import pick

# How many markers the map's script adds between pauses (see `Pause`).
MARKERS_PER_TASK = 4


@dataclass(frozen=True)
class MapAssets:
    """Where the page's Leaflet files are served from, by folium's asset names."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class MapParts:
    """A rendered map, split so that our own page template can place the pieces."""

    head: str
    body: str
    script: str
    # Leaflet's own <script src> tags: the page puts them just before ``script``,
    # at the end of the body, so that they do not hold up the first paint.
    libraries: str = ""


@dataclass(frozen=True)
class StopLink:
    """What a marker's popup shows and where its link goes."""

    url: str
    label: str


def latlon(point: LonLat) -> list[float]:
    """Turn ``(lon, lat)`` into folium's ``[lat, lon]``.

    Examples
    --------
    >>> latlon((74.55826, 42.87766))
    [42.87766, 74.55826]
    """
    return [point[1], point[0]]


class StringPopup(folium.Popup):
    """A popup whose HTML is handed to Leaflet as a string.

    folium's own Popup parses its HTML with jQuery; this one needs only Leaflet,
    which saves the page a 30 KB download.
    """

    _template = Template(
        """
        {{ this._parent.get_name() }}.bindPopup(
            {{ this.html_text|tojson }}, {{ this.options|tojavascript }});
        """
    )

    def __init__(self, html_text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.html_text = html_text


class Pause(MacroElement):
    """A point where the map's script lets the browser paint and answer taps.

    The script runs in one async function (`render_parts`): each part between
    pauses is a task of its own, so a slow phone never freezes for the whole map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        await pause();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Pause"


class FirstView(MacroElement):
    """Fit the map to ``bounds``, unless the page sets the first view itself.

    A page whose script knows better (the walk shows the leg ahead) defines
    ``window.tourMapView(map)`` returning true; the tiles are then fetched for
    that view only, not also for the whole tour first.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if (!(window.tourMapView && window.tourMapView({{ this.map.get_name() }}))) {
            {{ this.map.get_name() }}.fitBounds(
                {{ this.bounds|tojson }}, {{ this.options|tojavascript }});
        }
        {% endmacro %}
        """
    )

    def __init__(
        self, fmap: folium.Map, bounds: list[list[float]], padding_px: int
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FirstView"
        self.map = fmap
        self.bounds = bounds
        self.options = {"padding": [padding_px, padding_px]}


class TourRegistry(MacroElement):
    """Expose the map and its markers as ``window.tourMap`` for ``static/js``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.tourMap = {
            map: {{ this.map.get_name() }},
            markers: { {% for stop_id, marker in this.markers.items() %}
                {{ stop_id|tojson }}: {{ marker.get_name() }},{% endfor %} },
            legs: [{% for line in this.legs %}{{ line.get_name() }},{% endfor %}],
        };
        document.dispatchEvent(new CustomEvent("tourmap:ready"));
        {% endmacro %}
        """
    )

    def __init__(
        self, fmap: folium.Map, markers: Mapping[str, Any], legs: list[Any]
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TourRegistry"
        self.map = fmap
        self.markers = dict(markers)
        self.legs = legs


def build_map(
    tour: Tour,
    lang: str,
    *,
    assets: MapAssets,
    tile_url: str,
    links: Mapping[str, StopLink],
    zoom_start: int = 14,
) -> folium.Map:
    """Draw the stops in walking order, the walking path and the error circles.

    Parameters
    ----------
    tour
        The tour to draw.
    lang
        Language of the marker labels and popups.
    assets
        Local URLs of Leaflet's files, so that the page needs no CDN.
    tile_url
        The tile server template, ``{z}/{x}/{y}``.
    links
        Per stop id, the popup's link to the story.
    zoom_start
        The initial zoom; the map is then fitted to the tour.

    Returns
    -------
    folium.Map
        The map, not yet rendered.

    Examples
    --------
    >>> from geo.loader import load_tour
    >>> from pathlib import Path
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> links = {s.id: StopLink(f"/stops/{s.id}", "Story") for s in tour.stops}
    >>> assets = MapAssets(js=(("leaflet", "/l.js"),), css=())
    >>> fmap = build_map(tour, "en", assets=assets, tile_url="/t/{z}/{x}/{y}.png",
    ...                  links=links)
    >>> "L.polyline" in fmap.get_root().render()
    True
    """
    fmap = base_map(
        latlon(tour.stops[0].lonlat),
        zoom_start,
        assets=assets,
        tile_url=tile_url,
        attribution=tour.attribution,
        cross_origin=True,
        fitted=True,
    )
    # Fitted first, so that each layer is drawn as it is added, between pauses
    # (an unfitted map draws them all at once), and before the map is announced:
    # page scripts that set their own view on "tourmap:ready" keep it.
    Pause().add_to(fmap)
    FirstView(fmap, bounds([(s.lat, s.lon) for s in tour.stops]), 16).add_to(fmap)
    Pause().add_to(fmap)
    lines = [_leg_line(leg.coords, leg.approximate).add_to(fmap) for leg in tour.legs]
    for stop in tour.stops:
        if stop.position.quality == "estimate":
            _error_circle(stop).add_to(fmap)
    markers = {}
    for index, stop in enumerate(tour.stops):
        if index % MARKERS_PER_TASK == 0:
            Pause().add_to(fmap)
        markers[stop.id] = _marker(stop, lang, links[stop.id]).add_to(fmap)
    TourRegistry(fmap, markers, lines).add_to(fmap)
    return fmap


def base_map(
    location: list[float],
    zoom_start: int,
    *,
    assets: MapAssets,
    tile_url: str,
    attribution: str,
    cross_origin: bool = False,
    fitted: bool = False,
) -> folium.Map:
    """An empty map at ``[lat, lon]`` on the street tiles, Leaflet from ``assets``.

    ``cross_origin`` fetches the tiles with CORS, so that the service worker can
    measure what it caches. ``fitted``: the caller fits the map to bounds, so the
    map starts with no view (Leaflet asks for tiles once, at the fitted view, not
    also at ``location``).
    """
    # No fade-in of each tile: on a slow phone it costs a style pass a frame.
    fmap = folium.Map(
        location=location, zoom_start=zoom_start, tiles=None, fade_animation=False
    )
    if fitted:
        # Rendered as "center: null": Leaflet sets no view until fitBounds.
        fmap.location = None  # type: ignore[assignment]
    # A new list per map: assigning to the class, or add_js_link, would leak
    # these URLs into every other map in the process.
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    # folium writes out every option it is given, false ones too.
    options: dict[str, Any] = {"cross_origin": True} if cross_origin else {}
    folium.TileLayer(
        tile_url,
        attr=_attribution(attribution),
        max_zoom=19,
        name="streets",
        **options,
    ).add_to(fmap)
    return fmap


def bounds(points: Sequence[Sequence[float]]) -> list[list[float]]:
    """The ``[[south, west], [north, east]]`` box around ``[lat, lon]`` points.

    Examples
    --------
    >>> bounds([[42.88, 74.55], [42.87, 74.56]])
    [[42.87, 74.55], [42.88, 74.56]]
    """
    lats = [point[0] for point in points]
    lons = [point[1] for point in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _attribution(text: str) -> str:
    # Leaflet shows this as HTML; link the OSM copyright page as its policy asks.
    return f'<a href="https://www.openstreetmap.org/copyright">{html.escape(text)}</a>'


def _leg_line(coords: tuple[LonLat, ...], approximate: bool) -> folium.PolyLine:
    return folium.PolyLine(  # type: ignore[no-untyped-call]
        [latlon(point) for point in coords],
        color="#b3261e",
        weight=5,
        opacity=0.85,
        dash_array="8 8" if approximate else None,
        class_name="leg-line approximate" if approximate else "leg-line",
    )


def _error_circle(stop: Stop) -> folium.Circle:
    return folium.Circle(
        latlon(stop.lonlat),
        radius=stop.position.error_m,
        color="#6b4c00",
        weight=2,
        dash_array="4 6",
        fill=True,
        fill_opacity=0.08,
        interactive=False,
    )


class PinMarker(folium.Marker):
    """A marker born with its numbered pin.

    folium creates a marker with Leaflet's default image icon and swaps the icon
    afterwards, so the browser downloads three PNGs nobody sees.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.marker(
                {{ this.location|tojson }},
                Object.assign(
                    {icon: L.divIcon({{ this.icon_options|tojavascript }})},
                    {{ this.options|tojavascript }})
            ).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, location: list[float], *, icon_options: dict[str, Any], **kwargs: Any
    ) -> None:
        super().__init__(location, **kwargs)
        self.icon_options = icon_options


def _marker(stop: Stop, lang: str, link: StopLink) -> folium.Marker:
    name = pick(stop.name, lang)
    label = "M" if stop.kind == "meeting" else str(stop.order)
    kind_class = f"stop-pin stop-pin--{stop.kind}"
    if stop.position.quality == "estimate":
        kind_class += " stop-pin--estimate"
    marker = PinMarker(
        latlon(stop.lonlat),
        icon_options={
            "html": f'<span class="{kind_class}" aria-hidden="true">{label}</span>',
            "iconSize": [36, 36],
            "iconAnchor": [18, 18],
            "popupAnchor": [0, -18],
            "className": "stop-marker",
        },
        title=f"{label}. {name}" if stop.kind != "meeting" else name,
        keyboard=True,
        riseOnHover=True,
    )
    StringPopup(_popup_html(stop, lang, link), max_width=260).add_to(marker)
    return marker


def _popup_html(stop: Stop, lang: str, link: StopLink) -> str:
    name = html.escape(pick(stop.name, lang))
    summary = html.escape(pick(stop.summary, lang))
    return (
        f'<div class="popup" data-stop="{html.escape(stop.id)}">'
        f"<strong>{name}</strong><p>{summary}</p>"
        f'<a href="{html.escape(link.url)}">{html.escape(link.label)}</a></div>'
    )


_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.S)
_CHARSET = re.compile(r"<meta http-equiv=\"content-type\"[^>]*>")
_LIBRARY = re.compile(r'<script src="[^"]+"></script>')
_PAGE_STYLE = re.compile(r"<style>\s*(?:html, body|#map) \{.*?</style>", re.S)
# folium's inline ``L_NO_TOUCH = false`` sets what Leaflet assumes when unset;
# the page's CSP allows no inline script, so it goes.
_INLINE_FLAGS = re.compile(r"<script>\s*L_NO_TOUCH[^<]*</script>", re.S)


# The map's script as one async function, so that a `Pause` can end a task; its
# variables stay inside it (pages reach the map through ``window.tourMap``).
_STAGED = """(async function () {{
  const pause = window.scheduler && scheduler.yield
    ? () => scheduler.yield()
    : () => new Promise((resolve) => setTimeout(resolve, 0));
{script}
}})();
"""


def number_elements(element: Any, start: int = 0) -> int:
    """Give ``element`` and its descendants ids ``m0``, ``m1``, ... in tree order.

    folium names every element with a random id; numbered ones make the same
    map render to the same script every time, in every process, so that the
    script can be served as a file of its own and cached.
    """
    element._id = f"m{start}"
    count = start + 1
    for child in element._children.values():
        count = number_elements(child, count)
    return count


def render_parts(fmap: folium.Map) -> MapParts:
    """Render the map into head, body and script pieces for our own page.

    folium's head forces ``user-scalable=no`` and full-page styles; they are
    dropped here because our page sets its own viewport and layout. Nothing
    in the head or body is a script to run: that is all in ``script``, and the
    ``libraries`` it needs are deferred script tags.
    """
    root: Any = fmap.get_root()
    number_elements(root)
    root.render()
    head = root.header.render()
    for pattern in (_VIEWPORT, _CHARSET, _PAGE_STYLE, _INLINE_FLAGS):
        head = pattern.sub("", head)
    # Deferred, like the map's own script after them: the page paints before
    # Leaflet arrives, and they still run in document order.
    libraries = "\n".join(
        tag.replace("></script>", " defer></script>") for tag in _LIBRARY.findall(head)
    )
    head = _LIBRARY.sub("", head)
    return MapParts(
        head=head,
        body=root.html.render(),
        script=_STAGED.format(script=root.script.render()),
        libraries=libraries,
    )


def build_meeting_map(
    tour: Tour,
    lang: str,
    *,
    assets: MapAssets,
    tile_url: str,
    links: Mapping[str, StopLink],
    landmark_id: str | None = None,
) -> folium.Map:
    """A small map of the meeting point, with a landmark to find it from.

    Examples
    --------
    >>> from geo.loader import load_tour
    >>> from pathlib import Path
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> links = {s.id: StopLink(f"/stops/{s.id}", "Story") for s in tour.stops}
    >>> assets = MapAssets(js=(("leaflet", "/l.js"),), css=())
    >>> fmap = build_meeting_map(tour, "en", assets=assets, tile_url="/{z}/{x}/{y}",
    ...                          links=links)
    >>> tour.stops[0].id in fmap.get_root().render()
    True
    """
    meeting = tour.stops[0]
    shown = [meeting] + ([tour.stop(landmark_id)] if landmark_id else [])
    fitted = len(shown) > 1
    fmap = base_map(
        latlon(meeting.lonlat),
        16,
        assets=assets,
        tile_url=tile_url,
        attribution=tour.attribution,
        cross_origin=True,
        fitted=fitted,
    )
    markers = {
        stop.id: _marker(stop, lang, links[stop.id]).add_to(fmap) for stop in shown
    }
    # Fitted before the map is announced, as in build_map.
    if fitted:
        fmap.fit_bounds(bounds([(s.lat, s.lon) for s in shown]), padding=(24, 24))
    TourRegistry(fmap, markers, []).add_to(fmap)
    return fmap
