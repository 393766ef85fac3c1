"""Read OpenStreetMap XML (``.osm``, ``.osm.gz``, ``.osm.bz2``) into nodes and ways."""

from __future__ import annotations

import bz2
import gzip
import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from typing import cast

from geo.distance import EARTH_RADIUS_M
from geo.distance import LonLat
from geo.errors import StreetDataError

BBox = tuple[float, float, float, float]
"""``(west, south, east, north)`` in degrees: lon before lat, as everywhere in geo."""

Tags = Mapping[str, str]

_TOP_LEVEL = frozenset({"relation", "bounds", "bound", "changeset", "note", "meta"})


@dataclass(frozen=True)
class Way:
    """An OSM way: its id, its node ids in order and its tags."""

    id: int
    node_ids: tuple[int, ...]
    tags: Tags


@dataclass(frozen=True)
class OsmData:
    """The nodes (id -> ``(lon, lat)``) and the kept ways of one OSM file."""

    nodes: Mapping[int, LonLat]
    ways: tuple[Way, ...]


def read_osm(
    path: Path,
    *,
    bbox: BBox | None = None,
    keep_way: Callable[[Tags], bool] | None = None,
) -> OsmData:
    """Stream an OSM XML file into nodes and ways, keeping only what is asked for.

    The file is read with ``iterparse`` and every element is dropped once read, so a
    large extract costs memory only for what is kept.

    Parameters
    ----------
    path
        An ``.osm`` file, optionally compressed (``.gz``, ``.bz2``).
    bbox
        Keep only nodes inside ``(west, south, east, north)``. Ways keep their node
        ids; nodes outside the box are simply absent from ``nodes``.
    keep_way
        Keep only ways whose tags pass this test; all ways when None.

    Returns
    -------
    OsmData
        Nodes and ways; relations are ignored.

    Raises
    ------
    StreetDataError
        When the file is missing, not XML, or a node has no usable position.

    Examples
    --------
    >>> import tempfile
    >>> xml = '''<osm version="0.6">
    ...   <node id="1" lat="42.87" lon="74.55"/><node id="2" lat="42.88" lon="74.55"/>
    ...   <way id="9"><nd ref="1"/><nd ref="2"/><tag k="highway" v="steps"/></way>
    ... </osm>'''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "tiny.osm"
    ...     _ = path.write_text(xml)
    ...     data = read_osm(path)
    >>> data.nodes[1], data.ways[0].tags["highway"]
    ((74.55, 42.87), 'steps')
    """
    if path.name.endswith(".pbf"):
        raise StreetDataError(
            f"{path}: .osm.pbf is not supported; convert it to OSM XML first"
            " (e.g. `osmium cat extract.osm.pbf -o extract.osm`)"
        )
    try:
        with _open(path) as handle:
            return _parse(handle, path, bbox, keep_way)
    except FileNotFoundError:
        raise StreetDataError(f"{path}: file not found") from None
    except (ET.ParseError, EOFError, OSError) as exc:
        raise StreetDataError(f"{path}: not readable as OSM XML: {exc}") from None


def _open(path: Path) -> IO[bytes]:
    if path.suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    return path.open("rb")


def _parse(
    handle: IO[bytes],
    path: Path,
    bbox: BBox | None,
    keep_way: Callable[[Tags], bool] | None,
) -> OsmData:
    nodes: dict[int, LonLat] = {}
    ways: list[Way] = []
    events = ET.iterparse(handle, events=("start", "end"))
    _, root = next(events)
    if root.tag != "osm":
        raise StreetDataError(f"{path}: the root element is <{root.tag}>, not <osm>")
    for event, elem in events:
        if event != "end":
            continue
        if elem.tag == "node":
            _read_node(elem, path, bbox, nodes)
        elif elem.tag == "way":
            way = _read_way(elem, path)
            if keep_way is None or keep_way(way.tags):
                ways.append(way)
        elif elem.tag not in _TOP_LEVEL:
            continue  # a <tag> or <nd> inside a node or way, read with its parent
        # Finished elements are dropped so a country extract streams in small memory.
        root.clear()
    return OsmData(nodes=nodes, ways=tuple(ways))


def _read_node(
    elem: ET.Element, path: Path, bbox: BBox | None, nodes: dict[int, LonLat]
) -> None:
    if elem.get("action") == "delete" or elem.get("visible") == "false":
        return
    node_id = _int_attr(elem, "id", path)
    try:
        lon, lat = float(elem.get("lon", "nan")), float(elem.get("lat", "nan"))
    except ValueError:
        lon = lat = math.nan
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise StreetDataError(f"{path}: node {node_id} has no valid lat/lon")
    if bbox is None or (bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]):
        nodes[node_id] = (lon, lat)


def _read_way(elem: ET.Element, path: Path) -> Way:
    way_id = _int_attr(elem, "id", path)
    refs = tuple(_int_attr(nd, "ref", path) for nd in elem.iter("nd"))
    tags = {tag.get("k", ""): tag.get("v", "") for tag in elem.iter("tag")}
    if elem.get("action") == "delete" or elem.get("visible") == "false":
        refs = ()
    return Way(id=way_id, node_ids=refs, tags=tags)


def _int_attr(elem: ET.Element, name: str, path: Path) -> int:
    try:
        return int(elem.get(name, ""))
    except ValueError:
        raise StreetDataError(
            f"{path}: <{elem.tag}> has a bad {name}: {elem.get(name)!r}"
        ) from None


def bbox_around(points: Iterable[LonLat], *, margin_m: float) -> BBox:
    """Return the bounding box of ``points`` grown by ``margin_m`` on every side.

    Examples
    --------
    >>> west, south, east, north = bbox_around([(74.55, 42.87)], margin_m=1000)
    >>> round(north - south, 4), round(east - west, 4)
    (0.018, 0.0245)
    """
    lons, lats = zip(*points, strict=True)
    dlat = math.degrees(margin_m / EARTH_RADIUS_M)
    widest = max(abs(min(lats)), abs(max(lats)))
    dlon = dlat / max(math.cos(math.radians(widest)), 0.01)
    return (
        max(min(lons) - dlon, -180.0),
        max(min(lats) - dlat, -90.0),
        min(max(lons) + dlon, 180.0),
        min(max(lats) + dlat, 90.0),
    )


def overpass_query(bbox: BBox, highways: Iterable[str], *, timeout_s: int = 60) -> str:
    """Return an Overpass QL query for the ``highway`` ways in ``bbox``, as OSM XML.

    Examples
    --------
    >>> print(overpass_query((74.5, 42.8, 74.6, 42.9), ["steps", "footway"]))
    [out:xml][timeout:60];
    way["highway"~"^(footway|steps)$"](42.8,74.5,42.9,74.6);
    (._;>;);
    out body;
    """
    west, south, east, north = bbox
    pattern = "|".join(sorted(highways))
    # Overpass wants (south, west, north, east): the one place lat comes first.
    return (
        f"[out:xml][timeout:{timeout_s}];\n"
        f'way["highway"~"^({pattern})$"]({south},{west},{north},{east});\n'
        "(._;>;);\n"
        "out body;"
    )
