"""Guide pages for dates: create, edit, cancel; registrations, CSV, erasing."""

from __future__ import annotations

import csv
import io

import pytest

from tests.booking_support import add_date
from tests.booking_support import hidden_fields
from tests.booking_support import register
from tests.booking_support import seats_taken


def token(client, url="/guide/tours/small/dates") -> str:
    return hidden_fields(client.get(url).get_data(as_text=True))["csrf_token"]


def code_of(response) -> str:
    assert response.status_code == 303
    return response.headers["Location"].rsplit("/", 1)[-1]


def test_guide_home_links_dates_and_events(guide):
    html = guide.get("/guide/").get_data(as_text=True)
    assert "/guide/tours/small/dates" in html and "/guide/events" in html


def test_create_a_date_with_the_default_price(guide, app):
    page = guide.get("/guide/tours/small/dates/new").get_data(as_text=True)
    assert 'value="700"' in page and 'value="KGS"' in page
    response = guide.post(
        "/guide/tours/small/dates/new",
        data={
            **hidden_fields(page),
            "day": "2031-05-04",
            "start": "10:30",
            "language": "ru",
            "capacity": "12",
            "price_amount": "700",
            "price_currency": "kgs",
            "meeting_point": "",
            "note": "Bring water.",
        },
    )
    assert response.status_code == 303
    public = guide.get("/tours/small/dates").get_data(as_text=True)
    assert "12 seats left" in public
    assert "10:30" in public


