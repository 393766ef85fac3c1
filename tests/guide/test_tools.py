"""Guide tools through the test client: planner, check, editing, calibration, track
import, live walks; the /guide gate and CSRF on every state-changing request."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from werkzeug.routing.converters import NumberConverter

from geo.loader import load_tour
from tests import support
from tests.support import AuthActions
from web.services.db import db
from web.services.guide_models import Calibration
from web.services.guide_models import LiveWalk
from web.services.models import utcnow

ROOT = Path(__file__).parents[2]
TRACKS = Path(__file__).parents[1] / "data" / "tracks"
SHIPPED = [
    "meeting-point",
    "interhelpo-quarter",
    "frunze-plant-gate",
    "pishpek-station",
    "fucik-street",
    "ala-archa-bridge",
    "osh-bazaar",
]
CONFIRM = {"confirm": "yes"}


def make_app(tmp_path: Path, **config):
    """The shipped tour; forms without CSRF tokens unless a test turns them on."""
    return support.make_app(tmp_path, **{"WTF_CSRF_ENABLED": False, **config})


@pytest.fixture
def app(tmp_path):
    """The shipped tour, forms without CSRF tokens (tests of CSRF turn it on)."""
    return make_app(tmp_path)


@pytest.fixture
def guest(app):
    return app.test_client()


# --- the gate and CSRF ---------------------------------------------------------


def guide_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/guide") and rule.endpoint != "auth.login":
            yield rule


def fill(rule) -> str:
    values = {
        name: 1
        if isinstance(conv, NumberConverter)
        else "interhelpo"
        if name == "tour_id"
        else "x"
        for name, conv in rule._converters.items()
    }
    url = rule.rule
    for name, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url


def test_every_guide_url_refuses_anonymous_visitors(app, guest):
    checked = 0
    for rule in guide_rules(app):
        url = fill(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = guest.open(url, method=method)
            if url.startswith("/guide/api/"):  # API clients: 401 in the JSON shape
                assert response.status_code == 401, (method, url)
                assert response.get_json()["ok"] is False
            else:  # people: to the sign-in page
                assert response.status_code == 303, (method, url)
                assert "/guide/login" in response.headers["Location"]
            checked += 1
    assert checked > 25


# Public JSON posts without a form token (web/public/ratings: same-origin only).
NO_FORM_TOKEN = {
    "/api/tours/interhelpo/ratings",
    "/api/tours/interhelpo/walk-end",
}


def test_every_state_changing_request_needs_the_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = AuthActions(app).create().signed_in()
    checked = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            url = fill(rule)
            if url in NO_FORM_TOKEN:
                # Anonymous JSON from a cached page that holds no token: refused
                # when another site sends it.
                response = client.open(
                    url,
                    method=method,
                    json={"x": "1"},
                    headers={
                        "Origin": "https://evil.example",
                        "Sec-Fetch-Site": "cross-site",
                    },
                )
                assert response.status_code == 403, (method, url, response.status_code)
            else:
                response = client.open(url, method=method, data={"x": "1"})
                assert response.status_code == 400, (method, url, response.status_code)
            checked.append(url)
    assert "/guide/api/tours/interhelpo/plan/best-order" in checked
    assert "/guide/tours/interhelpo/live/start" in checked
    with app.app_context():
        assert db.session.query(LiveWalk).count() == 0


# --- planner -------------------------------------------------------------------


def test_best_order_is_exact_and_keeps_the_end(guide):
    mixed = [SHIPPED[0], SHIPPED[6], SHIPPED[3], SHIPPED[1], SHIPPED[5], SHIPPED[2]]
    answer = guide.post(
        "/guide/api/tours/interhelpo/plan/best-order", json={"stops": mixed}
    ).get_json()
    assert answer["ok"] and answer["solver"] == "exact"
    assert answer["order"][0] == "meeting-point" and answer["order"][-1] == "osh-bazaar"
    assert sorted(answer["order"]) == sorted(mixed)
    # No street files in this app (make_app): the matrix is straight lines.
    assert answer["method"] == "straight"


@pytest.mark.parametrize(
    "stops",
    [
        None,
        "meeting-point",
        ["meeting-point"],
        ["osh-bazaar", "meeting-point"],
        ["meeting-point", "nowhere"],
        ["meeting-point", "osh-bazaar", "osh-bazaar"],
        [1, 2],
        ["meeting-point", "x" * 5000],
    ],
)
def test_best_order_refuses_bad_stops(guide, stops):
    response = guide.post(
        "/guide/api/tours/interhelpo/plan/best-order", json={"stops": stops}
    )
    assert response.status_code == 400
    assert response.get_json()["ok"] is False


def test_save_publish_and_the_public_tour_follows(guide, guest):
    short = ["meeting-point", "frunze-plant-gate", "interhelpo-quarter", "osh-bazaar"]
    response = guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": " short ", "stops": ",".join(short)},
    )
    assert response.status_code == 303
    page = guide.get(response.headers["Location"]).get_data(as_text=True)
    assert "short" in page and 'data-stop-id="frunze-plant-gate"' in page
    assert (
        guide.post(
            "/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM
        ).status_code
        == 303
    )
    tour = guest.get("/api/tours/interhelpo").get_json()
    assert tour["stops"] == short
    route = guest.get("/api/tours/interhelpo/route").get_json()
    assert [
        (f["properties"]["from"], f["properties"]["to"]) for f in route["features"]
    ] == [(a, b) for a, b in zip(short, short[1:], strict=False)]
    html = guest.get("/tours/interhelpo/").get_data(as_text=True)
    positions = [html.find(f"/tours/interhelpo/stops/{stop_id}") for stop_id in short]
    assert all(p > 0 for p in positions) and positions == sorted(positions)
    assert "/tours/interhelpo/stops/pishpek-station" not in html
    stops = guest.get("/api/tours/interhelpo/stops").get_json()["features"]
    assert [f["properties"]["kind"] for f in stops] == [
        "meeting",
        "stop",
        "stop",
        "end",
    ]


def test_variant_gpx_and_route_sheet(guide, gpx_schema):
    order = ",".join(SHIPPED[:3] + SHIPPED[-1:])
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "Step-free", "stops": order},
    )
    gpx = guide.get("/guide/tours/interhelpo/plan/variants/1.gpx")
    assert gpx.status_code == 200
    assert "interhelpo-step-free.gpx" in gpx.headers["Content-Disposition"]
    gpx_schema.validate(gpx.get_data(as_text=True))
    sheet = guide.get("/guide/tours/interhelpo/plan/variants/1/sheet?start=09:30")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200
    assert "09:30" in html and "<svg" in html and "<polyline" in html
    assert (
        guide.get(
            "/guide/tours/interhelpo/plan/variants/1/sheet?start=25:99"
        ).status_code
        == 400
    )
    css = (ROOT / "static" / "css" / "guide.css").read_text()
    assert "@media print" in css


def test_saving_under_the_same_name_overwrites(guide):
    for order in (SHIPPED[:2], SHIPPED[:3]):
        guide.post(
            "/guide/tours/interhelpo/plan/variants",
            data={"name": "x", "stops": ",".join(order)},
        )
    page = guide.get("/guide/tours/interhelpo/plan").get_data(as_text=True)
    assert page.count('data-variant="x"') == 1
    assert "3 stops" in page


@pytest.mark.parametrize("name", ["", "   ", "n" * 81])
def test_variant_names_are_checked(guide, name):
    response = guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": name, "stops": ",".join(SHIPPED)},
    )
    assert response.status_code == 400


# --- the check ------------------------------------------------------------------


def test_check_page_and_command_on_the_shipped_tour(app, guide):
    page = guide.get("/guide/tours/interhelpo/check").get_data(as_text=True)
    assert "0 errors" in page and "estimate" in page
    result = app.test_cli_runner().invoke(args=["tour", "check"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_check_command_exits_1_on_errors(tmp_path):
    data = tmp_path / "tours" / "interhelpo"
    data.mkdir(parents=True)
    for name in ("tour.json", "stops.geojson"):
        (data / name).write_text((ROOT / "tour_data" / "interhelpo" / name).read_text())
    stops = json.loads((data / "stops.geojson").read_text())
    stops["features"][1]["properties"]["arrival_radius_m"] = 40
    (data / "stops.geojson").write_text(json.dumps(stops))
    app = make_app(tmp_path, TOUR_DATA=str(data.parent))
    result = app.test_cli_runner().invoke(args=["tour", "check"])
    assert result.exit_code == 1
    assert "ERROR" in result.output and "under 65 m" in result.output


def test_export_round_trips_through_the_loader(app, guide, tmp_path):
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "s", "stops": ",".join(SHIPPED[:4])},
    )
    guide.post("/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM)
    out = tmp_path / "exported"
    result = app.test_cli_runner().invoke(args=["tour", "export", str(out)])
    assert result.exit_code == 0, result.output
    tour = load_tour(out)
    assert [s.id for s in tour.stops] == SHIPPED[:4]
    assert tour.stops[-1].kind == "end"
    # The walk from Osh Bazaar (not in this variant) is written out in words.
    directions = tour.meeting_directions["en"]
    assert "{walk-" not in directions and "About 1.2 km in all" in directions
    assert "{walk-" not in guide.get("/tours/interhelpo/about").get_data(as_text=True)
    assert (
        guide.get("/guide/tours/interhelpo/package.zip").headers["Content-Type"]
        == "application/zip"
    )


# --- editing ----------------------------------------------------------------------


def edit_form(client, stop_id):
    return edit_form_from(
        client.get(f"/guide/tours/interhelpo/stops/{stop_id}/edit").get_data(
            as_text=True
        )
    )


def edit_form_from(html):
    fields = dict(re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', html))
    for name, text in re.findall(
        r'<textarea[^>]*name="([a-z_]+)"[^>]*>([^<]*)</textarea>', html
    ):
        fields[name] = text
    import html as html_lib

    return {k: html_lib.unescape(v) for k, v in fields.items() if k != "csrf_token"}


def test_edit_is_saved_and_shown_publicly(guide, guest):
    form = edit_form(guide, "pishpek-station")
    assert form["version"] == "0"
    form["summary_en"] = "Where the Interhelpo train arrived in 1925."
    form["dwell_min"] = "9"
    response = guide.post(
        "/guide/tours/interhelpo/stops/pishpek-station/edit", data=form
    )
    assert response.status_code == 303
    stop = guest.get("/api/tours/interhelpo/stops/pishpek-station").get_json()[
        "properties"
    ]
    assert stop["summary"]["en"] == "Where the Interhelpo train arrived in 1925."
    assert stop["dwell_min"] == 9
    assert "arrived in 1925" in guest.get(
        "/tours/interhelpo/stops/pishpek-station"
    ).get_data(as_text=True)
    assert edit_form(guide, "pishpek-station")["version"] == "1"


@pytest.mark.parametrize(
    ("field", "value", "message", "marked"),
    [
        (
            "arrival_radius_m",
            "10",
            "The arrival radius must be between 20 and 300 m.",
            "arrival_radius_m",
        ),
        (
            "arrival_radius_m",
            "abc",
            "Give the arrival radius as a number of metres, e.g. 40.",
            "arrival_radius_m",
        ),
        (
            "dwell_min",
            "200",
            "The time at the stop must be between 0.5 and 120 minutes.",
            "dwell_min",
        ),
        (
            "dwell_min",
            "nan",
            "Give the time at the stop as a number of minutes, e.g. 5.",
            "dwell_min",
        ),
        (
            "name_ru",
            "   ",
            "The “Name” field (Русский) is empty; every language needs it.",
            "name_ru",
        ),
        (
            "narrative_en",
            "",
            "The “Story” field (English) is empty; every language needs it.",
            "narrative_en",
        ),
        (
            "sources",
            "Only a book title",
            "At least one source needs its web address (https://…)",
            "sources",
        ),
        (
            "sources",
            "https://example.org/a A\nhttps:// A title",
            "Source 2 does not start with a web address (https://…)",
            "sources",
        ),
        (
            "sources",
            "https://example.org/a A\nhttps://example.org/b",
            "Source 2 has no title: write it after the web address",
            "sources",
        ),
        (
            "sources",
            "",
            "Give at least one source: its web address, a space, then its title.",
            "sources",
        ),
    ],
)
def test_edit_errors_read_like_a_person_wrote_them(
    guide, guest, field, value, message, marked
):
    form = edit_form(guide, "fucik-street")
    form[field] = value
    response = guide.post("/guide/tours/interhelpo/stops/fucik-street/edit", data=form)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    # Not the loader's wording for files: no field names in brackets, no ranges.
    assert (
        "[" + field not in html and ".." not in html.split('id="edit-error"')[1][:300]
    )
    assert re.search(rf'id="{marked}"[^>]*aria-invalid="true"', html)
    assert (
        guest.get("/api/tours/interhelpo/stops/fucik-street").get_json()["properties"][
            "arrival_radius_m"
        ]
        == 70
    )


def test_edit_errors_in_russian(guide):
    form = edit_form(guide, "fucik-street")
    form["arrival_radius_m"] = "5"
    response = guide.post(
        "/guide/tours/interhelpo/stops/fucik-street/edit?lang=ru", data=form
    )
    assert response.status_code == 422
    assert "Радиус прибытия должен быть от 20 до 300 м." in response.get_data(
        as_text=True
    )


def test_second_guide_gets_a_conflict(app, guide):
    other = AuthActions(app, username="boris").create().signed_in()
    first = edit_form(guide, "osh-bazaar")
    second = edit_form(other, "osh-bazaar")
    first["summary_en"] = "First guide's summary."
    second["summary_en"] = "Second guide's summary."
    assert (
        guide.post(
            "/guide/tours/interhelpo/stops/osh-bazaar/edit", data=first
        ).status_code
        == 303
    )
    response = other.post("/guide/tours/interhelpo/stops/osh-bazaar/edit", data=second)
    assert response.status_code == 409
    assert "Someone else saved this stop" in response.get_data(as_text=True)
    stop = other.get("/api/tours/interhelpo/stops/osh-bazaar").get_json()["properties"]
    assert stop["summary"]["en"] == "First guide's summary."


# --- calibration --------------------------------------------------------------------


def test_calibration_refuses_poor_fixes_unless_confirmed(app, guide, guest):
    url = "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate"
    fix = {"lat": "42.86860", "lon": "74.55740", "accuracy": "35", "version": "0"}
    guide.post(url, data=fix)
    assert "Not saved" in guide.get(url).get_data(as_text=True)
    before = guest.get("/api/tours/interhelpo/stops/frunze-plant-gate").get_json()
    assert before["geometry"]["coordinates"] == [74.5573, 42.8685]
    guide.post(url, data={**fix, "confirm_poor": "yes"})
    after = guest.get("/api/tours/interhelpo/stops/frunze-plant-gate").get_json()
    assert after["geometry"]["coordinates"] == [74.5574, 42.8686]
    assert after["properties"]["position"]["quality"] == "firm"
    assert "Field-verified by a guide" in after["properties"]["position"]["basis"]["en"]
    with app.app_context():
        (entry,) = db.session.query(Calibration).all()
        assert (entry.old_lon, entry.old_lat) == (74.5573, 42.8685)
        assert (entry.new_lon, entry.new_lat) == (74.5574, 42.8686)
        assert entry.confirmed_poor and entry.user_id == 1


@pytest.mark.parametrize(
    ("lat", "lon"), [("-89.9", "0"), ("42.8730", "74.5573")], ids=["south-pole", "500m"]
)
def test_calibration_far_from_the_pin_needs_confirming(app, guide, guest, lat, lon):
    url = "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate"
    fix = {"lat": lat, "lon": lon, "accuracy": "5", "version": "0"}
    guide.post(url, data=fix)
    assert "Not saved" in guide.get(url).get_data(as_text=True)
    before = guest.get("/api/tours/interhelpo/stops/frunze-plant-gate").get_json()
    assert before["geometry"]["coordinates"] == [74.5573, 42.8685]
    guide.post(url, data={**fix, "confirm_far": "yes"})
    after = guest.get("/api/tours/interhelpo/stops/frunze-plant-gate").get_json()
    assert after["geometry"]["coordinates"] == [float(lon), float(lat)]


def test_calibration_far_limit_is_configurable(app, guide, guest):
    app.config["CALIBRATION_MAX_MOVE_M"] = 50
    url = "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate"
    guide.post(
        url, data={"lat": "42.8690", "lon": "74.5573", "accuracy": "5", "version": "0"}
    )
    assert "Not saved" in guide.get(url).get_data(as_text=True)


def test_calibration_reroutes_the_legs_at_the_stop(guide, guest):
    old = {
        (f["properties"]["from"], f["properties"]["to"]): f
        for f in guest.get("/api/tours/interhelpo/route").get_json()["features"]
    }
    guide.post(
        "/guide/tours/interhelpo/stops/pishpek-station/calibrate",
        data={"lat": "42.86720", "lon": "74.55210", "accuracy": "6", "version": "0"},
    )
    new = {
        (f["properties"]["from"], f["properties"]["to"]): f
        for f in guest.get("/api/tours/interhelpo/route").get_json()["features"]
    }
    for key in (
        ("frunze-plant-gate", "pishpek-station"),
        ("pishpek-station", "fucik-street"),
    ):
        assert new[key]["geometry"] != old[key]["geometry"]
    moved_end = new[("frunze-plant-gate", "pishpek-station")]["geometry"][
        "coordinates"
    ][-1]
    assert moved_end == pytest.approx([74.5521, 42.8672], abs=5e-4)
    untouched = ("meeting-point", "interhelpo-quarter")
    assert new[untouched]["geometry"] == old[untouched]["geometry"]
    page = guide.get("/guide/tours/interhelpo/stops/").get_data(as_text=True)
    assert "field-verified ±6 m" in page


@pytest.mark.parametrize(
    "fix",
    [
        {},
        {"lat": "nan", "lon": "74.5", "accuracy": "5", "version": "0"},
        {"lat": "95", "lon": "74.5", "accuracy": "5", "version": "0"},
        {"lat": "42.8", "lon": "74.5", "accuracy": "-1", "version": "0"},
        {"lat": "42.8", "lon": "74.5", "accuracy": "5", "version": "x"},
    ],
)
def test_calibration_refuses_bad_positions(guide, fix):
    response = guide.post(
        "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate", data=fix
    )
    assert response.status_code == 400


# --- walked-track import ------------------------------------------------------------


def upload(client, name):
    with (TRACKS / name).open("rb") as handle:
        return client.post(
            "/guide/tours/interhelpo/track/",
            data={"track": (handle, name)},
            content_type="multipart/form-data",
        )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.gpx", "holds no track"),
        ("broken.gpx", "not a GPX file"),
        ("far_away.gpx", "somewhere else"),
    ],
)
def test_bad_tracks_change_nothing(guide, guest, name, message):
    before = guest.get("/api/tours/interhelpo/route").get_json()
    response = upload(guide, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert guest.get("/api/tours/interhelpo/route").get_json() == before


def test_good_track_is_reviewed_then_applied(guide, guest):
    before = guest.get("/api/tours/interhelpo/route").get_json()
    response = upload(guide, "walk.gpx")
    assert response.status_code == 303
    review = guide.get(response.headers["Location"]).get_data(as_text=True)
    assert "Replace the path" in review
    assert guest.get("/api/tours/interhelpo/route").get_json() == before
    guide.post("/guide/tours/interhelpo/track/1/apply")
    after = guest.get("/api/tours/interhelpo/route").get_json()["features"]
    assert all(not f["properties"]["approximate"] for f in after)
    assert sum(f["properties"]["length_m"] for f in after) > sum(
        f["properties"]["length_m"] for f in before["features"]
    )


def test_a_stale_review_cannot_be_applied(guide, guest):
    upload(guide, "walk.gpx")
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "a", "stops": ",".join(SHIPPED)},
    )
    guide.post("/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM)
    before = guest.get("/api/tours/interhelpo/route").get_json()
    guide.post("/guide/tours/interhelpo/track/1/apply")
    assert guest.get("/api/tours/interhelpo/route").get_json() == before


# --- live walks -----------------------------------------------------------------------


def start_walk(guide) -> str:
    response = guide.post("/guide/tours/interhelpo/live/start")
    return response.headers["Location"].rsplit("/", 1)[1]


def test_guests_follow_the_guide(guide, guest):
    code = start_walk(guide)
    assert re.fullmatch(r"[A-Z2-9]{6}", code)
    control = guide.get(f"/guide/tours/interhelpo/live/{code}").get_data(as_text=True)
    assert "<svg" in control and f"/live/{code}" in control
    assert guest.get(f"/live/{code.lower()}").status_code == 302
    assert guest.get(f"/live/{code}").status_code == 200
    assert guest.get(f"/api/live/{code}").get_json()["stop_index"] == 0
    guide.post(f"/guide/tours/interhelpo/live/{code}/at", data={"stop": "3"})
    state = guest.get(f"/api/live/{code}").get_json()
    assert state["stop_index"] == 3 and state["stop"]["id"] == "pishpek-station"
    assert state["guide"] is None


def test_position_is_shared_only_while_live(guide, guest):
    code = start_walk(guide)
    fix = {"lat": 42.8751, "lon": 74.558, "accuracy": 9}
    assert (
        guide.post(
            f"/guide/tours/interhelpo/live/{code}/position", json=fix
        ).status_code
        == 200
    )
    assert guest.get(f"/api/live/{code}").get_json()["guide"]["lat"] == 42.8751
    guide.post(f"/guide/tours/interhelpo/live/{code}/position/stop")
    assert guest.get(f"/api/live/{code}").get_json()["guide"] is None
    guide.post(f"/guide/tours/interhelpo/live/{code}/position", json=fix)
    guide.post(f"/guide/tours/interhelpo/live/{code}/end")
    state = guest.get(f"/api/live/{code}").get_json()
    assert state["live"] is False and state["guide"] is None
    assert (
        guide.post(
            f"/guide/tours/interhelpo/live/{code}/position", json=fix
        ).status_code
        == 409
    )


def test_a_live_walk_ends_by_itself_after_four_hours(app, guide, guest):
    code = start_walk(guide)
    with app.app_context():
        walk = db.session.query(LiveWalk).one()
        assert walk.expires_at - walk.started_at == timedelta(hours=4)
        walk.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert guest.get(f"/api/live/{code}").get_json()["live"] is False
    assert (
        guide.post(
            f"/guide/tours/interhelpo/live/{code}/at", data={"stop": "1"}
        ).status_code
        == 409
    )
    assert (
        guide.get("/guide/tours/interhelpo/live").status_code == 200
    )  # offers a new walk


@pytest.mark.parametrize("stop", ["", "-1", "7", "x", "1e3"])
def test_live_stop_must_exist(guide, stop):
    code = start_walk(guide)
    assert (
        guide.post(
            f"/guide/tours/interhelpo/live/{code}/at", data={"stop": stop}
        ).status_code
        == 400
    )


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"lat": "x", "lon": 1, "accuracy": 1},
        {"lat": 91, "lon": 1, "accuracy": 1},
        {"lat": 1, "lon": 1, "accuracy": -5},
        {"lat": 1, "lon": 1},
    ],
)
def test_live_position_must_be_a_position(guide, body):
    code = start_walk(guide)
    assert (
        guide.post(
            f"/guide/tours/interhelpo/live/{code}/position", json=body
        ).status_code
        == 400
    )


def test_unknown_live_codes(guest):
    assert guest.get("/api/live/ZZZZZZ").status_code == 404
    assert guest.get("/live/ZZZZZZ").status_code == 404
    assert guest.get("/live?code=ab c").headers["Location"].endswith("/live/ABC")


def test_stale_database_state_never_breaks_the_public_pages(app, guest):
    from web.services.guide_models import StopEdit
    from web.services.guide_models import TourState

    with app.app_context():
        state = db.session.get(TourState, 1)
        state.order_json = json.dumps(["meeting-point", "gone", "osh-bazaar"])
        state.path_json = json.dumps({"type": "FeatureCollection", "features": []})
        state.revision += 1
        db.session.add(StopEdit(stop_id="osh-bazaar", feature_json="{}", version=1))
        db.session.commit()
    assert guest.get("/tours/interhelpo/").status_code == 200
    tour = guest.get("/api/tours/interhelpo").get_json()
    assert tour["stops"] == ["meeting-point", "osh-bazaar"]
    route = guest.get("/api/tours/interhelpo/route").get_json()["features"]
    assert [(f["properties"]["from"], f["properties"]["to"]) for f in route] == [
        ("meeting-point", "osh-bazaar")
    ]
    stop = guest.get("/api/tours/interhelpo/stops/osh-bazaar").get_json()
    assert stop["properties"]["name"]["en"] == "Osh Bazaar"


def test_routes_to_a_stop_go_to_its_calibrated_pin(guide, guest):
    guide.post(
        "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate",
        data={"lat": "42.86860", "lon": "74.55740", "accuracy": "5", "version": "0"},
    )
    route = guest.get(
        "/api/tours/interhelpo/route?from=meeting-point&to=frunze-plant-gate"
    ).get_json()
    end = route["geometry"]["coordinates"][-1]
    assert end == pytest.approx([74.5574, 42.8686], abs=2e-4)


def test_migrations_form_one_line():
    """Two engineers adding revisions on the same parent would break start-up."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_huge_uploads_are_refused_unread(guide, guest):
    before = guest.get("/api/tours/interhelpo/route").get_json()
    body = b"<gpx>" + b" " * 6_000_000 + b"</gpx>"
    response = guide.post(
        "/guide/tours/interhelpo/track/",
        data={"track": (__import__("io").BytesIO(body), "huge.gpx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)
    assert guest.get("/api/tours/interhelpo/route").get_json() == before


def test_without_street_data_the_planner_says_distances_are_estimates(tmp_path):
    app = make_app(tmp_path, STREET_FILES=[])
    client = AuthActions(app).create().signed_in()
    page = client.get("/guide/tours/interhelpo/plan").get_data(as_text=True)
    assert "straight lines × 1.3" in page
    answer = client.post(
        "/guide/api/tours/interhelpo/plan/best-order", json={"stops": SHIPPED}
    ).get_json()
    assert answer["method"] == "straight" and answer["solver"] == "exact"


def test_deleting_the_published_variant_keeps_the_route(guide, guest):
    short = ["meeting-point", "interhelpo-quarter", "osh-bazaar"]
    guide.post(
        "/guide/tours/interhelpo/plan/variants",
        data={"name": "s", "stops": ",".join(short)},
    )
    guide.post("/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM)
    assert (
        guide.post("/guide/tours/interhelpo/plan/variants/1/delete").status_code == 303
    )
    assert guest.get("/api/tours/interhelpo").get_json()["stops"] == short
    assert 'data-variant="s"' not in guide.get("/guide/tours/interhelpo/plan").get_data(
        as_text=True
    )
    assert (
        guide.post(
            "/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM
        ).status_code
        == 404
    )


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_every_problem_reads_in_both_languages(app, lang):
    from geo.checks import MESSAGES
    from geo.checks import Problem
    from web import get_tour
    from web.guide.check import LABELS
    from web.guide.check import describe_problem

    params = {
        "error_m": 300, "limit_m": 100, "radius_m": 40, "other": "osh-bazaar",
        "distance_m": 50, "other_radius_m": 70, "lang": "en", "read_min": 3.2,
        "words": 420, "dwell_min": 2, "total_min": 130, "slot_min": 120,
        "approximate_m": 10, "length_m": 100, "photo": 1, "kb": 180, "width": 960,
        "limit_kb": 150, "mb": 9.5, "limit_mb": 8, "duration_min": 6.5,
    }  # fmt: skip
    assert set(LABELS) == set(MESSAGES)
    with app.test_request_context(f"/guide/tours/interhelpo/check?lang={lang}"):
        for code in MESSAGES:
            problem = Problem(code, "error", "frunze-plant-gate", params)
            text = describe_problem(problem, get_tour())["text"]
            assert "%(" not in text and text.strip()
            if lang == "ru":
                assert re.search("[а-я]", text), text
            assert problem.message


def test_a_variant_with_stops_gone_from_the_files_still_works(app, guide):
    from web.services.guide_models import RouteVariant

    with app.app_context():
        order = ["meeting-point", "demolished-kiosk", "osh-bazaar"]
        db.session.add(RouteVariant(name="old", stops_json=json.dumps(order)))
        db.session.commit()
    assert guide.get("/guide/tours/interhelpo/plan").status_code == 200
    assert guide.get("/guide/tours/interhelpo/plan/variants/1.gpx").status_code == 200
    assert guide.get("/guide/tours/interhelpo/plan/variants/1/sheet").status_code == 200
    assert (
        guide.post(
            "/guide/tours/interhelpo/plan/variants/1/publish", data=CONFIRM
        ).status_code
        == 303
    )
    assert guide.get("/api/tours/interhelpo").get_json()["stops"] == [
        "meeting-point",
        "osh-bazaar",
    ]


def test_resending_after_a_conflict_conflicts_again(app, guide):
    other = AuthActions(app, username="boris").create().signed_in()
    first, second = edit_form(guide, "osh-bazaar"), edit_form(other, "osh-bazaar")
    guide.post("/guide/tours/interhelpo/stops/osh-bazaar/edit", data=first)
    response = other.post("/guide/tours/interhelpo/stops/osh-bazaar/edit", data=second)
    assert response.status_code == 409
    resent = edit_form_from(response.get_data(as_text=True))
    assert (
        other.post(
            "/guide/tours/interhelpo/stops/osh-bazaar/edit", data=resent
        ).status_code
        == 409
    )
    fresh = edit_form(other, "osh-bazaar")
    assert (
        other.post(
            "/guide/tours/interhelpo/stops/osh-bazaar/edit", data=fresh
        ).status_code
        == 303
    )
