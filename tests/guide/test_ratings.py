"""The guides' page of walkers' ratings: behind the gate, escaped, newest first."""

from __future__ import annotations

import re

TOKENS = [f"{n:032x}" for n in range(1, 6)]


def rate(client, token, score, stop=None, comment=None):
    body = {"token": token, "stop": stop, "score": score}
    if comment is not None:
        body["comment"] = comment
    response = client.post("/api/tours/small/ratings", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)


def section(html, key):
    match = re.search(
        rf'<section class="rating-summary" id="rating-{key}".*?</section>', html, re.S
    )
    assert match, key
    return match.group(0)


def distribution(block):
    return {
        int(score): int(count)
        for score, count in re.findall(
            r'<tr data-score="(\d)"><th scope="row">\d</th><td>(\d+)</td>', block
        )
    }


def test_the_page_needs_a_signed_in_guide(client):
    response = client.get("/guide/tours/small/ratings")
    assert response.status_code == 303
    assert "/guide/login" in response.headers["Location"]


def test_the_guide_home_links_to_the_ratings(guide):
    assert 'href="/guide/tours/small/ratings"' in guide.get("/guide/").get_data(
        as_text=True
    )


def test_counts_average_distribution_and_comments_newest_first(app, guide):
    anonymous = app.test_client()
    rate(anonymous, TOKENS[0], 5, comment="First comment")
    rate(anonymous, TOKENS[1], 4, comment="Second comment")
    rate(anonymous, TOKENS[2], 2)
    rate(anonymous, TOKENS[0], 1, stop="middle", comment="Too noisy here")
    rate(anonymous, TOKENS[1], 4, stop="middle")
    rate(anonymous, TOKENS[1], 5, stop="middle")  # replaces the 4
    html = guide.get("/guide/tours/small/ratings").get_data(as_text=True)
    walk = section(html, "walk")
    assert 'data-count="3"' in walk and 'data-average="3.67"' in walk
    assert "3 ratings, average 3.7 of 5" in walk
    assert distribution(walk) == {5: 1, 4: 1, 3: 0, 2: 1, 1: 0}
    assert walk.index("Second comment") < walk.index("First comment")
    middle = section(html, "middle")
    assert 'data-count="2"' in middle and 'data-average="3.00"' in middle
    assert distribution(middle) == {5: 1, 4: 0, 3: 0, 2: 0, 1: 1}
    assert "Too noisy here" in middle
    assert 'data-count="0"' in section(html, "finish")


def test_comments_are_escaped(app, guide):
    rate(app.test_client(), TOKENS[0], 3, comment="<script>alert(1)</script> nice")
    html = guide.get("/guide/tours/small/ratings").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; nice" in html


def test_where_walkers_stopped_following(app, guide):
    walker = app.test_client()
    walker.post("/api/tours/small/walk-end", json={"last": 1})
    walker.post("/api/tours/small/walk-end", json={"last": 2, "previous": 1})
    walker.post("/api/tours/small/walk-end", json={"last": 1})
    html = guide.get("/guide/tours/small/ratings").get_data(as_text=True)
    counts = dict(
        re.findall(
            r'<tr data-stop="([\w-]+)"><th scope="row">.*?</th><td>(\d+)</td>', html
        )
    )
    assert counts == {"start": "0", "middle": "1", "finish": "1"}


def test_no_walks_reported_yet(guide):
    html = guide.get("/guide/tours/small/ratings").get_data(as_text=True)
    assert "No walks reported yet." in html
    assert html.count("No ratings yet.") == 4  # the walk and its three stops