def test_new_date_validation(guide):
    page = guide.get("/guide/tours/small/dates/new").get_data(as_text=True)
    response = guide.post(
        "/guide/tours/small/dates/new",
        data={
            **hidden_fields(page),
            "day": "",
            "start": "10:00",
            "capacity": "0",
            "price_amount": "700",
            "price_currency": "KGS",
            "language": "en",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="day-error"' in html and 'id="capacity-error"' in html


def test_edit_capacity_never_below_seats_taken(guide, app):
    date_id = add_date(app, capacity=5)
    public = app.test_client()
    register(public, date_id, party_size="4")
    page = guide.get(f"/guide/tours/small/dates/{date_id}/edit").get_data(as_text=True)
    fields = {
        "day": "2031-05-04",
        "start": "10:00",
        "language": "en",
        "capacity": "3",
        "price_amount": "700",
        "price_currency": "KGS",
    }
    response = guide.post(
        f"/guide/tours/small/dates/{date_id}/edit",
        data={**hidden_fields(page), **fields},
    )
    assert response.status_code == 422
    assert "4 seats are already taken" in response.get_data(as_text=True)
    fields["capacity"] = "4"
    response = guide.post(
        f"/guide/tours/small/dates/{date_id}/edit",
        data={**hidden_fields(page), **fields},
    )
    assert response.status_code == 303
    assert seats_taken(app, date_id) == 4


def test_more_seats_move_the_waitlist_up(guide, app):
    date_id = add_date(app, capacity=1)
    public = app.test_client()
    register(public, date_id)
    waiting = code_of(register(public, date_id))
    _raise_capacity(guide, app, date_id, None)
    html = public.get(f"/tours/small/dates/r/{waiting}").get_data(as_text=True)
    assert 'data-status="confirmed"' in html


def _raise_capacity(guide, app, date_id, first):
    page = guide.get(f"/guide/tours/small/dates/{date_id}/edit").get_data(as_text=True)
    response = guide.post(
        f"/guide/tours/small/dates/{date_id}/edit",
        data={
            **hidden_fields(page),
            "day": "2031-05-04",
            "start": "10:00",
            "language": "en",
            "capacity": "2",
            "price_amount": "700",
            "price_currency": "KGS",
        },
    )
    assert response.status_code == 303


def _erase_first(guide, app, date_id, first):
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        rid = db.session.scalar(
            select(Registration.id).where(Registration.code == first)
        )
    response = guide.post(
        f"/guide/registrations/{rid}/erase", data={"csrf_token": token(guide)}
    )
    assert response.status_code == 303


def _guest_cancels(guide, app, date_id, first):
    public = app.test_client()
    page = public.get(f"/tours/small/dates/r/{first}/cancel").get_data(as_text=True)
    csrf = hidden_fields(page)["csrf_token"]
    response = public.post(
        f"/tours/small/dates/r/{first}/cancel", data={"csrf_token": csrf}
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    "free_a_seat",
    [_raise_capacity, _erase_first, _guest_cancels],
    ids=["guide raises capacity", "guide erases a registration", "guest cancels"],
)
def test_people_moved_up_from_the_waitlist_get_a_mail(
    guide, app, fake_smtp, free_a_seat
):
    app.config.update(MAIL_SERVER="smtp.example")
    date_id = add_date(app, capacity=1)
    public = app.test_client()
    first = code_of(register(public, date_id, email="first@example.kg"))
    waiting = code_of(register(public, date_id, email="waiting@example.kg"))
    assert "You are on the waitlist" in fake_smtp.sent[-1].get_content()
    fake_smtp.sent.clear()

    free_a_seat(guide, app, date_id, first)

    assert [message["To"] for message in fake_smtp.sent] == ["waiting@example.kg"]
    body = fake_smtp.sent[0].get_content()
    assert "You are registered" in body
    assert f"/tours/small/dates/r/{waiting}" in body


def test_cancel_a_date(guide, app):
    date_id = add_date(app)
    public = app.test_client()
    code = code_of(register(public, date_id))
    response = guide.post(
        f"/guide/tours/small/dates/{date_id}/status",
        data={"csrf_token": token(guide), "status": "cancelled"},
    )
    assert response.status_code == 303
    assert f'data-date-id="{date_id}"' not in public.get("/tours/small/dates").get_data(
        as_text=True
    )
    assert "has been cancelled" in public.get(f"/tours/small/dates/r/{code}").get_data(
        as_text=True
    )
    guide.post(
        f"/guide/tours/small/dates/{date_id}/status",
        data={"csrf_token": token(guide), "status": "scheduled"},
    )
    assert f'data-date-id="{date_id}"' in public.get("/tours/small/dates").get_data(
        as_text=True
    )


def test_registrations_totals_attendance_and_csv(guide, app):
    date_id = add_date(app, capacity=6)
    public = app.test_client()
    register(public, date_id, name='=HYPERLINK("x")', party_size="2")
    register(
        public, date_id, name="Bakyt", email="b@example.kg", phone="", party_size="3"
    )
    html = guide.get(f"/guide/tours/small/dates/{date_id}").get_data(as_text=True)
    assert "Bakyt" in html and "b@example.kg" in html
    assert "<dd>5 / 6</dd>" in html

    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        first = db.session.scalar(select(Registration.id).order_by(Registration.id))
    response = guide.post(
        f"/guide/registrations/{first}/attendance",
        data={"csrf_token": token(guide), "attended": "yes"},
    )
    assert response.status_code == 303
    html = guide.get(f"/guide/tours/small/dates/{date_id}").get_data(as_text=True)
    assert "<dt>Came (people)</dt><dd>2</dd>" in html

    response = guide.get(f"/guide/tours/small/dates/{date_id}.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["people"] for r in rows] == ["2", "3"]
    assert rows[0]["name"].startswith("'=")  # no formula in a spreadsheet
    assert rows[0]["attended"] == "yes"
    assert rows[1]["email"] == "b@example.kg"


def test_erase_a_persons_data(guide, app):
    date_id = add_date(app, capacity=6)
    public = app.test_client()
    code = code_of(
        register(
            public,
            date_id,
            name="Forget Me",
            phone="+996 700 999 888",
            note="allergic",
            party_size="2",
        )
    )
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        rid = db.session.scalar(select(Registration.id))
    response = guide.post(
        f"/guide/registrations/{rid}/erase", data={"csrf_token": token(guide)}
    )
    assert response.status_code == 303
    with app.app_context():
        r = db.session.get(Registration, rid)
        assert (r.name, r.phone, r.email, r.note) == ("—", None, None, None)
        assert r.erased_at is not None and r.status == "cancelled"
    assert seats_taken(app, date_id) == 0
    html = guide.get(f"/guide/tours/small/dates/{date_id}").get_data(as_text=True)
    assert "Forget Me" not in html and "999 888" not in html
    assert "deleted" in html
    assert 'data-status="cancelled"' in public.get(
        f"/tours/small/dates/r/{code}"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "url, data",
    [
        (
            "/guide/tours/small/dates/new",
            {
                "day": "2031-01-01",
                "start": "10:00",
                "capacity": "5",
                "price_amount": "1",
                "price_currency": "KGS",
                "language": "en",
            },
        ),
        ("/guide/tours/small/dates/{id}/status", {"status": "cancelled"}),
        ("/guide/registrations/{rid}/attendance", {"attended": "yes"}),
        ("/guide/registrations/{rid}/erase", {}),
        ("/guide/events", {"title": "T", "day": "2031-01-01", "start": "10:00"}),
        ("/guide/logout", {}),
    ],
)
def test_guide_forms_refuse_requests_without_csrf(guide, app, url, data):
    date_id = add_date(app)
    register(app.test_client(), date_id)
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        rid = db.session.scalar(select(Registration.id))
    response = guide.post(url.format(id=date_id, rid=rid), data=data)
    assert response.status_code == 400
    assert guide.get("/guide/").status_code == 200  # still signed in
    assert seats_taken(app, date_id) == 1
