"""Reading OSM XML: nodes, ways, tags, the bounding box, compression, bad files."""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

import pytest

from geo.errors import StreetDataError
from geo.osm import bbox_around
from geo.osm import overpass_query
from geo.osm import read_osm

DATA = Path(__file__).parents[1] / "data"
FIXTURE = DATA / "walk_motorway_private_steps.osm"


def test_reads_nodes_as_lon_lat_and_ways_with_tags():
    data = read_osm(FIXTURE)
    assert len(data.nodes) == 7
    assert data.nodes[3] == (74.552, 42.8704)
    ways = {way.id: way for way in data.ways}
    assert ways[11].node_ids == (1, 3, 2)
    assert ways[11].tags == {
        "highway": "service",
        "access": "private",
        "name": "Private Lane",
    }


def test_keep_way_filters_while_reading():
    data = read_osm(FIXTURE, keep_way=lambda tags: tags.get("highway") == "steps")
    assert [way.id for way in data.ways] == [14]


def test_bbox_keeps_only_nodes_inside():
    data = read_osm(FIXTURE, bbox=(74.549, 42.8695, 74.5530, 42.8715))
    assert set(data.nodes) == {1, 3, 4, 8}
    assert len(data.ways) == 7  # ways stay; their outside nodes are just absent


@pytest.mark.parametrize(("suffix", "opener"), [(".gz", gzip.open), (".bz2", bz2.open)])
def test_compressed_files(tmp_path, suffix, opener):
    path = tmp_path / ("streets.osm" + suffix)
    with opener(path, "wb") as handle:
        handle.write(FIXTURE.read_bytes())
    assert len(read_osm(path).ways) == 7


def test_deleted_and_invisible_elements_are_skipped(tmp_path):
    path = tmp_path / "edited.osm"
    path.write_text(
        '<osm version="0.6">'
        '<node id="1" lat="1" lon="1"/><node id="2" lat="2" lon="2" action="delete"/>'
        '<node id="3" lat="3" lon="3" visible="false"/>'
        '<way id="5" action="delete"><nd ref="1"/><tag k="highway" v="path"/></way>'
        '<relation id="9"><member type="way" ref="5" role=""/></relation>'
        "</osm>"
    )
    data = read_osm(path)
    assert set(data.nodes) == {1}
    assert data.ways[0].node_ids == ()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.osm", "<osm><node id='1'", "not readable as OSM XML"),
        ("empty.osm", "", "not readable as OSM XML"),
        ("html.osm", "<html><body>busy</body></html>", "not <osm>"),
        ("no_lat.osm", "<osm><node id='1' lon='74.5'/></osm>", "no valid lat/lon"),
        (
            "nan.osm",
            "<osm><node id='1' lat='nan' lon='74.5'/></osm>",
            "no valid lat/lon",
        ),
        (
            "far.osm",
            "<osm><node id='1' lat='91' lon='74.5'/></osm>",
            "no valid lat/lon",
        ),
        ("bad_id.osm", "<osm><node id='x' lat='1' lon='1'/></osm>", "bad id"),
        ("bad_ref.osm", "<osm><way id='1'><nd ref='?'/></way></osm>", "bad ref"),
        ("extract.osm.pbf", "", ".osm.pbf is not supported"),
    ],
)
def test_bad_files_raise_street_data_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(StreetDataError, match=message) as info:
        read_osm(path)
    assert isinstance(info.value, ValueError)
    assert name in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(StreetDataError, match="file not found"):
        read_osm(tmp_path / "nothing.osm")


def test_bbox_around_grows_by_the_margin_in_metres():
    west, south, east, north = bbox_around(
        [(74.55, 42.87), (74.57, 42.875)], margin_m=500
    )
    assert north - 42.875 == pytest.approx(500 / 111_195, rel=1e-3)
    # A degree of longitude is shorter than one of latitude at 42.9 N.
    assert 74.55 - west == pytest.approx((north - 42.875) / 0.7325, rel=2e-3)


def test_overpass_query_puts_south_west_north_east():
    query = overpass_query((74.5, 42.8, 74.6, 42.9), ["steps"], timeout_s=30)
    assert "[timeout:30]" in query
    assert "(42.8,74.5,42.9,74.6)" in query
    assert query.rstrip().endswith("out body;")
