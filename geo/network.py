"""Build the walkable street graph from OSM data, once per process per set of files."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING
from typing import TypeAlias

import networkx as nx

from geo.distance import LonLat
from geo.distance import haversine_m
from geo.errors import StreetDataError
from geo.osm import BBox
from geo.osm import OsmData
from geo.osm import Tags
from geo.osm import Way
from geo.osm import read_osm

if TYPE_CHECKING:
    WalkGraph: TypeAlias = nx.Graph[int]
    """Nodes are ints with ``lonlat``; edges have ``length_m`` and ``street``."""

WALKABLE_HIGHWAYS = frozenset(
    {
        "footway",
        "pedestrian",
        "path",
        "steps",
        "living_street",
        "residential",
        "service",
        "unclassified",
        "tertiary",
        "secondary",
        "primary",
        "crossing",
    }
)
"""``highway`` values a pedestrian may use (issue 3); motorways are never among them."""

FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})
FOOT_FORBIDDEN = frozenset({"no", "use_sidepath"})
ACCESS_FORBIDDEN = frozenset({"no", "private"})

JOIN_TOLERANCE_M = 0.5
"""A way's loose end this close to another street is joined to it (hand-drawn files)."""


@dataclass(frozen=True)
class Street:
    """What every edge of one way shares: its names, its kind, and how well it is known.

    ``names`` maps ``""`` to the ``name`` tag and a language code to ``name:<lang>``.
    """

    names: Mapping[str, str] = field(default_factory=dict)
    highway: str = ""
    approximate: bool = False
    way_id: int = 0


def is_walkable(tags: Tags) -> bool:
    """Return True if a pedestrian may use a way with these tags.

    ``oneway`` is ignored on purpose: it binds vehicles, not walkers.

    Examples
    --------
    >>> is_walkable({"highway": "steps"})
    True
    >>> is_walkable({"highway": "motorway", "foot": "yes"})
    False
    >>> is_walkable({"highway": "service", "access": "private"})
    False
    >>> is_walkable({"highway": "service", "access": "private", "foot": "yes"})
    True
    """
    if tags.get("highway") not in WALKABLE_HIGHWAYS:
        return False
    foot = tags.get("foot", "")
    if foot in FOOT_FORBIDDEN:
        return False
    return tags.get("access", "") not in ACCESS_FORBIDDEN or foot in FOOT_ALLOWED


def street_of(way_id: int, tags: Tags) -> Street:
    """Return the `Street` that the edges of a way share.

    Examples
    --------
    >>> street_of(7, {"highway": "primary", "name": "chuy", "name:ru": "Чуй"}).names
    {'': 'chuy', 'ru': 'Чуй'}
    """
    names = {
        key.partition(":")[2]: value
        for key, value in tags.items()
        if (key == "name" or key.startswith("name:")) and value.strip()
    }
    return Street(
        names=names,
        highway=tags.get("highway", ""),
        approximate=tags.get("approximate") == "yes",
        way_id=way_id,
    )


def build_graph(sources: Iterable[OsmData]) -> WalkGraph:
    """Build an undirected walking graph from the walkable ways of one or more files.

    Nodes are integers with a ``lonlat`` attribute. Nodes at the same position (to
    1e-7 degrees, OSM's own precision) are one node, so hand-drawn files join the
    main street data where they share a vertex. Each edge is one straight piece of a
    way, with ``length_m`` (great-circle) and ``street`` (a shared `Street`).

    Examples
    --------
    >>> tiny = OsmData(
    ...     nodes={1: (74.55, 42.87), 2: (74.55, 42.871)},
    ...     ways=(Way(5, (1, 2), {"highway": "footway", "oneway": "yes"}),),
    ... )
    >>> graph = build_graph([tiny])
    >>> round(graph.edges[0, 1]["length_m"], 1)
    111.2
    """
    graph: WalkGraph = nx.Graph()
    index: dict[tuple[int, int], int] = {}
    ends: set[int] = set()
    for data in sources:
        for way in data.ways:
            if is_walkable(way.tags):
                ends.update(_add_way(graph, index, data.nodes, way))
    _join_loose_ends(graph, ends)
    return graph


def _node(graph: WalkGraph, index: dict[tuple[int, int], int], lonlat: LonLat) -> int:
    key = (round(lonlat[0] * 1e7), round(lonlat[1] * 1e7))
    node = index.get(key)
    if node is None:
        node = index[key] = len(index)
        graph.add_node(node, lonlat=lonlat)
    return node


def _add_way(
    graph: WalkGraph,
    index: dict[tuple[int, int], int],
    nodes: Mapping[int, LonLat],
    way: Way,
) -> list[int]:
    """Add a way's edges; return the nodes where its pieces end."""
    street = street_of(way.id, way.tags)
    ends: list[int] = []
    previous: int | None = None
    for node_id in way.node_ids:
        lonlat = nodes.get(node_id)
        if lonlat is None:
            # Outside the kept area (or missing): the way breaks here.
            if previous is not None:
                ends.append(previous)
            previous = None
            continue
        node = _node(graph, index, lonlat)
        if previous is None:
            ends.append(node)
        elif previous != node:
            _add_edge(graph, previous, node, street)
        previous = node
    if previous is not None:
        ends.append(previous)
    return ends


