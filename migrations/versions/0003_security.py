"""security: a session version per guide, so that signing out revokes sessions

Revision ID: 0003_security
Revises: 0003_media
Create Date: 2026-12-01 23:00:00

Sessions signed before this revision hold no version and no sign-in time: the
guide signs in again once (web.guide.current_guide).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_security"
down_revision = "0003_media"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "session_version", sa.Integer(), nullable=False, server_default="1"
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
