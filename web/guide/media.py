"""Photos and recorded narration of a stop, added by a guide from the phone.

Each upload is one request (the page's script sends several files one after the
other, with progress); scripts get JSON, forms a page with the message. A refused
file leaves nothing stored (`web.services.media`).
"""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from geo.tour import Stop
from web import get_tour
from web.guide import current_guide
from web.services import media
from web.services.media_files import LICENCES
from web.services.media_files import MediaRefused
from web.services.media_files import ffmpeg_available
from web.services.media_files import too_large
from web.services.security import UPLOAD_LIMITS
from web.services.tour_store import base_tour
from web.services.tour_store import catalogue

bp = Blueprint("media_guide", __name__, url_prefix="/guide/tours/<tour_id>/stops")

# The upload views set their own limit from the settings (MEDIA_*_MAX_MB) and
# refuse a bigger file with its message; the global body limit lets them see it.
for _endpoint in ("add_photo", "replace_photo", "set_recording"):
    UPLOAD_LIMITS[f"media_guide.{_endpoint}"] = 1024 * 1024 * 1024

LICENCE_LABELS = {
    "own": _l("Own photo"),
    "cc-by": "CC BY",
    "cc-by-sa": "CC BY-SA",
    "public-domain": _l("Public domain"),
    "permission": _l("With permission"),
}


def _stop(stop_id: str) -> Stop:
    for stop in catalogue():
        if stop.id == stop_id:
            return stop
    abort(404, _("No such stop."))


def _tour_id() -> str:
    return get_tour().id


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _upload(field: str, limit_bytes: float, kind: str) -> tuple[bytes, str]:
    # A little room over the file's own limit for the form's other fields; the
    # file's limit gives the message, werkzeug's only stops reading a huge body.
    request.max_content_length = int(limit_bytes) + 1024 * 1024
    try:
        upload = request.files.get(field)
    except RequestEntityTooLarge:
        raise MediaRefused(too_large(kind, limit_bytes)) from None
    if upload is None or not upload.filename:
        raise MediaRefused(_("Choose a file first."))
    data = upload.read(int(limit_bytes) + 1)
    return data, upload.filename


def _answer(
    stop_id: str, message: str, status: int = 200, **extra: object
) -> ResponseReturnValue:
    if _wants_json():
        if status >= 400:
            return jsonify(ok=False, error=message, status=status), status
        return jsonify(ok=True, message=message, **extra), status
    if status >= 400:
        return page(stop_id, error=message, status=status)
    flash(message)
    return redirect(url_for("media_guide.page", stop_id=stop_id), 303)