def _add_edge(graph: WalkGraph, u: int, v: int, street: Street) -> None:
    old = graph.get_edge_data(u, v)
    # Two ways over the same two vertices: keep the better-known, named one.
    if old is not None and _rank(old["street"]) >= _rank(street):
        return
    length_m = haversine_m(graph.nodes[u]["lonlat"], graph.nodes[v]["lonlat"])
    graph.add_edge(u, v, length_m=length_m, street=street)


def _rank(street: Street) -> tuple[bool, bool]:
    return (not street.approximate, bool(street.names))


def _join_loose_ends(graph: WalkGraph, ends: set[int]) -> None:
    """Join way ends that touch another street's edge without sharing a vertex.

    Hand-drawn ways (``tour_data/connectors.osm``) end on a street computed to lie
    on its line; in OSM such T-junctions share a node, so this changes nothing.
    """
    from geo.snapping import EdgeIndex

    # A way end at a junction (three or more edges) is already joined.
    loose = sorted(node for node in ends if 0 < graph.degree(node) <= 2)
    if not loose or graph.number_of_edges() < 2:
        return
    index = EdgeIndex(graph)
    positions = [graph.nodes[node]["lonlat"] for node in loose]
    hits: dict[tuple[int, int], list[int]] = {}
    for i, edge in index.touching_many(positions, tolerance_m=JOIN_TOLERANCE_M):
        if loose[i] not in edge:
            hits.setdefault(edge, []).append(loose[i])
    for edge, nodes in hits.items():
        _split_edge(graph, edge, nodes)


def _split_edge(graph: WalkGraph, edge: tuple[int, int], nodes: list[int]) -> None:
    u, v = edge
    street = graph.edges[u, v]["street"]
    start = graph.nodes[u]["lonlat"]
    nodes.sort(key=lambda node: haversine_m(start, graph.nodes[node]["lonlat"]))
    graph.remove_edge(u, v)
    chain = [u, *nodes, v]
    for a, b in zip(chain, chain[1:], strict=False):
        _add_edge(graph, a, b, street)


_CACHE: dict[str, WalkGraph] = {}
CONTENT_KEY = "content_sha256"
"""The graph attribute holding the hash of the files and box it was built from."""
_CACHE_LOCK = threading.Lock()


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes, read in chunks.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "empty.osm"
    ...     _ = path.write_bytes(b"")
    ...     file_digest(path)[:12]
    'e3b0c44298fc'
    """
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_network(paths: Sequence[Path], *, bbox: BBox | None = None) -> WalkGraph:
    """Read the street files and build their walking graph; cached per process.

    The cache key is the content hash of every file plus the box, so an edited or
    re-downloaded file is read again while repeated calls cost one hash each.
    Treat the returned graph as read-only: it is shared.

    Parameters
    ----------
    paths
        OSM XML files; their walkable ways are merged into one graph.
    bbox
        Keep only the streets inside ``(west, south, east, north)``.

    Raises
    ------
    StreetDataError
        When a file cannot be read or the files hold no walkable street.

    Examples
    --------
    >>> folder = Path(__file__).parents[1] / "tour_data" / "interhelpo"
    >>> graph = load_network([folder / "connectors.osm"])
    >>> graph is load_network([folder / "connectors.osm"])
    True
    """
    try:
        digests = [file_digest(path) for path in paths]
    except FileNotFoundError as exc:
        raise StreetDataError(f"{exc.filename}: file not found") from None
    key = hashlib.sha256(repr((digests, bbox)).encode()).hexdigest()
    with _CACHE_LOCK:
        graph = _CACHE.get(key)
        if graph is None:
            datas = [read_osm(path, bbox=bbox, keep_way=is_walkable) for path in paths]
            graph = build_graph(datas)
            if graph.number_of_edges() == 0:
                names = ", ".join(str(path) for path in paths)
                raise StreetDataError(f"{names}: no walkable street found")
            graph.graph[CONTENT_KEY] = key  # what was read: caches built on it use it
            _CACHE[key] = graph
    return graph


def graph_from_lines(lines: Sequence[tuple[Sequence[LonLat], Street]]) -> WalkGraph:
    """Build a walking graph from polylines, each with its `Street`: e.g. the tour path.

    Examples
    --------
    >>> line = [(74.55, 42.87), (74.55, 42.871), (74.551, 42.871)]
    >>> graph_from_lines([(line, Street(highway="tour-path"))]).number_of_edges()
    2
    """
    graph: WalkGraph = nx.Graph()
    index: dict[tuple[int, int], int] = {}
    for coords, street in lines:
        nodes = [_node(graph, index, lonlat) for lonlat in coords]
        for u, v in zip(nodes, nodes[1:], strict=False):
            if u != v:
                _add_edge(graph, u, v, street)
    _join_loose_ends(graph, {node for node, degree in graph.degree if degree == 1})
    return graph
