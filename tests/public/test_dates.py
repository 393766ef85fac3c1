"""Tour dates for guests: registering, validation, duplicates, waitlist, cancelling.

The registration tests run on SQLite and, when TEST_DATABASE_URL is set, on a
fresh PostgreSQL database as well.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests import booking_support
from tests.booking_support import BACKENDS
from tests.booking_support import add_date
from tests.booking_support import guest
from tests.booking_support import hidden_fields
from tests.booking_support import register
from tests.booking_support import seats_taken
from web.public.dates import format_short_day


@pytest.fixture(params=BACKENDS)
def booking_app(request, tmp_path, tour_dir):
    with booking_support.booking_app(request.param, tmp_path, tour_dir) as app:
        yield app


@pytest.fixture
def client(booking_app):
    return booking_app.test_client()


@pytest.fixture
def app(booking_app):
    return booking_app


def code_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    return response.headers["Location"].rsplit("/", 1)[-1]


def field_errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(
        re.findall(r'<p class="field-error" id="([a-z_]+)-error">([^<]*)</p>', html)
    )


# ----------------------------------------------------------------- listing


def test_dates_page_lists_upcoming_dates_with_seats(app, client):
    soon = add_date(app, capacity=8, seats_taken=3)
    add_date(app, capacity=8, days=-1)  # past
    add_date(app, capacity=8, status="cancelled")
    html = client.get("/tours/small/dates").get_data(as_text=True)
    assert html.count('class="date-item"') == 1
    assert f'data-date-id="{soon}"' in html
    assert 'data-seats-left="5"' in html
    assert "5 seats left" in html


def test_about_page_shows_next_dates_and_links_registration(app, client):
    date_id = add_date(app, capacity=8)
    html = client.get("/tours/small/about").get_data(as_text=True)
    assert f"/tours/small/dates/{date_id}/register" in html
    assert "8 seats left" in html
    assert 'href="/tours/small/dates"' in html


def test_full_date_offers_the_waitlist(app, client):
    add_date(app, capacity=2, seats_taken=2)
    html = client.get("/tours/small/dates").get_data(as_text=True)
    assert "Full: waitlist open" in html
    assert "Join the waitlist" in html


def test_api_dates(app, client):
    date_id = add_date(app, capacity=8, seats_taken=1)
    data = client.get("/api/tours/small/dates").get_json()
    assert data["ok"] is True
    assert data["dates"][0]["id"] == date_id
    assert data["dates"][0]["seats_left"] == 7
    assert data["dates"][0]["price"] == {"amount": 700, "currency": "KGS"}


# ------------------------------------------------------------- registering


def test_register_takes_seats_and_shows_everything_needed(app, client):
    date_id = add_date(app, capacity=8)
    code = code_of(
        register(
            client,
            date_id,
            party_size="3",
            name="Nurlan Tester",
            phone="+996 700 111 222",
        )
    )
    assert seats_taken(app, date_id) == 3
    page = client.get(f"/tours/small/dates/r/{code}")
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert 'data-status="confirmed"' in html
    assert f"{code[:4]}-{code[4:]}" in html
    assert "2,100 KGS" in html  # 3 people x 700
    assert "700 KGS per person" in html
    assert "folium-map" in html  # the meeting point map
    assert "What to bring" in html
    assert f"/tours/small/dates/r/{code}/calendar.ics" in html
    assert "/tours/small/tour.gpx" in html
    assert f"/tours/small/dates/r/{code}/cancel" in html
    # Personal data stay off public pages.
    assert "Nurlan" not in html and "111 222" not in html
    assert 'data-seats-left="5"' in client.get("/tours/small/dates").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "phone",
    [
        "+996 559 336 001",
        "+996 (0) 559 336 001",
        "+996559336001",
        "00996 559 336 001",
        "0559 336 001",
        "+7 (912) 345-67-89",
        "+44 20 7946 0958",
        "+1.415.555.2671",
    ],
)
def test_international_phone_formats_are_accepted(app, client, phone):
    date_id = add_date(app)
    code_of(register(client, date_id, phone=phone))


def test_email_alone_is_enough(app, client):
    date_id = add_date(app)
    code_of(register(client, date_id, phone="", email="guest@example.kg"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Please tell us your name."),
        ({"name": "x" * 101}, "name", "at most 100 characters"),
        ({"phone": "", "email": ""}, "email", "phone number or an e-mail address"),
        ({"phone": "12"}, "phone", "country code"),
        ({"phone": "call me maybe"}, "phone", "country code"),
        ({"email": "not-an-address"}, "email", "name@example.com"),
        ({"party_size": "0"}, "party_size", "Between 1 and"),
        ({"party_size": "21"}, "party_size", "Between 1 and"),
        ({"party_size": "two"}, "party_size", ""),
        ({"consent": ""}, "consent", "Please agree"),
    ],
)
def test_validation_messages_appear_next_to_the_field(
    app, client, overrides, field, message
):
    date_id = add_date(app)
    response = register(client, date_id, **overrides)
    assert response.status_code == 422
    errors = field_errors(response)
    assert field in errors, errors
    assert message in errors[field]
    assert seats_taken(app, date_id) == 0
    html = response.get_data(as_text=True)
    assert f'aria-describedby="{field}-error"' in html or f"{field}-error" in html


def test_the_form_does_not_ask_again_for_the_dates_language(app, client):
    from web.services.booking import find

    date_id = add_date(app, language="ru")
    page = client.get(f"/tours/small/dates/{date_id}/register").get_data(as_text=True)
    assert 'name="language"' not in page
    assert "Русский" in page  # shown with the date instead
    # Whatever a client sends, the guest walks in the date's language.
    code = code_of(register(client, date_id, language="en"))
    with app.test_request_context():
        assert find(code).language == "ru"


def test_resubmitting_the_same_form_does_not_duplicate(app, client):
    date_id = add_date(app, capacity=5)
    page = client.get(f"/tours/small/dates/{date_id}/register").get_data(as_text=True)
    data = {**hidden_fields(page), **guest(party_size="2")}
    first = client.post(f"/tours/small/dates/{date_id}/register", data=data)
    again = client.post(f"/tours/small/dates/{date_id}/register", data=data)
    assert code_of(first) == code_of(again)
    assert seats_taken(app, date_id) == 2


def test_a_new_form_is_a_new_registration(app, client):
    date_id = add_date(app, capacity=5)
    assert code_of(register(client, date_id)) != code_of(register(client, date_id))
    assert seats_taken(app, date_id) == 2


def test_honeypot_is_refused_and_nothing_stored(app, client):
    date_id = add_date(app)
    response = register(client, date_id, website="http://spam.example")
    assert response.status_code == 400
    assert seats_taken(app, date_id) == 0


def test_rate_limit_per_address(app, client):
    app.config["REGISTRATIONS_PER_ADDRESS"] = 3
    date_id = add_date(app, capacity=20)
    for _ in range(3):
        code_of(register(client, date_id))
    response = register(client, date_id)
    assert response.status_code == 429
    assert "Too many registrations" in response.get_data(as_text=True)
    assert seats_taken(app, date_id) == 3


def test_csrf_token_is_required(app, client):
    date_id = add_date(app)
    client.get(f"/tours/small/dates/{date_id}/register")
    response = client.post(f"/tours/small/dates/{date_id}/register", data=guest())
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert seats_taken(app, date_id) == 0


def test_csrf_token_from_another_session_is_refused(app, client):
    date_id = add_date(app)
    page = client.get(f"/tours/small/dates/{date_id}/register").get_data(as_text=True)
    stranger = app.test_client()
    response = stranger.post(
        f"/tours/small/dates/{date_id}/register",
        data={**hidden_fields(page), **guest()},
    )
    assert response.status_code == 400


def test_full_date_answers_clearly_and_offers_the_waitlist(app, client):
    date_id = add_date(app, capacity=2)
    code_of(register(client, date_id, party_size="2"))
    page = client.get(f"/tours/small/dates/{date_id}/register").get_data(as_text=True)
    assert "This date is full" in page
    fields = hidden_fields(page)
    assert fields["waitlist"] == "1"
    # A guest who opened the form before it filled up gets a clear answer.
    fields["waitlist"] = ""
    response = client.post(
        f"/tours/small/dates/{date_id}/register", data={**fields, **guest()}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'data-outcome="full"' in html
    assert "join the waitlist" in html
    assert 'name="waitlist" type="hidden" value="1"' in html


def test_asking_for_more_seats_than_left(app, client):
    date_id = add_date(app, capacity=3)
    response = register(client, date_id, party_size="5")
    assert response.status_code == 409
    assert "Only 3 seats are left" in response.get_data(as_text=True)
    assert seats_taken(app, date_id) == 0


def test_cancellation_frees_seats_and_moves_the_waitlist_up(app, client):
    date_id = add_date(app, capacity=2)
    first = code_of(register(client, date_id, party_size="2"))
    waiting = code_of(register(client, date_id, party_size="1"))  # form says waitlist
    page = client.get(f"/tours/small/dates/r/{waiting}").get_data(as_text=True)
    assert 'data-status="waitlist"' in page
    assert seats_taken(app, date_id) == 2

    cancel_page = client.get(f"/tours/small/dates/r/{first}/cancel").get_data(
        as_text=True
    )
    token = hidden_fields(cancel_page)["csrf_token"]
    response = client.post(
        f"/tours/small/dates/r/{first}/cancel", data={"csrf_token": token}
    )
    assert response.status_code == 303
    assert 'data-status="cancelled"' in client.get(
        f"/tours/small/dates/r/{first}"
    ).get_data(as_text=True)
    assert 'data-status="confirmed"' in client.get(
        f"/tours/small/dates/r/{waiting}"
    ).get_data(as_text=True)
    assert seats_taken(app, date_id) == 1
    # Cancelling again changes nothing.
    client.post(f"/tours/small/dates/r/{first}/cancel", data={"csrf_token": token})
    assert seats_taken(app, date_id) == 1


def test_cancel_needs_csrf(app, client):
    date_id = add_date(app)
    code = code_of(register(client, date_id))
    assert client.post(f"/tours/small/dates/r/{code}/cancel").status_code == 400
    assert seats_taken(app, date_id) == 1


def test_find_by_typed_code(app, client):
    date_id = add_date(app)
    code = code_of(register(client, date_id))
    page = client.get("/tours/small/dates/cancel").get_data(as_text=True)
    token = hidden_fields(page)["csrf_token"]
    typed = f" {code[:4].lower()}-{code[4:].lower()} "
    response = client.post(
        "/tours/small/dates/cancel", data={"csrf_token": token, "code": typed}
    )
    assert response.headers["Location"] == f"/tours/small/dates/r/{code}/cancel"
    wrong = client.post(
        "/tours/small/dates/cancel", data={"csrf_token": token, "code": "NOPE-NOPE"}
    )
    assert wrong.status_code == 404
    assert "No registration has this code" in wrong.get_data(as_text=True)


def test_unknown_code_is_404(client):
    assert client.get("/tours/small/dates/r/AAAAAAAA").status_code == 404
    assert client.get("/tours/small/dates/r/AAAAAAAA/calendar.ics").status_code == 404


@pytest.mark.parametrize("status", ["past", "cancelled"])
def test_closed_dates_take_no_registrations(app, client, status):
    if status == "past":
        date_id = add_date(app, days=1)
        from web.services.db import db
        from web.services.models import TourSession

        with app.app_context():
            tour_date = db.session.get(TourSession, date_id)
            page = client.get(f"/tours/small/dates/{date_id}/register").get_data(
                as_text=True
            )
            tour_date.starts_at -= timedelta(days=2)
            db.session.commit()
    else:
        date_id = add_date(app)
        page = client.get(f"/tours/small/dates/{date_id}/register").get_data(
            as_text=True
        )
        from web.services.booking import set_date_status

        with app.app_context():
            set_date_status(date_id, "cancelled")
    response = client.post(
        f"/tours/small/dates/{date_id}/register",
        data={**hidden_fields(page), **guest()},
    )
    assert response.status_code == 410
    assert seats_taken(app, date_id) == 0


def test_unknown_date_is_404(client):
    assert client.get("/tours/small/dates/999/register").status_code == 404


# ------------------------------------------------------------ calendar file


def test_ics_has_time_location_and_geo(app, client):
    date_id = add_date(app)
    code = code_of(register(client, date_id))
    response = client.get(f"/tours/small/dates/r/{code}/calendar.ics")
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    event = calendar.walk("VEVENT")[0]
    from web.services.db import db
    from web.services.models import TourSession

    with app.app_context():
        starts_at = db.session.get(TourSession, date_id).starts_at
    start = event.decoded("dtstart")
    assert start == starts_at.replace(tzinfo=ZoneInfo("Asia/Bishkek")).astimezone(UTC)
    duration = app.extensions["tour"].duration_min
    assert event.decoded("dtend") - start == timedelta(minutes=duration)
    assert str(event["location"])
    geo = event["geo"]
    assert geo.latitude == pytest.approx(42.87, abs=0.1)
    assert geo.longitude == pytest.approx(74.55, abs=0.1)
    assert f"{code[:4]}-{code[4:]}" in str(event["description"])


def test_public_ics_per_date(app, client):
    date_id = add_date(app)
    response = client.get(f"/tours/small/dates/{date_id}/calendar.ics")
    assert Calendar.from_ical(response.data).walk("VEVENT")


# --------------------------------------------------------------- nasty input

NASTY = [
    "<script>alert('x')</script>",
    "Robert'); DROP TABLE registrations;--",
    "1 OR 1=1; SELECT * FROM users",
    "Ann\x00a\x07\x1b[31m",
    "\u202eevil\u202c name",
    "Айгерим 👩‍👩‍👧 🚶",
    "محمد علي",
    "שלום עליכם",
    "\ufeffZero\u200bwidth",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_is_stored_and_shown_safely(app, client, text, guide):
    date_id = add_date(app)
    response = register(client, date_id, name=text, note=text + "\n" + text)
    assert response.status_code == 303, response.status_code
    guide_page = client.get(f"/guide/tours/small/dates/{date_id}")
    assert guide_page.status_code == 200
    html = guide_page.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "\x00" not in html and "\u202e" not in html
    from sqlalchemy import select

    from web.services.db import db
    from web.services.models import Registration

    with app.app_context():
        stored = db.session.scalar(select(Registration.name))
    assert stored and "\x00" not in stored
    assert (
        stored in html
        or stored.replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
        in html
    )


@pytest.mark.parametrize("size", [5_000, 25_000])
def test_huge_fields_get_a_message_not_an_error(app, client, size):
    date_id = add_date(app)
    response = register(client, date_id, name="x" * size, note="y" * size)
    assert response.status_code == 422
    assert "at most 100 characters" in response.get_data(as_text=True)


def test_huge_request_is_refused_politely(app, client):
    date_id = add_date(app)
    response = register(client, date_id, note="z" * 3_000_000)
    assert response.status_code == 413
    assert seats_taken(app, date_id) == 0


def test_huge_party_number(app, client):
    date_id = add_date(app)
    response = register(client, date_id, party_size="9" * 40)
    assert response.status_code == 422


# --------------------------------------------------- privacy: logs and mail


def test_no_personal_data_in_logs(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    date_id = add_date(app)
    code = code_of(
        register(
            client,
            date_id,
            name="Secret Person",
            phone="+996 700 123 456",
            email="secret@example.kg",
        )
    )
    client.get(f"/tours/small/dates/r/{code}")
    text = caplog.text
    assert code in text  # the code is logged ...
    for private in ("Secret Person", "700 123", "secret@example.kg"):
        assert private not in text  # ... the person is not


def test_confirmation_mail_when_smtp_is_configured(app, client, fake_smtp):
    app.config.update(MAIL_SERVER="smtp.example", MAIL_FROM="walk@example.kg")
    date_id = add_date(app)
    code = code_of(register(client, date_id, email="guest@example.kg", language="ru"))
    assert len(fake_smtp.sent) == 1
    message = fake_smtp.sent[0]
    assert message["To"] == "guest@example.kg"
    body = message.get_content()
    assert f"{code[:4]}-{code[4:]}" in body
    assert f"/tours/small/dates/r/{code}" in body


def test_no_mail_without_smtp_settings(app, client, fake_smtp):
    date_id = add_date(app)
    code_of(register(client, date_id, email="guest@example.kg"))
    assert fake_smtp.sent == []


def test_failing_smtp_breaks_nothing(app, client, fake_smtp):
    app.config.update(MAIL_SERVER="smtp.example")
    fake_smtp.fail = True
    date_id = add_date(app)
    code = code_of(register(client, date_id, email="guest@example.kg"))
    assert client.get(f"/tours/small/dates/r/{code}").status_code == 200


# ----------------------------------------------------------------- Russian


def test_registration_form_in_russian(app, client):
    date_id = add_date(app)
    html = client.get(f"/tours/small/dates/{date_id}/register?lang=ru").get_data(
        as_text=True
    )
    assert "Ваше имя" in html
    response = register(client, date_id, name="")
    assert "Пожалуйста" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "weekday", "shown"),
    [
        ("en", True, "Sat, Dec 12"),
        ("ru", True, "сб, 12 дек."),
        ("cs", True, "so 12. 12."),
        ("sk", False, "12. 12."),
        ("ky", True, "12-дек., ишм."),
    ],
)
def test_short_dates_follow_each_language(real_app, lang, weekday, shown):
    # Czech and Slovak write the day with a full stop, Kyrgyz puts the month
    # before the weekday: a fixed pattern like "EEE d MMM" gets both wrong.
    with real_app.test_request_context(f"/?lang={lang}"):
        assert format_short_day(datetime(2026, 12, 12, 10, 0), weekday=weekday) == shown
