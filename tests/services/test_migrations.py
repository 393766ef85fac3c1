"""Migrations move a database with data in it: every row kept, keyed by its tour.

Runs on SQLite and, when TEST_DATABASE_URL is set, on a fresh PostgreSQL database.
"""

from __future__ import annotations

import json
import warnings
from datetime import datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade
from flask_migrate import upgrade

from app import create_app
from tests.booking_support import BACKENDS
from tests.booking_support import database
from web.services.db import MIGRATIONS
from web.services.db import db

SINGLE_TOUR = "0004_ratings"  # the single-tour site's last revision
T0 = datetime(2026, 11, 20, 9, 30)

# Rows of a single-tour site, as the migrations up to 0002 made its tables.
OLD_ROWS = {
    "users": [
        {"id": 1, "username": "aida", "password_hash": "x", "created_at": T0},
        {"id": 2, "username": "bek", "password_hash": "y", "created_at": T0},
    ],
    "attempts": [{"id": 1, "kind": "login", "key": "k" * 64, "at": T0}],
    "tour_sessions": [
        {
            "id": session_id,
            "starts_at": datetime(2026, 12, day, 10, 0),
            "language": lang,
            "capacity": 10,
            "seats_taken": taken,
            "price_amount": 700,
            "price_currency": "KGS",
            "meeting_point": None,
            "note": "bring water" if day == 5 else None,
            "status": "scheduled",
            "created_at": T0,
            "updated_at": T0,
        }
        for session_id, day, lang, taken in ((1, 5, "en", 3), (2, 6, "ru", 0))
    ],
    "registrations": [
        {
            "id": index,
            "session_id": 1,
            "code": f"CODE{index}",
            "form_token": f"token-{index}",
            "name": name,
            "phone": "+996 555 000 00" + str(index),
            "email": None,
            "party_size": size,
            "language": "en",
            "note": None,
            "status": status,
            "attended": None,
            "consent_at": T0,
            "created_at": T0,
            "cancelled_at": None,
            "erased_at": None,
        }
        for index, name, size, status in (
            (1, "Jana", 2, "confirmed"),
            (2, "Petr", 1, "confirmed"),
            (3, "Olga", 4, "waitlist"),
        )
    ],
    "events": [
        {
            "id": 1,
            "title": "Concert",
            "venue": "Philharmonic",
            "starts_at": T0,
            "created_by": 1,
            "created_at": T0,
        }
    ],
    "stop_edits": [
        {
            "stop_id": stop_id,
            "feature_json": json.dumps({"id": stop_id}),
            "version": version,
            "updated_at": T0,
            "updated_by": 1,
        }
        for stop_id, version in (("start", 2), ("middle", 1))
    ],
    "calibrations": [
        {
            "id": 1,
            "stop_id": "middle",
            "user_id": 2,
            "at": T0,
            "old_lon": 74.58,
            "old_lat": 42.87,
            "new_lon": 74.581,
            "new_lat": 42.871,
            "accuracy_m": 8.0,
            "confirmed_poor": False,
        }
    ],
    "route_variants": [
        {
            "id": variant_id,
            "name": name,
            "stops_json": json.dumps(["start", "middle", "finish"]),
            "created_by": 1,
            "created_at": T0,
            "updated_at": T0,
        }
        for variant_id, name in ((1, "short"), (2, "step-free"))
    ],
    "track_imports": [
        {
            "id": 1,
            "user_id": 1,
            "filename": "walked.gpx",
            "created_at": T0,
            "base_revision": 4,
            "path_json": "{}",
            "matches_json": "[]",
        }
    ],
    "live_walks": [
        {
            "id": 1,
            "code": "ABCD1234",
            "guide_id": 1,
            "started_at": T0,
            "expires_at": datetime(2026, 11, 20, 13, 30),
            "stop_index": 2,
            "seq": 7,
            "updated_at": T0,
        }
    ],
}
KEYED_BY_TOUR = (
    "tour_sessions",
    "stop_edits",
    "calibrations",
    "route_variants",
    "track_imports",
    "live_walks",
    "tour_state",
)


