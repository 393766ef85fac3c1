"""Importing a walked GPX track: bad files refused clearly, good ones split."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.checks import distance_to_path_m
from geo.errors import EmptyTrackError
from geo.errors import TrackError
from geo.errors import TrackFormatError
from geo.errors import TrackMissesStopError
from geo.errors import TrackTooFarError
from geo.errors import TrackTooLargeError
from geo.loader import load_tour
from geo.track_import import MAX_BYTES
from geo.track_import import match_track
from geo.track_import import read_track

ROOT = Path(__file__).parents[2]
TRACKS = Path(__file__).parents[1] / "data" / "tracks"


@pytest.fixture(scope="module")
def tour():
    return load_tour(ROOT / "tour_data" / "interhelpo")


def stops_of(tour):
    return [(stop.id, stop.lonlat) for stop in tour.stops]


def test_good_track_is_split_into_one_leg_per_pair(tour):
    track = read_track((TRACKS / "walk.gpx").read_bytes())
    result = match_track(track, stops_of(tour), speed_kmh=tour.walking_speed_kmh)
    assert [(leg.from_id, leg.to_id) for leg in result.legs] == [
        (a.id, b.id) for a, b in zip(tour.stops, tour.stops[1:], strict=False)
    ]
    assert all(match.distance_m < 10 for match in result.matches)
    # A walk along the streets is longer than the straight lines between stops.
    straight = sum(leg.length_m for leg in tour.legs)
    assert straight < result.length_m < straight * 1.6
    for leg in result.legs:
        assert leg.duration_s == pytest.approx(leg.length_m / (4.0 / 3.6))
        assert not leg.approximate
    for stop in tour.stops:
        path = [p for leg in result.legs for p in leg.coords]
        assert distance_to_path_m(stop.lonlat, path) < 10


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("empty.gpx", EmptyTrackError),
        ("broken.gpx", TrackFormatError),
    ],
)
def test_bad_fixtures(name, error):
    with pytest.raises(error):
        read_track((TRACKS / name).read_bytes())


def test_far_away_track(tour):
    track = read_track((TRACKS / "far_away.gpx").read_bytes())
    with pytest.raises(TrackTooFarError, match="km from the nearest stop"):
        match_track(track, stops_of(tour), speed_kmh=4.0)


GPX_HEAD = '<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyTrackError),
        (b"   \n", EmptyTrackError),
        (b"\xff\xfe\x00garbage", TrackFormatError),
        (b"not xml at all", TrackFormatError),
        (b"<html><body>hello</body></html>", TrackFormatError),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><gpx/>',
            TrackFormatError,
        ),
        ((GPX_HEAD + "</gpx>").encode(), EmptyTrackError),
        (
            (
                GPX_HEAD
                + '<trk><trkseg><trkpt lat="42.8" lon="74.5"/></trkseg></trk></gpx>'
            ).encode(),
            EmptyTrackError,
        ),
        (
            (
                GPX_HEAD + '<trk><trkseg><trkpt lat="98" lon="74.5"/>'
                '<trkpt lat="42" lon="74.5"/></trkseg></trk></gpx>'
            ).encode(),
            TrackFormatError,
        ),
        (b"x" * (MAX_BYTES + 1), TrackTooLargeError),
    ],
    ids=[
        "empty",
        "blank",
        "not-utf8",
        "text",
        "html",
        "entities",
        "no-track",
        "one-point",
        "lat-98",
        "huge",
    ],
)
def test_bad_uploads_raise_track_errors(data, error):
    with pytest.raises(error):
        read_track(data)
    assert issubclass(error, TrackError) and issubclass(error, ValueError)


def test_too_many_points(monkeypatch):
    monkeypatch.setattr("geo.track_import.MAX_POINTS", 10)
    points = "".join(f'<trkpt lat="42.87" lon="74.{550 + i}"/>' for i in range(11))
    data = (GPX_HEAD + f"<trk><trkseg>{points}</trkseg></trk></gpx>").encode()
    with pytest.raises(TrackTooLargeError, match="11 points"):
        read_track(data)


def test_route_points_are_used_without_a_track():
    data = (
        GPX_HEAD
        + '<rte><rtept lat="42.87" lon="74.55"/><rtept lat="42.88" lon="74.55"/>'
        "</rte></gpx>"
    ).encode()
    assert read_track(data) == [(74.55, 42.87), (74.55, 42.88)]


def test_track_in_the_wrong_order_misses_a_stop(tour):
    track = read_track((TRACKS / "walk.gpx").read_bytes())
    with pytest.raises(TrackMissesStopError, match="interhelpo-quarter"):
        match_track(list(reversed(track)), stops_of(tour), speed_kmh=4.0)


def test_a_doctype_after_the_first_4_kb_is_refused():
    """The whole file is checked, not its start (defusedxml, not a byte search)."""
    data = (TRACKS / "doctype_after_4kb.gpx").read_bytes()
    assert data.find(b"<!DOCTYPE") > 4090
    with pytest.raises(TrackFormatError, match="DOCTYPE"):
        read_track(data)
