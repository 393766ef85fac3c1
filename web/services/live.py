"""Live walks' state: the guide says "we are at stop N" and every guest's phone follows.

The guide's remote is `web.guide.live`, the guests' pages `web.public.live`.

State lives in the database (``live_walks``), so it works behind a plain WSGI server
with several worker processes: guests poll ``/api/live/<code>`` every few seconds.
A walk ends by itself four hours after it started; the guide's position is shared
only while the walk is live, and only when the guide turns sharing on.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort
from flask import g
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from web import current_tour_id
from web import get_tour
from web import use_tour
from web.services.db import db
from web.services.db import write_transaction
from web.services.guide_models import LiveWalk
from web.services.i18n import pick
from web.services.models import utcnow

WALK_HOURS = 4
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 6
POSITION_FRESH_S = 120
POLL_MS = 3000


def new_code() -> str:
    """A short code that is easy to read out and type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """Codes are case-insensitive: 'ab3 xyz' -> 'AB3XYZ'."""
    return "".join(code.split()).upper()[:12]


def is_live(walk: LiveWalk) -> bool:
    """Started, not ended by the guide, and within its four hours."""
    return walk.ended_at is None and utcnow() < walk.expires_at


def find_walk(code: str) -> LiveWalk:
    """The walk with this code (any case, spaces ignored), or a 404."""
    walk = db.session.scalar(
        select(LiveWalk).where(LiveWalk.code == normalise_code(code))
    )
    if walk is None or walk.tour_id != g.get("tour_id", walk.tour_id):
        abort(404, _("No live walk has this code. Check it with your guide."))
    use_tour(walk.tour_id)  # guests' pages have no tour in their URL
    if not is_live(walk) and walk.guide_position_at is not None:
        # Ended or expired: the position goes now (web.services.privacy).
        from web.services.privacy import erase_expired_positions

        erase_expired_positions()
        db.session.refresh(walk)
    return walk


def active_walks() -> list[LiveWalk]:
    """Walks in progress, the latest first."""
    walks = db.session.scalars(
        select(LiveWalk)
        .where(
            LiveWalk.tour_id == current_tour_id(),
            LiveWalk.ended_at.is_(None),
            LiveWalk.expires_at > utcnow(),
        )
        .order_by(LiveWalk.started_at.desc())
    )
    return list(walks)


def update_walk(code: str, **values: Any) -> LiveWalk:
    """Change a live walk (404 unknown, 409 ended); guests see it at the next poll."""
    with write_transaction() as session:
        walk = session.scalar(
            select(LiveWalk).where(LiveWalk.code == normalise_code(code))
        )
        if walk is None or walk.tour_id != current_tour_id():
            abort(404, _("No live walk has this code. Check it with your guide."))
        if not is_live(walk):
            abort(409, _("This live walk has ended."))
        for key, value in values.items():
            setattr(walk, key, value)
        walk.seq += 1
        walk.updated_at = utcnow()
    return walk


def state(walk: LiveWalk) -> dict[str, Any]:
    """What a guest's phone needs: the current stop and, if shared, the guide."""
    tour = get_tour()
    live = is_live(walk)
    index = min(walk.stop_index, len(tour.stops) - 1)
    stop = tour.stops[index]
    guide = None
    if (
        live
        and walk.guide_lat is not None
        and walk.guide_lon is not None
        and walk.guide_position_at is not None
    ):
        age_s = (utcnow() - walk.guide_position_at).total_seconds()
        if age_s <= POSITION_FRESH_S:
            guide = {
                "lat": walk.guide_lat,
                "lon": walk.guide_lon,
                "accuracy_m": walk.guide_accuracy_m,
                "age_s": round(age_s),
            }
    return {
        "ok": True,
        "code": walk.code,
        "live": live,
        "seq": walk.seq,
        "stop_index": index,
        "stop_count": len(tour.stops),
        "stop": {
            "id": stop.id,
            "name": pick(stop.name),
            "summary": pick(stop.summary),
            "narrative": pick(stop.narrative).split("\n\n"),
            "lat": stop.lat,
            "lon": stop.lon,
            "url": url_for("pages.stop", stop_id=stop.id),
        },
        "guide": guide,
        "ends_at": walk.expires_at.isoformat() + "Z",
    }
