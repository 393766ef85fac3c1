"""The walkable graph: which ways count, lengths, names, joins, and the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
from geopy.distance import great_circle

from geo.distance import haversine_m
from geo.errors import StreetDataError
from geo.network import build_graph
from geo.network import is_walkable
from geo.network import load_network
from geo.osm import read_osm

DATA = Path(__file__).parents[1] / "data"
ROOT = Path(__file__).parents[2]


def _names(graph: nx.Graph) -> set[str]:
    return {data["street"].names.get("", "") for _, _, data in graph.edges(data=True)}


@pytest.mark.parametrize(
    ("tags", "walkable"),
    [
        ({"highway": "footway"}, True),
        ({"highway": "footway", "footway": "crossing"}, True),
        ({"highway": "crossing"}, True),
        ({"highway": "pedestrian"}, True),
        ({"highway": "path"}, True),
        ({"highway": "steps"}, True),
        ({"highway": "living_street"}, True),
        ({"highway": "residential", "oneway": "yes"}, True),
        ({"highway": "residential", "oneway": "-1"}, True),
        ({"highway": "service"}, True),
        ({"highway": "unclassified"}, True),
        ({"highway": "tertiary"}, True),
        ({"highway": "secondary"}, True),
        ({"highway": "primary"}, True),
        ({"highway": "motorway"}, False),
        ({"highway": "motorway", "foot": "yes"}, False),
        ({"highway": "motorway_link"}, False),
        ({"highway": "trunk"}, False),
        ({"highway": "construction"}, False),
        ({"railway": "rail"}, False),
        ({}, False),
        ({"highway": "primary", "foot": "no"}, False),
        ({"highway": "service", "access": "private"}, False),
        ({"highway": "service", "access": "no"}, False),
        ({"highway": "service", "access": "private", "foot": "yes"}, True),
        ({"highway": "service", "access": "no", "foot": "designated"}, True),
        ({"highway": "footway", "access": "yes"}, True),
    ],
)
def test_is_walkable(tags, walkable):
    assert is_walkable(tags) is walkable


def test_graph_drops_motorway_private_and_foot_no():
    graph = build_graph([read_osm(DATA / "walk_motorway_private_steps.osm")])
    assert _names(graph) == {
        "Garden Walk",
        "Long Stairs",
        "One Way St",
        "Works Road",
    }


def test_oneway_streets_are_walkable_both_ways():
    graph = build_graph([read_osm(DATA / "walk_motorway_private_steps.osm")])
    assert not graph.is_directed()
    one_way = [
        (u, v)
        for u, v, data in graph.edges(data=True)
        if data["street"].names[""] == "One Way St"
    ]
    assert len(one_way) == 1


def test_edges_carry_great_circle_length_and_street():
    data = read_osm(DATA / "walk_motorway_private_steps.osm")
    graph = build_graph([data])
    for u, v, edge in graph.edges(data=True):
        expected = haversine_m(graph.nodes[u]["lonlat"], graph.nodes[v]["lonlat"])
        assert edge["length_m"] == pytest.approx(expected)
        assert edge["length_m"] > 0
    stairs = next(
        edge
        for _, _, edge in graph.edges(data=True)
        if edge["street"].highway == "steps"
    )
    # Independent of geo.distance: geopy's great circle, within a few centimetres.
    expected_m = great_circle((42.871, 74.550), (42.871, 74.554)).m
    assert stairs["length_m"] == pytest.approx(expected_m, abs=0.05)
    assert stairs["street"].way_id == 14


def test_files_join_where_they_share_a_position():
    one = read_osm(DATA / "walk_two_islands.osm")
    graph = build_graph([one, read_osm(DATA / "walk_motorway_private_steps.osm")])
    # Node 1 of both files is at 74.55, 42.87: one node, one component.
    assert nx.number_connected_components(graph) == 2  # North St stays apart
    south = next(
        n for n, lonlat in graph.nodes(data="lonlat") if lonlat == (74.55, 42.87)
    )
    assert graph.degree(south) == 3  # South St, Garden Walk, Works Road


def test_a_loose_end_on_a_street_line_is_joined_to_it():
    graph = build_graph([read_osm(DATA / "walk_long_street_loose_end.osm")])
    assert nx.is_connected(graph)
    assert graph.number_of_edges() == 3  # Long St split in two, plus Side Lane
    lengths = sorted(round(d["length_m"]) for _, _, d in graph.edges(data=True))
    assert lengths == [334, 599, 1398]
    whole_m = haversine_m((74.55, 42.87), (74.5745, 42.87))
    assert lengths[1] + lengths[2] == pytest.approx(whole_m, abs=1.0)


def test_a_way_leaving_the_box_breaks_there():
    data = read_osm(
        DATA / "walk_motorway_private_steps.osm",
        bbox=(74.549, 42.8695, 74.5530, 42.8715),
    )
    graph = build_graph([data])
    assert _names(graph) == {"Garden Walk"}


def test_load_network_is_cached_by_content(tmp_path):
    path = tmp_path / "streets.osm"
    shutil.copy(DATA / "walk_two_islands.osm", path)
    first = load_network([path])
    assert load_network([path]) is first
    path.write_text(path.read_text().replace("North St", "Upper St"))
    second = load_network([path])
    assert second is not first
    assert "Upper St" in _names(second)


def test_load_network_without_walkable_ways(tmp_path):
    path = tmp_path / "motorway_only.osm"
    path.write_text(
        '<osm version="0.6">'
        '<node id="1" lat="1" lon="1"/><node id="2" lat="1" lon="2"/>'
        '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="motorway"/></way>'
        "</osm>"
    )
    with pytest.raises(StreetDataError, match="no walkable street"):
        load_network([path])


def test_load_network_missing_file(tmp_path):
    with pytest.raises(StreetDataError, match="file not found"):
        load_network([tmp_path / "gone.osm"])


def test_shared_skeleton_with_connectors(shared_dir):
    skeleton = shared_dir / "geodata" / "bishkek_west_arterials_skeleton.osm"
    graph = load_network(
        [skeleton, ROOT / "tour_data" / "interhelpo" / "connectors.osm"]
    )
    largest = max(nx.connected_components(graph), key=len)
    assert len(largest) > 370
    names = _names(graph)
    assert {"chuy", "manas", "s-intergel-po-kocosu", "s-kiev-kocosu"} <= names
    # The hand-drawn bazaar paths are joined to Kievskaya, not left dangling.
    bazaar = next(n for n, ll in graph.nodes(data="lonlat") if ll == (74.57, 42.875))
    assert bazaar in largest
