"""The planner as a new guide meets it: the plan's map data, the legs API, and
publishing only after a question that says what guests will see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from geo.distance import haversine_m
from tests.guide.test_tools import CONFIRM
from tests.guide.test_tools import SHIPPED
from tests.guide.test_tools import make_app
from tests.support import AuthActions
from web.guide.planner import distance_units

ROOT = Path(__file__).parents[2]
SHORT = ["meeting-point", "frunze-plant-gate", "interhelpo-quarter", "osh-bazaar"]


@pytest.fixture
def gapp(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def guide(gapp):
    return AuthActions(gapp).create().signed_in()


def plan_data(guide) -> dict:
    html = guide.get("/guide/tours/interhelpo/plan").get_data(as_text=True)
    start = html.index('<script type="application/json" id="plan-data">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_the_plan_page_carries_the_map(guide):
    data = plan_data(guide)
    stops = json.loads(
        (ROOT / "tour_data" / "interhelpo" / "stops.geojson").read_text()
    )
    by_id = {f["properties"]["id"]: f for f in stops["features"]}
    assert set(data["stops"]) == set(SHIPPED)
    for stop_id, stop in data["stops"].items():
        lon, lat = by_id[stop_id]["geometry"]["coordinates"]
        assert (stop["lon"], stop["lat"]) == (lon, lat)
        assert stop["kind"] == by_id[stop_id]["properties"]["kind"]
    assert [(leg["from"], leg["to"]) for leg in data["legs"]] == list(
        zip(SHIPPED, SHIPPED[1:], strict=False)
    )
    assert data["legsUrl"] == "/guide/api/tours/interhelpo/plan/legs"


def test_the_legs_of_an_order_join_its_stops(guide):
    data = plan_data(guide)
    answer = guide.post(
        "/guide/api/tours/interhelpo/plan/legs", json={"stops": SHORT}
    ).get_json()
    assert answer["ok"] is True
    legs = answer["legs"]
    assert [(leg["from"], leg["to"]) for leg in legs] == list(
        zip(SHORT, SHORT[1:], strict=False)
    )
    for leg in legs:
        for end, stop_id in (
            (leg["latlngs"][0], leg["from"]),
            (leg["latlngs"][-1], leg["to"]),
        ):
            stop = data["stops"][stop_id]
            assert haversine_m((end[1], end[0]), (stop["lon"], stop["lat"])) < 30
        assert leg["length_m"] > 0


@pytest.mark.parametrize(
    "stops", [None, ["meeting-point"], ["osh-bazaar", "meeting-point"], ["x", "y"]]
)
def test_the_legs_api_refuses_bad_orders(guide, stops):
    response = guide.post(
        "/guide/api/tours/interhelpo/plan/legs", json={"stops": stops}
    )
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


@pytest.mark.parametrize(
    ("lang", "units"),
    [
        ("en", {"m": "m", "km": "km", "decimal": "."}),
        ("ru", {"m": "м", "km": "км", "decimal": ","}),
    ],
)
def test_the_planner_writes_distances_as_the_pages_do(lang, units):
    assert distance_units(lang) == units


def test_publishing_without_the_confirmation_only_asks(guide):
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "short", "stops": ",".join(SHORT)},
    )
    response = guide.post("/guide/tours/interhelpo/plan/variants/1/publish")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        "/guide/tours/interhelpo/plan/variants/1/publish"
    )
    assert guide.get("/api/tours/interhelpo").get_json()["stops"] == SHIPPED
    question = guide.get("/guide/tours/interhelpo/plan/variants/1/publish").get_data(
        as_text=True
    )
    assert "Publish “short”?" in question
    assert "Leaves out Pishpek station (today Bishkek-1)." in question
    assert 'name="confirm" value="yes"' in question
    assert (
        guide.post(
            "/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM
        ).status_code
        == 303
    )
    assert guide.get("/api/tours/interhelpo").get_json()["stops"] == SHORT


def with_slot(tmp_path: Path, minutes: int) -> Path:
    target = tmp_path / "tour"
    shutil.copytree(ROOT / "tour_data", target)
    meta_path = target / "interhelpo" / "tour.json"
    meta = json.loads(meta_path.read_text())
    meta["duration_min"] = minutes
    meta_path.write_text(json.dumps(meta, ensure_ascii=False))
    return target


@pytest.mark.parametrize(
    ("slot_min", "lang", "shown", "hidden"),
    [
        (30, "en", "more than the tour’s time slot of 30 min", "fits the tour"),
        (30, "ru", "больше отведённых на прогулку 30 мин", "укладывается"),
        (600, "en", "fits the tour’s time slot of 10 h", "more than the tour"),
    ],
)
def test_the_question_warns_in_words_when_over_the_slot(
    tmp_path, slot_min, lang, shown, hidden
):
    app = make_app(tmp_path, TOUR_DATA=str(with_slot(tmp_path, slot_min)))
    guide = AuthActions(app).create().signed_in()
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "all", "stops": ",".join(SHIPPED)},
    )
    page = guide.get(
        f"/guide/tours/interhelpo/plan/variants/1/publish?lang={lang}"
    ).get_data(as_text=True)
    assert shown in page
    assert hidden not in page
