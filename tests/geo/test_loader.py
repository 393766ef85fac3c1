"""Tour data: the shipped tour loads; every kind of bad data fails naming where."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.errors import TourDataError
from geo.errors import UnknownTourError
from geo.loader import load_tour
from geo.loader import load_tours

DATA = Path(__file__).parents[1] / "data"


def tour_with_stops(tmp_path: Path, stops_file: str) -> Path:
    folder = tmp_path / "tours" / "small"
    shutil.copytree(DATA / "tours" / "small", folder)
    shutil.copy(DATA / stops_file, folder / "stops.geojson")
    return folder


@pytest.mark.parametrize(
    ("stops_file", "feature", "field", "problem"),
    [
        ("stops_missing_name.geojson", "middle", "name", "missing"),
        (
            "stops_missing_russian_narrative.geojson",
            "middle",
            "narrative.ru",
            "missing",
        ),
        ("stops_latitude_out_of_range.geojson", "middle", "geometry.coordinates", "98"),
        (
            "stops_coordinates_as_strings.geojson",
            "finish",
            "geometry.coordinates",
            "numbers",
        ),
        ("stops_duplicate_id.geojson", "middle", "id", "duplicate"),
        ("stops_order_gap.geojson", "finish", "order", "gap"),
        ("stops_unknown_language.geojson", "middle", "summary.xx", "unknown language"),
        ("stops_no_sources.geojson", "middle", "sources", "non-empty"),
        ("stops_bad_quality.geojson", "middle", "position.quality", "guess"),
        ("stops_negative_dwell.geojson", "middle", "dwell_min", "-3"),
        ("stops_line_geometry.geojson", "start", "geometry.type", "Point"),
        ("stops_end_not_last.geojson", "middle", "kind", "'stop'"),
        (
            "stops_placeholder_unknown_stop.geojson",
            "middle",
            "narrative.en",
            "unknown stop 'nowhere'",
        ),
        (
            "stops_placeholder_form_english_lacks.geojson",
            "middle",
            "look_for[0].en",
            "no form 'dat' in 'en'",
        ),
        (
            "stops_placeholder_one_stop_bearing.geojson",
            "middle",
            "summary.ru",
            "FROM:TO[:FORM]",
        ),
        ("stops_placeholder_stray_brace.geojson", "middle", "narrative.en", "brace"),
        (
            "stops_sources_without_any_address.geojson",
            "middle",
            "sources",
            "at least one source needs a web address",
        ),
    ],
)
def test_bad_stops_fail_naming_file_feature_field(
    tmp_path, stops_file, feature, field, problem
):
    folder = tour_with_stops(tmp_path, stops_file)
    with pytest.raises(TourDataError) as caught:
        load_tour(folder)
    error = caught.value
    assert error.path.endswith("stops.geojson")
    assert feature in (error.feature or "")
    assert error.field == field
    assert problem in str(error)


def test_broken_json_names_the_file(tmp_path):
    folder = tour_with_stops(tmp_path, "stops_not_json.geojson")
    with pytest.raises(TourDataError, match=r"stops\.geojson.*not valid JSON"):
        load_tour(folder)


def test_tour_error_is_a_value_error(tmp_path):
    folder = tour_with_stops(tmp_path, "stops_missing_name.geojson")
    with pytest.raises(ValueError):
        load_tour(folder)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("languages", ["en", "Russian"], "not a language code"),
        ("languages", ["en", 7], "not a language code"),
        ("languages", ["en", "en"], "listed twice"),
        ("walking_speed_kmh", 0, "outside"),
        ("price", {"amount": "free", "currency": "KGS"}, "price.amount"),
        ("registration_required", "yes", "true or false"),
        ("title", {"en": "Only English"}, "title.ru"),
        ("time_zone", "Mars/Olympus_Mons", "'time_zone'.*not an IANA time zone"),
        ("time_zone", "../../etc/passwd", "'time_zone'.*not an IANA time zone"),
        ("time_zone", "", "'time_zone'.*non-empty string"),
        ("time_zone", 6, "'time_zone'.*non-empty string"),
        ("time_zone", None, "'time_zone'.*missing"),
    ],
)
def test_bad_tour_metadata(tour_dir, field, value, expected):
    meta_path = tour_dir / "tour.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta[field] = value
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(TourDataError, match=expected) as caught:
        load_tour(tour_dir)
    assert caught.value.path.endswith("tour.json")


def test_the_time_zone_is_read(tour_dir):
    assert load_tour(tour_dir).time_zone == "Asia/Bishkek"


def test_route_legs_must_join_the_stops_in_order(tour_dir):
    route = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[74.5, 42.8], [74.6, 42.9]],
                },
                "properties": {
                    "from": "start",
                    "to": "finish",
                    "length_m": 1,
                    "duration_s": 1,
                    "street_m": 1,
                    "approximate_m": 0,
                },
            },
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[74.5, 42.8], [74.6, 42.9]],
                },
                "properties": {
                    "from": "middle",
                    "to": "finish",
                    "length_m": 1,
                    "duration_s": 1,
                    "street_m": 1,
                    "approximate_m": 0,
                },
            },
        ],
    }
    (tour_dir / "route.geojson").write_text(json.dumps(route), encoding="utf-8")
    with pytest.raises(TourDataError) as caught:
        load_tour(tour_dir)
    assert caught.value.field == "to"
    assert "route.geojson" in caught.value.path


def test_without_route_file_legs_are_straight_and_approximate(tour_dir):
    tour = load_tour(tour_dir)
    assert [leg.to_id for leg in tour.legs] == ["middle", "finish"]
    assert all(leg.approximate for leg in tour.legs)
    assert tour.legs[0].length_m == pytest.approx(285, abs=5)
    assert tour.legs[0].duration_s == pytest.approx(tour.legs[0].length_m / (4 / 3.6))


def test_create_app_fails_fast_on_bad_data(tmp_path):
    from tests.support import make_app

    folder = tour_with_stops(tmp_path, "stops_duplicate_id.geojson")
    with pytest.raises(TourDataError, match="duplicate id"):
        make_app(tmp_path, TOUR_DATA=str(folder.parent))


# ------------------------------------------------------------ the catalogue


def two_tours(tmp_path: Path) -> Path:
    root = tmp_path / "tours"
    for name in ("small", "second-walk"):
        shutil.copytree(DATA / "tours" / "small", root / name)
    return root


def test_every_tour_folder_is_a_tour_named_by_its_folder(tmp_path):
    root = two_tours(tmp_path)
    (root / ".git-like").mkdir()  # hidden folders are not tours
    (root / "events.json").write_text("{}")  # site-wide files sit beside them
    tours = load_tours(root, "small")
    assert list(tours.tours) == ["second-walk", "small"]
    assert tours.tour("second-walk").id == "second-walk"
    assert tours.default.id == "small"
    with pytest.raises(UnknownTourError):
        tours.tour("nope")


def test_a_single_tour_is_the_default_whatever_its_name(tour_dir):
    assert load_tours(tour_dir.parent, "interhelpo").default_id == "small"


def test_the_shipped_catalogue_has_interhelpo_as_default():
    tours = load_tours(Path(__file__).parents[2] / "tour_data", "interhelpo")
    assert tours.default_id == "interhelpo"
    assert tours.default.title["en"].startswith("The making of industrial Bishkek")


def test_a_broken_second_tour_names_its_file_feature_and_field(tmp_path):
    root = two_tours(tmp_path)
    shutil.copy(DATA / "stops_missing_name.geojson", root / "small" / "stops.geojson")
    with pytest.raises(TourDataError) as caught:
        load_tours(root, "second-walk")
    assert caught.value.path == str(root / "small" / "stops.geojson")
    assert "middle" in (caught.value.feature or "")
    assert caught.value.field == "name"


def _break_tour_id(root: Path) -> None:
    meta = root / "small" / "tour.json"
    data = json.loads(meta.read_text(encoding="utf-8"))
    meta.write_text(json.dumps({"id": "small", **data}), encoding="utf-8")


def _files_at_the_top(root: Path) -> None:
    shutil.copy(root / "small" / "tour.json", root / "tour.json")


def _bad_folder_name(root: Path) -> None:
    (root / "small").rename(root / "Small_Walk")


def _no_tours(root: Path) -> None:
    shutil.rmtree(root / "small")
    shutil.rmtree(root / "second-walk")


def _folder_without_tour(root: Path) -> None:
    (root / "empty").mkdir()


@pytest.mark.parametrize(
    ("damage", "where", "field", "problem"),
    [
        (_break_tour_id, "small/tour.json", "id", "its folder name"),
        (_files_at_the_top, "tours/tour.json", None, "one folder per tour"),
        (_bad_folder_name, "Small_Walk", None, "must be a slug"),
        (_no_tours, "tours", None, "no tour folder"),
        (_folder_without_tour, "empty/tour.json", None, "file not found"),
    ],
)
def test_bad_catalogues_fail_naming_where(tmp_path, damage, where, field, problem):
    root = two_tours(tmp_path)
    damage(root)
    with pytest.raises(TourDataError, match=problem) as caught:
        load_tours(root, "small")
    assert caught.value.path.endswith(where)
    assert caught.value.field == field


def test_a_default_that_is_not_among_several_tours_is_refused(tmp_path):
    with pytest.raises(TourDataError, match="'interhelpo' is not one of second-walk"):
        load_tours(two_tours(tmp_path), "interhelpo")
