"""Guide pages for events in town: add and remove the ones shown on /events."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint
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
from wtforms import DecimalField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import TimeField
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from web.guide import current_guide
from web.guide import login_required
from web.services.db import db
from web.services.forms import multi_line
from web.services.forms import single_line
from web.services.models import GuideEvent

bp = Blueprint("guide_events", __name__, url_prefix="/guide/events")


class EventForm(FlaskForm):  # type: ignore[misc]
    """An event in town, added by a guide."""

    title = StringField(
        _l("Title"),
        filters=[single_line],
        validators=[InputRequired(message=_l("Give a title.")), Length(max=200)],
    )
    venue = StringField(
        _l("Venue"), filters=[single_line], validators=[Length(max=200)]
    )
    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Pick a date."))])
    start = TimeField(
        _l("Start time"), validators=[InputRequired(message=_l("Pick a time."))]
    )
    end = TimeField(_l("End time (optional)"), validators=[Optional()])
    description = TextAreaField(
        _l("Description"), filters=[multi_line], validators=[Length(max=2000)]
    )
    link = StringField(
        _l("Link (optional)"), filters=[single_line], validators=[Length(max=500)]
    )
    lat = DecimalField(
        _l("Latitude (optional)"),
        places=None,
        validators=[Optional(), NumberRange(-90, 90)],
    )
    lon = DecimalField(
        _l("Longitude (optional)"),
        places=None,
        validators=[Optional(), NumberRange(-180, 180)],
    )

    def validate_link(self, field: StringField) -> None:
        """Only web addresses."""
        if field.data and not re.fullmatch(r"https?://\S+", field.data):
            raise ValidationError(_("A web address starting with https://"))

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        """Field checks, then: both coordinates or neither."""
        valid = bool(super().validate(extra_validators))
        if (self.lon.data is None) != (self.lat.data is None):
            self.lon.errors = [
                *self.lon.errors,
                _("Give both latitude and longitude, or neither."),
            ]
            valid = False
        return valid

    def validate_end(self, field: TimeField) -> None:
        """The end comes after the start."""
        if field.data and self.start.data and field.data <= self.start.data:
            raise ValidationError(_("The end must be after the start."))


@bp.route("", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    """Add an event; list the ones guides added."""
    form = EventForm()
    if form.validate_on_submit():
        event = GuideEvent(
            title=form.title.data,
            venue=form.venue.data or "",
            starts_at=datetime.combine(form.day.data, form.start.data),
            ends_at=datetime.combine(form.day.data, form.end.data)
            if form.end.data
            else None,
            description=form.description.data or None,
            link=form.link.data or None,
            lat=float(form.lat.data) if form.lat.data is not None else None,
            lon=float(form.lon.data) if form.lon.data is not None else None,
            created_by=current_guide().id,  # type: ignore[union-attr]
        )
        db.session.add(event)
        db.session.commit()
        flash(_("Event added."))
        return redirect(url_for("guide_events.index"), 303)
    added = list(
        db.session.scalars(select(GuideEvent).order_by(GuideEvent.starts_at.desc()))
    )
    status = 422 if request.method == "POST" else 200
    return render_template("guide/events.html", form=form, events=added), status


@bp.post("/<int:event_id>/delete")
@login_required
def delete_event(event_id: int) -> ResponseReturnValue:
    """Remove an event a guide added."""
    event = db.session.get(GuideEvent, event_id)
    form = FlaskForm()
    if event is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    db.session.delete(event)
    db.session.commit()
    flash(_("Event removed."))
    return redirect(url_for("guide_events.index"), 303)
