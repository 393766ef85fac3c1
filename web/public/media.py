"""Media files for guests: photos and recordings under content-hashed names.

A file's name holds the hash of its bytes, so it never changes: it is served with
a year's immutable cache, and with HTTP Range (phones seek in a recording).
``/api/tours/<tour-id>/media-pack`` lists what "Save this walk for offline" downloads.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import request
from flask import send_file

from web import get_tour
from web.services import media
from web.services.media_store import BadMediaKey
from web.services.media_store import check_key
from web.services.media_store import media_store

bp = Blueprint("media", __name__)

MIMETYPES = {
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "avif": "image/avif",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
}
YEAR_S = 365 * 24 * 3600


@bp.get("/media/<path:key>")
def file(key: str) -> Response:
    """One stored file, cached for good, with Range support."""
    try:
        check_key(key)
    except BadMediaKey:
        abort(404)
    mimetype = MIMETYPES.get(key.rsplit(".", 1)[-1])
    store = media_store()
    if mimetype is None or not store.exists(key):
        abort(404)
    size = store.size(key)
    response = send_file(
        store.open(key),
        mimetype=mimetype,
        conditional=False,
        etag=key.rsplit("/", 1)[-1],
        max_age=YEAR_S,
    )
    response.content_length = size
    response.headers["Cache-Control"] = f"public, max-age={YEAR_S}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    return response


@bp.get("/api/tours/<tour_id>/media-pack")
def media_pack() -> Response:
    """What to download to walk offline: one width of each photo, one language's
    recordings; with their sizes, so the page can say how much before it starts."""
    tour = get_tour()
    lang = request.args.get("lang", tour.default_language)
    if lang not in tour.languages:
        lang = tour.default_language
    try:
        width = int(request.args.get("width", "960"))
    except ValueError:
        width = 960
    width = max(1, min(width, 4000))
    fmt = request.args.get("format", "webp")
    if fmt not in ("webp", "jpeg"):
        fmt = "webp"
    photos = []
    for stop in tour.stops:
        for photo in media.stop_photos(tour.id, stop.id):
            chosen = photo.pick(fmt, width)
            photos.append(
                {"stop": stop.id, "url": photo.url(chosen), "bytes": chosen["bytes"]}
            )
    recordings = []
    for stop in tour.stops:
        rec = media.stop_recording(tour.id, stop.id, lang)
        if rec is not None:
            recordings.append({"stop": stop.id, "url": rec.url, "bytes": rec.bytes})
    response = jsonify(
        tour=tour.id,
        lang=lang,
        width=width,
        format=fmt,
        photos=photos,
        recordings=recordings,
        photo_bytes=sum(p["bytes"] for p in photos),
        recording_bytes=sum(r["bytes"] for r in recordings),
    )
    response.headers["Cache-Control"] = "no-cache"
    return response
