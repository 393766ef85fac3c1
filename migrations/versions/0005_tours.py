"""several tours: everything that belongs to a tour is keyed by its id

Revision ID: 0005_tours
Revises: 0002_guide_tools
Create Date: 2026-12-01 23:00:00

Tour dates (and through them their registrations), guides' stop edits, route
variants, the published state, calibrations, track imports and live walks get a
``tour_id``: the tour's ``tour_data/`` folder name. Rows already there belong to
the tour the single-tour site served: the app's default tour (``DEFAULT_TOUR``,
``interhelpo``). Guide-added events stay site-wide. No row is dropped.
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app
from flask import has_app_context

# revision identifiers, used by Alembic.
revision = "0005_tours"
down_revision = "0004_ratings"
branch_labels = None
depends_on = None

TOUR_ID = sa.String(length=64)
# Each table that gets a tour_id, with its constraints to re-key.
TABLES = (
    "tour_sessions",
    "stop_edits",
    "calibrations",
    "route_variants",
    "track_imports",
    "live_walks",
    "tour_state",
)


def default_tour_id():
    """The tour whose rows these are: the app's default tour when run by the app."""
    if has_app_context():
        tours = current_app.extensions.get("tours")
        if tours is not None:
            return tours.default_id
        return current_app.config.get("DEFAULT_TOUR", "interhelpo")
    return "interhelpo"


def _fill(table, tour_id):
    rows = sa.table(table, sa.column("tour_id", TOUR_ID))
    op.execute(rows.update().values(tour_id=tour_id))


def upgrade():
    tour_id = default_tour_id()
    for table in TABLES:
        # Nullable first, filled, then NOT NULL: no server default is left
        # behind to file a new row silently under the old tour.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("tour_id", TOUR_ID, nullable=True))
        _fill(table, tour_id)

    with op.batch_alter_table("tour_sessions", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)
        batch_op.drop_index("ix_tour_sessions_starts_at")
        batch_op.create_index(
            "ix_tour_sessions_tour_id_starts_at", ["tour_id", "starts_at"]
        )

    # Two tours may both have a stop called "meeting".
    with op.batch_alter_table("stop_edits", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)
        batch_op.drop_constraint("pk_stop_edits", type_="primary")
        batch_op.create_primary_key("pk_stop_edits", ["tour_id", "stop_id"])

    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)
        batch_op.drop_index("ix_calibrations_stop_at")
        batch_op.create_index(
            "ix_calibrations_tour_id_stop_at", ["tour_id", "stop_id", "at"]
        )

    # A variant's name is unique within its tour.
    with op.batch_alter_table("route_variants", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)
        batch_op.drop_constraint("uq_route_variants_name", type_="unique")
        batch_op.create_unique_constraint(
            "uq_route_variants_tour_id_name", ["tour_id", "name"]
        )

    with op.batch_alter_table("track_imports", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)

    # Guests join a live walk by its code alone: codes stay unique site-wide.
    with op.batch_alter_table("live_walks", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)

    # One state row per tour (the revision that workers watch, the published path).
    with op.batch_alter_table("tour_state", schema=None) as batch_op:
        batch_op.alter_column("tour_id", existing_type=TOUR_ID, nullable=False)
        batch_op.create_unique_constraint("uq_tour_state_tour_id", ["tour_id"])


def downgrade():
    # The single-tour schema can hold one tour: the default one's rows are kept,
    # the other tours' are removed (their registrations first).
    tour_id = default_tour_id()
    bind = op.get_bind()
    others = sa.text("SELECT id FROM tour_sessions WHERE tour_id != :t")
    session_ids = [row[0] for row in bind.execute(others, {"t": tour_id})]
    if session_ids:
        registrations = sa.table("registrations", sa.column("session_id"))
        op.execute(
            registrations.delete().where(registrations.c.session_id.in_(session_ids))
        )
    for table in TABLES:
        rows = sa.table(table, sa.column("tour_id", TOUR_ID))
        op.execute(rows.delete().where(rows.c.tour_id != tour_id))

    with op.batch_alter_table("tour_state", schema=None) as batch_op:
        batch_op.drop_constraint("uq_tour_state_tour_id", type_="unique")
    with op.batch_alter_table("route_variants", schema=None) as batch_op:
        batch_op.drop_constraint("uq_route_variants_tour_id_name", type_="unique")
        batch_op.create_unique_constraint("uq_route_variants_name", ["name"])
    with op.batch_alter_table("calibrations", schema=None) as batch_op:
        batch_op.drop_index("ix_calibrations_tour_id_stop_at")
        batch_op.create_index("ix_calibrations_stop_at", ["stop_id", "at"])
    with op.batch_alter_table("stop_edits", schema=None) as batch_op:
        batch_op.drop_constraint("pk_stop_edits", type_="primary")
        batch_op.create_primary_key("pk_stop_edits", ["stop_id"])
    with op.batch_alter_table("tour_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_tour_sessions_tour_id_starts_at")
        batch_op.create_index("ix_tour_sessions_starts_at", ["starts_at"])
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("tour_id")
