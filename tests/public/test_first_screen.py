"""The first screen sells the walk; every page counts the stops the same way."""

from __future__ import annotations

import re

from tests.booking_support import add_date


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def test_first_screen_has_pitch_facts_next_date_and_both_ways_to_go(app, client):
    add_date(app, capacity=10, days=9)
    soonest = add_date(app, capacity=10, days=2, seats_taken=6)
    add_date(app, capacity=4, days=1, seats_taken=4)  # full: not the one to offer
    html = client.get("/tours/small/").get_data(as_text=True)
    hero = section(html, 'class="hero"', "</section>")
    assert '<p class="pitch">Three points for tests.</p>' in hero
    assert "Second paragraph" not in hero
    assert "2 stops + meeting point" in hero
    assert "700 KGS" in hero
    assert "4 seats left" in hero
    assert f'href="/tours/small/dates/{soonest}/register"' in hero
    assert re.search(
        r'id="start-own" href="/tours/small/walk">Start the walk on your own<', hero
    )
    # Sold first, then the map, then the ordered list.
    assert html.index('class="hero"') < html.index('class="map-wrap"')
    assert html.index('class="map-wrap"') < html.index('class="stop-list"')


def test_first_screen_without_open_dates_points_to_the_dates_page(app, client):
    add_date(app, capacity=4, days=1, seats_taken=4)
    hero = section(
        client.get("/tours/small/").get_data(as_text=True), 'class="hero"', "</section>"
    )
    assert "No guided walk is planned at the moment." in hero
    assert 'href="/tours/small/dates"' in hero
    assert "/register" not in hero


def test_first_screen_in_russian_counts_with_plural_forms(client):
    html = client.get("/tours/small/?lang=ru").get_data(as_text=True)
    assert "2 остановки + место встречи" in html
    assert "Пройти самостоятельно" in html


def test_the_next_date_is_read_again_after_its_time_to_live(app, client):
    app.config["NEXT_DATE_TTL_S"] = 0
    assert "No guided walk" in client.get("/tours/small/").get_data(as_text=True)
    add_date(app, capacity=10, days=3)
    assert "10 seats left" in client.get("/tours/small/").get_data(as_text=True)


def test_every_page_counts_the_meeting_point_apart(client):
    about = client.get("/tours/small/about").get_data(as_text=True)
    assert "2 stops + meeting point" in about
    assert "Stop 1 of 2" in client.get("/tours/small/stops/middle").get_data(
        as_text=True
    )
    assert "Stop 2 of 2" in client.get("/tours/small/stops/finish").get_data(
        as_text=True
    )
    meeting = client.get("/tours/small/stops/start").get_data(as_text=True)
    assert "Meeting point" in meeting and "of 2" not in meeting
