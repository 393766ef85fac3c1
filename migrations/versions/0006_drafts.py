"""drafts: a tour made in the guides' tools is hidden from guests until published

Revision ID: 0006_drafts
Revises: 0005_tours
Create Date: 2026-12-03 10:00:00

``tour_state.published`` is true for every existing row (those tours are on the
site today) and false only for a tour a guide makes and has not published yet.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_drafts"
down_revision = "0005_tours"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tour_state", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "published", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )


def downgrade():
    # A draft becomes visible on the way down: the old schema has no drafts.
    with op.batch_alter_table("tour_state", schema=None) as batch_op:
        batch_op.drop_column("published")
