"""The JSON API and its one error shape."""

from __future__ import annotations

import pytest


def test_tour(client):
    data = client.get("/api/tours/small").get_json()
    assert data["price"] == {"amount": 700, "currency": "KGS"}
    assert data["stops"] == ["start", "middle", "finish"]
    assert data["totals"]["walk_length_m"] > 1000


def test_stops_are_geojson_in_order(client):
    response = client.get("/api/tours/small/stops")
    assert response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    assert [f["id"] for f in features] == ["start", "middle", "finish"]
    assert features[0]["geometry"]["coordinates"] == [74.55826, 42.87766]
    assert "narrative" not in features[0]["properties"]


def test_one_stop_has_story_and_sources(client):
    props = client.get("/api/tours/small/stops/middle").get_json()["properties"]
    assert props["narrative"]["ru"].startswith("Первый абзац")
    assert props["sources"] == [
        {"url": "https://example.org/source", "title": "Test source"}
    ]
    assert props["position"]["quality"] == "estimate"


def test_route_is_one_line_per_leg(client):
    data = client.get("/api/tours/small/route").get_json()
    assert [
        (f["properties"]["from"], f["properties"]["to"]) for f in data["features"]
    ] == [
        ("start", "middle"),
        ("middle", "finish"),
    ]
    assert all(f["geometry"]["type"] == "LineString" for f in data["features"])
    assert data["attribution"] == "© OpenStreetMap contributors"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/tours/small/stops/nowhere", 404),
        ("/api/tours/small/stops/%00", 404),
        ("/api/tours/small/stops/" + "x" * 5000, 404),
        ("/api/nothing", 404),
        ("/api/", 404),
    ],
)
def test_errors_have_one_shape(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert body["ok"] is False
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]


def test_wrong_method_is_json_405(client):
    response = client.post("/api/tours/small/stops")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405