@pytest.fixture(params=BACKENDS)
def old_site(request, tmp_path, tour_dir):
    """The app on a database at the single-tour schema, filled with rows."""
    with database(request.param, tmp_path) as config:
        app = create_app(
            {
                "TESTING": True,
                "TOUR_DATA": str(tour_dir.parent),
                "SECRET_KEY": "test",
                "DB_AUTO_UPGRADE": False,
                **config,
            }
        )
        with app.app_context():
            upgrade(directory=str(MIGRATIONS), revision=SINGLE_TOUR)
            with db.engine.begin() as conn:
                for name, rows in OLD_ROWS.items():
                    conn.execute(table(conn, name).insert(), rows)
                state = table(conn, "tour_state")
                conn.execute(
                    state.update().values(
                        revision=9,
                        order_json=json.dumps(["start", "finish"]),
                        path_json=json.dumps({"features": []}),
                        published_variant_id=2,
                        updated_by=2,
                    )
                )
                if conn.dialect.name == "postgresql":  # ids were given explicitly
                    for name in OLD_ROWS:
                        if "id" in table(conn, name).c:
                            conn.execute(
                                sa.text(
                                    f"SELECT setval(pg_get_serial_sequence('{name}',"
                                    f" 'id'), (SELECT max(id) FROM {name}))"
                                )
                            )
            yield app
            db.session.remove()
            db.engine.dispose()


def table(conn, name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=conn)


def snapshot(without: tuple[str, ...] = ()) -> dict[str, list[dict]]:
    """Every row of every table, by table, in key order."""
    with db.engine.connect() as conn:
        names = [*OLD_ROWS, "tour_state"]
        result = {}
        for name in names:
            rows_table = table(conn, name)
            keys = [column for column in rows_table.primary_key.columns]
            rows = conn.execute(sa.select(rows_table).order_by(*keys)).mappings()
            result[name] = [
                {k: v for k, v in row.items() if k not in without} for row in rows
            ]
        return result


def test_upgrade_keeps_every_row_and_files_it_under_the_default_tour(old_site):
    with old_site.app_context():
        before = snapshot()
        assert len(before["registrations"]) == 3  # the data really is there
        upgrade(directory=str(MIGRATIONS))
        after = snapshot()
        assert snapshot(without=("tour_id", "published")) == before
        # The tours of the old site stay on it: none becomes a draft.
        assert [row["published"] for row in after["tour_state"]] == [True]
        for name in KEYED_BY_TOUR:
            assert after[name], name
            assert {row["tour_id"] for row in after[name]} == {"small"}, name
        for name in set(OLD_ROWS) - set(KEYED_BY_TOUR):
            assert "tour_id" not in after[name][0], name


def test_the_migrated_schema_is_the_models_schema(old_site):
    with old_site.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            with warnings.catch_warnings():
                # SQLite's reflection skips the ratings' expression index
                # (uq_ratings_device, on coalesce(stop_id, '')): it cannot compare
                # it, and says so; the ratings tests check what it enforces.
                warnings.filterwarnings(
                    "ignore", "Skipped unsupported reflection", sa.exc.SAWarning
                )
                warnings.filterwarnings(
                    "ignore",
                    ".*expression-based index 'uq_ratings_device'",
                    UserWarning,
                )
                assert compare_metadata(context, db.metadata) == []


def test_after_the_upgrade_two_tours_may_share_stop_ids_and_variant_names(old_site):
    with old_site.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.begin() as conn:
            conn.execute(
                table(conn, "stop_edits").insert(),
                [{**OLD_ROWS["stop_edits"][0], "tour_id": "second"}],
            )
            conn.execute(
                table(conn, "route_variants").insert(),
                [
                    {
                        **{k: v for k, v in OLD_ROWS["route_variants"][0].items()},
                        "id": 3,
                        "tour_id": "second",
                    }
                ],
            )
        with pytest.raises(sa.exc.IntegrityError):
            with db.engine.begin() as conn:
                conn.execute(
                    table(conn, "route_variants").insert(),
                    [{**OLD_ROWS["route_variants"][0], "id": 4, "tour_id": "small"}],
                )


def test_downgrade_gives_back_the_single_tour_rows(old_site):
    with old_site.app_context():
        before = snapshot()
        upgrade(directory=str(MIGRATIONS))
        with db.engine.begin() as conn:  # another tour's date, lost on the way down
            conn.execute(
                table(conn, "tour_sessions").insert(),
                [{**OLD_ROWS["tour_sessions"][1], "id": 3, "tour_id": "second"}],
            )
        downgrade(directory=str(MIGRATIONS), revision=SINGLE_TOUR)
        assert snapshot() == before
