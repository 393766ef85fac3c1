"""Tour dates for guests: list, registration, confirmation, calendar file, cancelling.

Personal data go into the database and onto guide pages only: the confirmation
page, its calendar file and every log line carry the code, the date and the
party size, never a name, phone number or e-mail address.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

from babel.dates import format_skeleton
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date
from flask_babel import format_datetime
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.fields import EmailField
from wtforms.fields import TelField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from geo.ical import CalendarEntry
from geo.ical import to_ics
from web import current_tour_id
from web import get_tour
from web import of_tour
from web.services import booking
from web.services import mail
from web.services.db import db
from web.services.http_cache import public_page
from web.services.i18n import currency_symbol
from web.services.i18n import format_number
from web.services.i18n import pick
from web.services.links import external_url
from web.services.models import CALLED_OFF
from web.services.models import CANCELLED
from web.services.models import CONFIRMED
from web.services.models import SCHEDULED
from web.services.models import WAITLIST
from web.services.models import TourSession
from web.services.security import attempts_since
from web.services.security import clean_text
from web.services.security import client_address
from web.services.security import record_attempt

log = logging.getLogger(__name__)

bp = Blueprint("dates", __name__)

MAX_PARTY = 20
MAX_BODY = 64 * 1024
_PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]+$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _single_line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _multi_line(value: object) -> object:
    return clean_text(value, multiline=True) if isinstance(value, str) else value


def valid_phone(value: str) -> bool:
    """International or local phone numbers: +996 559 336 001, (0559) 336-001 ...

    >>> valid_phone("+996 559 336 001"), valid_phone("+996 (0) 559 336 001")
    (True, True)
    >>> valid_phone("12"), valid_phone("call me")
    (False, False)
    """
    if not _PHONE_CHARS.match(value):
        return False
    digits = re.sub(r"\D", "", value.replace("(0)", ""))
    return 7 <= len(digits) <= 15


class RegistrationForm(FlaskForm):  # type: ignore[misc]
    """What a guest fills in; every message appears next to its field."""

    name = StringField(
        _l("Your name"),
        filters=[_single_line],
        validators=[
            InputRequired(message=_l("Please tell us your name.")),
            Length(max=100, message=_l("Please use at most 100 characters.")),
        ],
    )
    phone = TelField(
        _l("Phone"),
        filters=[_single_line],
        validators=[Length(max=40, message=_l("Please use at most 40 characters."))],
    )
    email = EmailField(
        _l("E-mail"),
        filters=[_single_line],
        validators=[Length(max=254, message=_l("Please use at most 254 characters."))],
    )
    party_size = IntegerField(
        _l("Number of people"),
        default=1,
        validators=[
            InputRequired(message=_l("How many people are coming?")),
            NumberRange(
                min=1, max=MAX_PARTY, message=_l("Between 1 and %(max)s people.")
            ),
        ],
    )
    note = TextAreaField(
        _l("Note for the guide (optional)"),
        filters=[_multi_line],
        validators=[
            Length(max=1000, message=_l("Please use at most 1000 characters."))
        ],
    )
    consent = BooleanField(
        _l(
            "I agree that my name and contact are stored to organise this walk "
            "and deleted on request."
        ),
        validators=[
            InputRequired(message=_l("Please agree, or we cannot register you."))
        ],
    )
    # Honeypot: hidden from people, filled in by form-filling robots.
    website = StringField(_l("Leave this field empty"))
    form_token = HiddenField()
    waitlist = HiddenField()

    def validate_phone(self, field: TelField) -> None:
        """A phone number, if given, must look like one."""
        if field.data and not valid_phone(field.data):
            raise ValidationError(
                _(
                    "Please enter a phone number with its country code, "
                    "e.g. +996 555 123 456."
                )
            )

    def validate_email(self, field: EmailField) -> None:
        """An e-mail address, if given, must look like one; one of the two is needed."""
        if field.data and not _EMAIL.match(field.data):
            raise ValidationError(
                _("Please enter an e-mail address like name@example.com.")
            )
        if not field.data and not self.phone.data:
            raise ValidationError(_("Please give a phone number or an e-mail address."))


def init_app(app: Flask) -> None:
    """Register the blueprint, the date filters and ``upcoming_dates`` for templates."""
    app.before_request_funcs.setdefault(None, []).insert(0, _limit_body)
    app.register_blueprint(bp)
    app.jinja_env.filters.update(
        day=format_day,
        short_day=format_short_day,
        clock=format_clock,
        code=booking.format_code,
    )
    app.jinja_env.globals.update(
        upcoming_dates=upcoming_dates, next_open_date=next_open_date
    )


def _limit_body() -> None:
    # A registration is a few hundred bytes: refuse megabytes before anything
    # (CSRF included) parses the form.
    if request.path.startswith(("/dates/", "/tours/")) and "/dates/" in request.path:
        request.max_content_length = MAX_BODY


def format_day(moment: datetime, style: str = "full") -> str:
    """A date in the page's language: 'Saturday, 14 December 2030'."""
    return str(format_date(moment.date(), style))


