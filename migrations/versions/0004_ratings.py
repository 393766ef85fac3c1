"""ratings: walkers' ratings per stop and for the walk; where walkers stopped

Revision ID: 0004_ratings
Revises: 0003_security
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004_ratings"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("stop_id", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "score >= 1 AND score <= 5", name=op.f("ck_ratings_score_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ratings_tour_stop", ["tour_id", "stop_id"], unique=False
        )
    # An expression index (SQLite >= 3.9 and PostgreSQL): one rating per phone,
    # tour and stop, the walk's own (stop_id NULL) included.
    op.create_index(
        "uq_ratings_device",
        "ratings",
        ["tour_id", "token_hash", sa.text("coalesce(stop_id, '')")],
        unique=True,
    )
    op.create_table(
        "stop_reach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tour_id", sa.String(length=64), nullable=False),
        sa.Column("stop_index", sa.Integer(), nullable=False),
        sa.Column("walkers", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "walkers >= 0", name=op.f("ck_stop_reach_walkers_not_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stop_reach")),
        sa.UniqueConstraint(
            "tour_id", "stop_index", name=op.f("uq_stop_reach_tour_id")
        ),
    )


def downgrade():
    op.drop_table("stop_reach")
    op.drop_index("uq_ratings_device", table_name="ratings")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_ratings_tour_stop")
    op.drop_table("ratings")