@bp.get("/<stop_id>/media")
def page(
    stop_id: str, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    """The stop's photos and recordings, with the forms to add and change them."""
    stop = _stop(stop_id)
    tour = base_tour()
    return (
        render_template(
            "guide/media.html",
            stop=stop,
            tour_id=_tour_id(),
            languages=tour.languages,
            photos=media.stop_photos(_tour_id(), stop_id),
            recordings={
                lang: media.stop_recording(_tour_id(), stop_id, lang)
                for lang in tour.languages
            },
            licences=[(key, LICENCE_LABELS[key]) for key in LICENCES],
            error=error,
            ffmpeg=ffmpeg_available(),
            photo_max_mb=current_app.config["MEDIA_PHOTO_MAX_MB"],
            audio_max_mb=current_app.config["MEDIA_AUDIO_MAX_MB"],
            audio_max_min=current_app.config["MEDIA_AUDIO_MAX_MIN"],
        ),
        status,
    )


def _limit(name: str) -> float:
    return float(current_app.config[name]) * 1024 * 1024


@bp.post("/<stop_id>/photos")
def add_photo(stop_id: str) -> ResponseReturnValue:
    """Keep one uploaded photo with its texts."""
    _stop(stop_id)
    guide = current_guide()
    try:
        data, filename = _upload("photo", _limit("MEDIA_PHOTO_MAX_MB"), "photo")
        meta = media.meta_from_form(request.form, base_tour().languages)
        photo_id = media.add_photo(
            _tour_id(),
            stop_id,
            data,
            meta,
            filename=filename,
            user_id=guide.id if guide else None,
        )
    except MediaRefused as exc:
        return _answer(stop_id, _("Not added: %(why)s", why=str(exc)), 422)
    return _answer(
        stop_id, _("Photo added."), 201 if _wants_json() else 200, id=photo_id
    )


@bp.post("/<stop_id>/photos/<int:photo_id>")
def update_photo(stop_id: str, photo_id: int) -> ResponseReturnValue:
    """Change a photo's texts, licence, year or then-and-now pair."""
    _stop(stop_id)
    try:
        meta = media.meta_from_form(request.form, base_tour().languages)
        media.update_photo(_tour_id(), stop_id, photo_id, meta)
    except MediaRefused as exc:
        return _answer(stop_id, _("Not saved: %(why)s", why=str(exc)), 422)
    except media.MediaNotFound as exc:
        return _answer(stop_id, str(exc), 404)
    return _answer(stop_id, _("Photo saved."))


@bp.post("/<stop_id>/photos/<int:photo_id>/replace")
def replace_photo(stop_id: str, photo_id: int) -> ResponseReturnValue:
    """Put another picture in place of a photo, keeping its texts."""
    _stop(stop_id)
    try:
        data, filename = _upload("photo", _limit("MEDIA_PHOTO_MAX_MB"), "photo")
        media.replace_photo(_tour_id(), stop_id, photo_id, data, filename=filename)
    except MediaRefused as exc:
        return _answer(stop_id, _("Not replaced: %(why)s", why=str(exc)), 422)
    except media.MediaNotFound as exc:
        return _answer(stop_id, str(exc), 404)
    return _answer(stop_id, _("Photo replaced."))


@bp.post("/<stop_id>/photos/<int:photo_id>/move")
def move_photo(stop_id: str, photo_id: int) -> ResponseReturnValue:
    """Move a photo earlier or later."""
    _stop(stop_id)
    step = -1 if request.form.get("direction") == "up" else 1
    try:
        media.move_photo(_tour_id(), stop_id, photo_id, step)
    except media.MediaNotFound as exc:
        return _answer(stop_id, str(exc), 404)
    return _answer(stop_id, _("Order saved."))


@bp.post("/<stop_id>/photos/<int:photo_id>/delete")
def delete_photo(stop_id: str, photo_id: int) -> ResponseReturnValue:
    """Remove a photo and its files."""
    _stop(stop_id)
    try:
        media.delete_photo(_tour_id(), stop_id, photo_id)
    except media.MediaNotFound as exc:
        return _answer(stop_id, str(exc), 404)
    return _answer(stop_id, _("Photo deleted."))


@bp.post("/<stop_id>/recordings/<lang>")
def set_recording(stop_id: str, lang: str) -> ResponseReturnValue:
    """Keep the stop's narration in one language (recorded here, or a file)."""
    _stop(stop_id)
    if lang not in base_tour().languages:
        abort(404, _("The tour is not told in this language."))
    guide = current_guide()
    try:
        data, filename = _upload("audio", _limit("MEDIA_AUDIO_MAX_MB"), "recording")
        media.set_recording(
            _tour_id(),
            stop_id,
            lang,
            data,
            filename=filename,
            user_id=guide.id if guide else None,
        )
    except MediaRefused as exc:
        return _answer(stop_id, _("Not kept: %(why)s", why=str(exc)), 422)
    return _answer(stop_id, _("Recording kept."), 201 if _wants_json() else 200)


@bp.post("/<stop_id>/recordings/<lang>/delete")
def delete_recording(stop_id: str, lang: str) -> ResponseReturnValue:
    """Remove the stop's narration in one language."""
    _stop(stop_id)
    try:
        media.delete_recording(_tour_id(), stop_id, lang)
    except media.MediaNotFound as exc:
        return _answer(stop_id, str(exc), 404)
    return _answer(stop_id, _("Recording deleted."))