def format_short_day(moment: datetime, *, weekday: bool = True) -> str:
    """Day and short month, with the weekday: 'Sat, Dec 5', 'so 5. 12.', '5-дек., ишм.'.

    A CLDR skeleton, so each language puts the parts in its own order with its own
    punctuation (a fixed pattern such as 'EEE d MMM' gives Czech 'so 5 pro').
    """
    skeleton = "MMMEd" if weekday else "MMMd"
    return str(format_skeleton(skeleton, moment.date(), locale=get_locale()))


def format_clock(moment: datetime) -> str:
    """A wall-clock time: '10:00'."""
    return str(format_datetime(moment, "HH:mm"))


def upcoming_dates(limit: int | None = None) -> list[TourSession]:
    """Scheduled dates that have not started, soonest first."""
    query = (
        select(TourSession)
        .where(
            TourSession.tour_id == current_tour_id(),
            TourSession.status == SCHEDULED,
            TourSession.starts_at > booking.local_now(),
        )
        .order_by(TourSession.starts_at)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class NextDate:
    """The soonest date with seats left, as the first screen shows it."""

    id: int
    starts_at: datetime
    language: str
    seats_left: int


def next_open_date() -> NextDate | None:
    """The soonest scheduled date with free seats, read at most every few seconds."""
    cache: dict[str, Any] = current_app.extensions.setdefault("next_date", {})
    now = time.monotonic()
    if (
        "value" not in cache
        or now - cache["at"] >= current_app.config["NEXT_DATE_TTL_S"]
    ):
        found = db.session.scalars(
            select(TourSession)
            .where(
                TourSession.status == SCHEDULED,
                TourSession.starts_at > booking.local_now(),
                TourSession.seats_taken < TourSession.capacity,
            )
            .order_by(TourSession.starts_at)
            .limit(1)
        ).first()
        cache["value"] = (
            NextDate(found.id, found.starts_at, found.language, found.seats_left)
            if found
            else None
        )
        cache["at"] = now
    value: NextDate | None = cache["value"]
    return value


def _tour_date(session_id: int) -> TourSession:
    tour_date = of_tour(db.session.get(TourSession, session_id))
    if tour_date is None:
        abort(404, _("There is no such tour date."))
    return tour_date


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/tours/<tour_id>/dates")
def index() -> Response:
    """List the upcoming dates with the seats left."""
    return public_page(
        lambda: render_template(
            "public/dates/index.html",
            dates=upcoming_dates(),
            # Offline, the copy on the phone says how old it is.
            rendered_at=datetime.now(UTC).replace(tzinfo=None),
            local_time=booking.local_now(),
        ),
        ttl_s=float(current_app.config["NEXT_DATE_TTL_S"]),
    )


@bp.get("/api/tours/<tour_id>/dates")
def api_dates() -> Response:
    """The upcoming dates as JSON (no personal data)."""
    return jsonify(
        ok=True,
        dates=[
            {
                "id": d.id,
                "starts_at": d.starts_at.isoformat(timespec="minutes"),
                "language": d.language,
                "capacity": d.capacity,
                "seats_left": d.seats_left,
                "price": {"amount": d.price_amount, "currency": d.price_currency},
                "register": url_for("dates.register", session_id=d.id),
            }
            for d in upcoming_dates()
        ],
    )


def _closed_reason(tour_date: TourSession) -> str | None:
    if tour_date.status == CALLED_OFF:
        return _("This date has been cancelled by the guide.")
    if tour_date.starts_at <= booking.local_now():
        return _("This date is in the past.")
    return None


def _new_form(tour_date: TourSession) -> RegistrationForm:
    form = RegistrationForm()
    if request.method == "GET":
        form.form_token.data = secrets.token_hex(16)
        form.waitlist.data = "1" if tour_date.seats_left == 0 else ""
    return form


def _form_page(
    tour_date: TourSession,
    form: RegistrationForm,
    status: int = 200,
    *,
    error: str | None = None,
    outcome: str | None = None,
) -> ResponseReturnValue:
    page = render_template(
        "public/dates/register.html",
        date=tour_date,
        form=form,
        closed=_closed_reason(tour_date),
        error=error,
        outcome=outcome,
        max_party=MAX_PARTY,
    )
    return _private(current_app.make_response((page, status)))


@bp.route("/tours/<tour_id>/dates/<int:session_id>/register", methods=["GET", "POST"])
def register(session_id: int) -> ResponseReturnValue:
    """Show the form for one date, and take a registration (or waitlist place)."""
    tour_date = _tour_date(session_id)
    form = _new_form(tour_date)
    if request.method == "GET":
        return _form_page(tour_date, form)
    if _closed_reason(tour_date):
        return _form_page(tour_date, form, 410)
    if not form.validate_on_submit():
        return _form_page(
            tour_date, form, 422, error=_("Please check the fields marked below.")
        )
    if form.website.data:
        log.info("registration refused: honeypot field filled (date %s)", session_id)
        return _form_page(
            tour_date, form, 400, error=_("Sorry, we could not take this registration.")
        )
    limit = current_app.config["REGISTRATIONS_PER_ADDRESS"]
    if limit:
        count, wait = attempts_since(
            "register", client_address(), current_app.config["REGISTRATION_WINDOW_S"]
        )
        if count >= limit:
            log.info("registration refused: rate limit (date %s)", session_id)
            error = _(
                "Too many registrations from your connection. "
                "Please try again in %(n)s min or call us.",
                n=max(1, round(wait / 60)),
            )
            page = _form_page(tour_date, form, 429, error=error)
            return page
        record_attempt("register", client_address())
    token = form.form_token.data if _TOKEN.match(form.form_token.data or "") else None
    guest = booking.Guest(
        name=form.name.data,
        phone=form.phone.data or None,
        email=form.email.data or None,
        party_size=form.party_size.data,
        # A date is walked in one language, shown on the form: not asked again.
        language=tour_date.language,
        note=form.note.data or None,
    )
    try:
        booked = booking.register(
            session_id,
            guest,
            token or secrets.token_hex(16),
            waitlist=form.waitlist.data == "1",
            now=booking.local_now(),
        )
    except booking.NotEnoughSeats as exc:
        form.waitlist.data = "1"
        if exc.seats_left:
            message = _(
                "Only %(n)s seats are left. Choose fewer people, or join the waitlist.",
                n=exc.seats_left,
            )
        else:
            message = _(
                "Sorry, this date is full. You can join the waitlist: "
                "we will tell you if seats free up."
            )
        db.session.expire_all()
        return _form_page(tour_date, form, 409, error=message, outcome="full")
    except booking.DateClosed:
        db.session.expire_all()
        return _form_page(tour_date, form, 410)
    log.info(
        "registration %s for date %s: %s%s",
        booked.code,
        session_id,
        booked.status,
        "" if booked.created else " (re-submitted)",
    )
    if booked.created and guest.email:
        mail.send_confirmation(booked.code)
    return redirect(url_for("dates.confirmation", code=booked.code), 303)


def _registration_or_404(code: str):  # type: ignore[no-untyped-def]
    registration = booking.find(code)
    if registration is None or registration.session.tour_id != current_tour_id():
        abort(404, _("No registration has this code. Please check it."))
    return registration


@bp.get("/tours/<tour_id>/dates/r/<code>")
def confirmation(code: str) -> ResponseReturnValue:
    """Everything a guest needs to show up: code, date, price, map, links."""
    from web.public.pages import drawn_map

    registration = _registration_or_404(code)
    page = render_template(
        "public/dates/confirmation.html",
        reg=registration,
        date=registration.session,
        closed=_closed_reason(registration.session),
        map=drawn_map("meeting"),
        states={
            "confirmed": CONFIRMED,
            "waitlist": WAITLIST,
            "cancelled": CANCELLED,
            "called_off": CALLED_OFF,
        },
    )
    return _private(current_app.make_response(page))


@bp.route("/tours/<tour_id>/dates/r/<code>/cancel", methods=["GET", "POST"])
def cancel(code: str) -> ResponseReturnValue:
    """Ask, then cancel a registration by its code; the seats go back on sale."""
    registration = _registration_or_404(code)
    error = None
    if request.method == "POST":
        form = FlaskForm()
        if form.validate_on_submit():
            try:
                result = booking.cancel(code, now=booking.local_now())
            except booking.DateClosed:
                error = _("This date is in the past; it cannot be cancelled any more.")
            else:
                log.info("registration %s cancelled", result.code)
                return redirect(url_for("dates.confirmation", code=result.code), 303)
    page = render_template(
        "public/dates/cancel.html",
        reg=registration,
        date=registration.session,
        error=error,
    )
    return _private(current_app.make_response((page, 409 if error else 200)))


@bp.route("/tours/<tour_id>/dates/cancel", methods=["GET", "POST"])
def find_registration() -> ResponseReturnValue:
    """Find a registration by the code a guest typed."""
    error = None
    if request.method == "POST":
        form = FlaskForm()
        code = booking.normalise_code(request.form.get("code", ""))
        if form.validate_on_submit() and code and booking.find(code):
            return redirect(url_for("dates.cancel", code=code), 303)
        error = _("No registration has this code. Please check it.")
    page = render_template("public/dates/find.html", error=error)
    return _private(current_app.make_response((page, 404 if error else 200)))


def _entry(tour_date: TourSession, code: str | None = None) -> CalendarEntry:
    tour = get_tour()
    meeting = tour.stops[0]
    lines = [
        _("Meeting point: %(place)s", place=pick(tour.meeting_point)),
        pick(tour.meeting_directions),
        _(
            "Price: %(amount)s %(currency)s per person",
            amount=format_number(tour_date.price_amount),
            currency=currency_symbol(tour_date.price_currency),
        ),
        _("What to bring: %(what)s", what=pick(tour.what_to_bring)),
    ]
    if tour_date.note:
        lines.append(tour_date.note)
    if code:
        lines.append(
            _("Your code: %(code)s", code=booking.format_code(code))
            + " · "
            + external_url("dates.cancel", code=code)
        )
    return CalendarEntry(
        uid=f"date-{tour_date.id}{'-' + code if code else ''}@{tour.id}",
        summary=pick(tour.title),
        start=tour_date.starts_at,
        end=tour_date.starts_at + timedelta(minutes=tour.duration_min),
        timezone=get_tour().time_zone,
        description="\n\n".join(lines),
        location=tour_date.meeting_point or pick(tour.meeting_point),
        latlon=(meeting.lat, meeting.lon),
        url=external_url("dates.register", session_id=tour_date.id),
    )


def ics_response(data: bytes, filename: str) -> Response:
    """A calendar file download."""
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/tours/<tour_id>/dates/r/<code>/calendar.ics")
def registration_ics(code: str) -> Response:
    """The registered date for a calendar app, with the code to cancel."""
    registration = _registration_or_404(code)
    return _private(
        ics_response(
            to_ics(_entry(registration.session, registration.code)),
            f"{get_tour().id}-{registration.session.starts_at:%Y-%m-%d}.ics",
        )
    )


@bp.get("/tours/<tour_id>/dates/<int:session_id>/calendar.ics")
def date_ics(session_id: int) -> Response:
    """One tour date for a calendar app."""
    tour_date = _tour_date(session_id)
    return ics_response(
        to_ics(_entry(tour_date)),
        f"{get_tour().id}-{tour_date.starts_at:%Y-%m-%d}.ics",
    )
