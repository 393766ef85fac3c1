"""Guide pages for tour dates and registrations (under /guide, signed in).

Dates are created, edited and cancelled here; per date the guide sees who
registered, the totals, marks attendance, exports CSV, and deletes a person's
data on request.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from datetime import UTC
from datetime import datetime
from datetime import time

from flask import Blueprint
from flask import Response
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from web import current_tour_id
from web import get_tour
from web import of_tour
from web import use_tour
from web.guide import current_guide
from web.guide import login_required
from web.services import booking
from web.services.db import db
from web.services.forms import multi_line
from web.services.forms import single_line
from web.services.i18n import language_name
from web.services.i18n import tour_zone
from web.services.models import CALLED_OFF
from web.services.models import CONFIRMED
from web.services.models import SCHEDULED
from web.services.models import Registration
from web.services.models import TourSession

log = logging.getLogger(__name__)

bp = Blueprint("guide_dates", __name__, url_prefix="/guide")

MAX_CAPACITY = 500


class DateForm(FlaskForm):  # type: ignore[misc]
    """A tour date as the guide plans it."""

    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Pick a date."))])
    start = TimeField(
        _l("Start time"), validators=[InputRequired(message=_l("Pick a time."))]
    )
    language = SelectField(_l("Language of the walk"))
    capacity = IntegerField(
        _l("Seats"),
        default=8,
        validators=[
            InputRequired(message=_l("How many people can come?")),
            NumberRange(min=1, max=MAX_CAPACITY, message=_l("Between 1 and %(max)s.")),
        ],
    )
    price_amount = IntegerField(
        _l("Price per person"),
        default=700,
        validators=[
            InputRequired(message=_l("Give a price (0 for free).")),
            NumberRange(min=0, max=1_000_000, message=_l("Between 0 and %(max)s.")),
        ],
    )
    price_currency = StringField(
        _l("Currency"),
        default="KGS",
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[
            InputRequired(),
            Length(min=3, max=3, message=_l("Three letters, e.g. KGS.")),
        ],
    )
    meeting_point = StringField(
        _l("Meeting point, if not the usual one"),
        filters=[single_line],
        validators=[Length(max=300)],
    )
    note = TextAreaField(
        _l("Note for guests (shown on the registration page)"),
        filters=[multi_line],
        validators=[Length(max=1000)],
    )

    def validate_price_currency(self, field: StringField) -> None:
        """Letters only."""
        if field.data and not re.fullmatch(r"[A-Z]{3}", field.data):
            raise ValidationError(_("Three letters, e.g. KGS."))


def _date_or_404(session_id: int) -> TourSession:
    tour_date = of_tour(db.session.get(TourSession, session_id))
    if tour_date is None:
        abort(404, _("There is no such tour date."))
    return tour_date


def _date_form(tour_date: TourSession | None = None) -> DateForm:
    form = DateForm(obj=None)
    form.language.choices = [
        (lang, language_name(lang)) for lang in get_tour().languages
    ]
    if request.method == "GET":
        if tour_date is not None:
            form.day.data = tour_date.starts_at.date()
            form.start.data = tour_date.starts_at.time()
            form.language.data = tour_date.language
            form.capacity.data = tour_date.capacity
            form.price_amount.data = tour_date.price_amount
            form.price_currency.data = tour_date.price_currency
            form.meeting_point.data = tour_date.meeting_point or ""
            form.note.data = tour_date.note or ""
        else:
            tour = get_tour()
            form.language.data = tour.default_language
            form.price_amount.data = int(tour.price_amount)
            form.price_currency.data = tour.price_currency
            form.start.data = time(10, 0)
    return form


def _fields(form: DateForm) -> dict[str, object]:
    return {
        "starts_at": datetime.combine(form.day.data, form.start.data),
        "language": form.language.data,
        "capacity": form.capacity.data,
        "price_amount": form.price_amount.data,
        "price_currency": form.price_currency.data,
        "meeting_point": form.meeting_point.data or None,
        "note": form.note.data or None,
    }


@bp.get("/tours/<tour_id>/dates")
@login_required
def index() -> str:
    """All dates with their totals, upcoming first."""
    now = booking.local_now()
    dates = list(
        db.session.scalars(
            select(TourSession)
            .where(TourSession.tour_id == current_tour_id())
            .order_by(TourSession.starts_at)
        )
    )
    upcoming = [d for d in dates if d.starts_at > now]
    past = [d for d in dates if d.starts_at <= now][::-1]
    totals = {d.id: booking.totals(d.id) for d in dates}
    return render_template(
        "guide/dates.html",
        upcoming=upcoming,
        past=past,
        totals=totals,
        called_off=CALLED_OFF,
    )


@bp.route("/tours/<tour_id>/dates/new", methods=["GET", "POST"])
@login_required
def new_date() -> ResponseReturnValue:
    """Plan a new date."""
    form = _date_form()
    if form.validate_on_submit():
        tour_date = TourSession(
            **_fields(form),
            tour_id=current_tour_id(),
            seats_taken=0,
            status=SCHEDULED,
        )
        db.session.add(tour_date)
        db.session.commit()
        log.info("guide %s created date %s", current_guide().id, tour_date.id)  # type: ignore[union-attr]
        return redirect(url_for("guide_dates.show", session_id=tour_date.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("guide/date_form.html", form=form, date=None), status


@bp.route("/tours/<tour_id>/dates/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
def edit_date(session_id: int) -> ResponseReturnValue:
    """Change a date; seats cannot drop below those already taken."""
    tour_date = _date_or_404(session_id)
    form = _date_form(tour_date)
    if form.validate_on_submit():
        try:
            booking.update_date(session_id, **_fields(form))
        except booking.CapacityBelowTaken as exc:
            form.capacity.errors = [
                _(
                    "%(n)s seats are already taken; cancel registrations first.",
                    n=exc.seats_taken,
                )
            ]
        else:
            return redirect(url_for("guide_dates.show", session_id=session_id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("guide/date_form.html", form=form, date=tour_date), status


@bp.post("/tours/<tour_id>/dates/<int:session_id>/status")
@login_required
def set_status(session_id: int) -> ResponseReturnValue:
    """Cancel a date, or put it back on."""
    _date_or_404(session_id)
    form = FlaskForm()
    wanted = request.form.get("status")
    if not form.validate_on_submit() or wanted not in (SCHEDULED, CALLED_OFF):
        abort(400)
    booking.set_date_status(session_id, wanted)
    return redirect(url_for("guide_dates.show", session_id=session_id), 303)


@bp.get("/tours/<tour_id>/dates/<int:session_id>")
@login_required
def show(session_id: int) -> str:
    """Who registered for a date, with totals and attendance."""
    tour_date = _date_or_404(session_id)
    return render_template(
        "guide/date.html",
        date=tour_date,
        totals=booking.totals(session_id),
        registrations=tour_date.registrations,
        confirmed=CONFIRMED,
        called_off=CALLED_OFF,
    )


def _csv_cell(value: object) -> object:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.get("/tours/<tour_id>/dates/<int:session_id>.csv")
@login_required
def export_csv(session_id: int) -> Response:
    """The registrations of a date as CSV (UTF-8 with BOM, for spreadsheets)."""
    tour_date = _date_or_404(session_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "code",
            "status",
            "name",
            "phone",
            "email",
            "people",
            "language",
            "note",
            "attended",
            "registered_at",
        ]
    )
    for r in tour_date.registrations:
        writer.writerow(
            [
                _csv_cell(v)
                for v in (
                    booking.format_code(r.code),
                    r.status,
                    r.name,
                    r.phone or "",
                    r.email or "",
                    r.party_size,
                    r.language,
                    r.note or "",
                    {True: "yes", False: "no", None: ""}[r.attended],
                    # In the tour's zone, with its offset: 2030-12-14T10:00:00+06:00.
                    r.created_at.replace(tzinfo=UTC)
                    .astimezone(tour_zone())
                    .isoformat(timespec="seconds"),
                )
            ]
        )
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="registrations-{tour_date.starts_at:%Y-%m-%d-%H%M}.csv"'
    )
    return response


def _registration_or_404(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    use_tour(registration.session.tour_id)  # its date's page is under its tour
    return registration


@bp.post("/registrations/<int:registration_id>/attendance")
@login_required
def attendance(registration_id: int) -> ResponseReturnValue:
    """Mark a party as come, not come, or unknown."""
    registration = _registration_or_404(registration_id)
    form = FlaskForm()
    value = {"yes": True, "no": False, "": None}.get(
        request.form.get("attended", "x"), "x"
    )
    if not form.validate_on_submit() or value == "x":
        abort(400)
    booking.set_attendance(registration_id, value)  # type: ignore[arg-type]
    return redirect(
        url_for("guide_dates.show", session_id=registration.session_id)
        + f"#r{registration_id}",
        303,
    )


@bp.post("/registrations/<int:registration_id>/erase")
@login_required
def erase(registration_id: int) -> ResponseReturnValue:
    """Delete a person's data on request (an upcoming place is cancelled too)."""
    registration = _registration_or_404(registration_id)
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    session_id = registration.session_id
    booking.erase(registration_id, now=booking.local_now())
    log.info("guide %s erased registration %s", current_guide().id, registration_id)  # type: ignore[union-attr]
    flash(_("The person's data have been deleted."))
    return redirect(url_for("guide_dates.show", session_id=session_id), 303)
