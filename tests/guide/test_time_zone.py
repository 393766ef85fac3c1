"""Times are shown in the tour's time zone (``time_zone`` in tour.json), never UTC:
the live walk's end, registrations, the calibration log, the public dates."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import select

from tests.booking_support import add_date
from tests.booking_support import register
from tests.guide.test_tools import make_app
from tests.support import AuthActions
from web.services.db import db
from web.services.guide_models import Calibration
from web.services.guide_models import LiveWalk
from web.services.models import Registration

ROOT = Path(__file__).parents[2]
# Bishkek is UTC+6 all year; Prague is UTC+1 or +2: the two never show the same clock.
ZONES = [("Asia/Bishkek", "Bishkek"), ("Europe/Prague", "Prague")]


def tour_in(tmp_path: Path, zone: str) -> Path:
    target = tmp_path / "tour"
    shutil.copytree(ROOT / "tour_data", target)
    meta_path = target / "interhelpo" / "tour.json"
    meta = json.loads(meta_path.read_text())
    meta["time_zone"] = zone
    meta_path.write_text(json.dumps(meta, ensure_ascii=False))
    return target


def local(stamp: datetime, zone: str) -> datetime:
    return stamp.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


@pytest.fixture(params=ZONES, ids=[zone for zone, _ in ZONES])
def zoned(request, tmp_path):
    zone, city = request.param
    app = make_app(tmp_path, TOUR_DATA=str(tour_in(tmp_path, zone)))
    return app, AuthActions(app).create().signed_in(), zone, city


def test_the_live_walk_ends_in_local_time(zoned):
    app, guide, zone, city = zoned
    code = (
        guide.post("/guide/tours/interhelpo/live/start")
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    with app.app_context():
        ends = db.session.scalar(select(LiveWalk.expires_at))
    page = guide.get(f"/guide/tours/interhelpo/live/{code}").get_data(as_text=True)
    shown = local(ends, zone).strftime("%H:%M")
    assert f"Ends by itself at {shown} ({city} time)." in page
    assert "UTC" not in page
    assert ends.strftime("%H:%M") != shown


def test_registrations_show_local_time_and_the_csv_its_offset(zoned):
    app, guide, zone, city = zoned
    date_id = add_date(app, capacity=6)
    register(app.test_client(), date_id, tour="interhelpo", name="Aida")
    with app.app_context():
        created = db.session.scalar(select(Registration.created_at))
    at = local(created, zone)
    page = guide.get(f"/guide/tours/interhelpo/dates/{date_id}").get_data(as_text=True)
    assert (
        f'<time datetime="{at.replace(tzinfo=None).isoformat(timespec="minutes")}"'
        in page
    )
    assert f"Times are local time in {city}." in page
    assert "UTC" not in page
    text = guide.get(f"/guide/tours/interhelpo/dates/{date_id}.csv").get_data(
        as_text=True
    )
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["registered_at"] == at.isoformat(timespec="seconds")
    assert datetime.fromisoformat(row["registered_at"]).utcoffset() == at.utcoffset()


def test_the_calibration_log_is_in_local_time(zoned):
    app, guide, zone, city = zoned
    fix = {"lat": "42.86871", "lon": "74.55746", "accuracy": "6", "version": "0"}
    guide.post("/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate", data=fix)
    with app.app_context():
        at = db.session.scalar(select(Calibration.at))
    page = guide.get(
        "/guide/tours/interhelpo/stops/frunze-plant-gate/calibrate"
    ).get_data(as_text=True)
    stamp = local(at, zone).replace(tzinfo=None).isoformat(timespec="minutes")
    assert f'<time datetime="{stamp}">' in page
    assert " UTC" not in page
    story = guide.get("/tours/interhelpo/stops/frunze-plant-gate").get_data(
        as_text=True
    )
    # The public note carries the local date, as the page's language writes it.
    assert format_date(local(at, zone).date(), "long", locale="en") in story


@pytest.mark.parametrize(
    ("page", "lang", "words"),
    [
        ("list", "en", "Times are local time in Bishkek."),
        ("list", "ru", "Время указано местное: Бишкек."),
        ("form", "en", "(Bishkek time)"),
        ("form", "ru", "(местное время, Бишкек)"),
    ],
)
def test_public_dates_say_whose_clock(tmp_path, page, lang, words):
    app = make_app(tmp_path)
    date_id = add_date(app)
    url = (
        "/tours/interhelpo/dates"
        if page == "list"
        else f"/tours/interhelpo/dates/{date_id}/register"
    )
    html = app.test_client().get(f"{url}?lang={lang}").get_data(as_text=True)
    assert words in html
