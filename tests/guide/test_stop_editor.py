"""The stop editor's preview: the public page as it would read, nothing saved."""

from __future__ import annotations

import pytest

from tests.guide.test_tools import edit_form
from tests.guide.test_tools import make_app
from tests.support import AuthActions


@pytest.fixture
def gapp(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def guide(gapp):
    return AuthActions(gapp).create().signed_in()


def test_preview_shows_the_public_page_and_saves_nothing(guide):
    form = edit_form(guide, "pishpek-station")
    before = guide.get("/api/tours/interhelpo/stops/pishpek-station").get_json()[
        "properties"
    ]
    form["summary_en"] = "Where the first train of 1925 stopped."
    form["summary_ru"] = "Где в 1925 году остановился первый поезд."
    form["narrative_en"] = "First paragraph.\n\nSecond <b>paragraph</b>."
    form["action"] = "preview"
    response = guide.post(
        "/guide/tours/interhelpo/stops/pishpek-station/edit", data=form
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    preview = html[html.index('id="preview"') :]
    english = preview[preview.index('data-lang="en"') : preview.index('data-lang="ru"')]
    russian = preview[preview.index('data-lang="ru"') :]
    assert "Where the first train of 1925 stopped." in english
    assert "<p>First paragraph.</p>" in english
    # Guide text is escaped in the preview as on the public page.
    assert "Second &lt;b&gt;paragraph&lt;/b&gt;." in english
    assert "Где в 1925 году остановился первый поезд." in russian
    # The page's own words in each language, too.
    assert "Sources" in english and "Источники" in russian
    # The form keeps the edits and the version it started from.
    assert edit_form_values(html)["summary_en"] == form["summary_en"]
    assert edit_form_values(html)["version"] == "0"
    after = guide.get("/api/tours/interhelpo/stops/pishpek-station").get_json()[
        "properties"
    ]
    assert after == before
    assert "Where the first train" not in guide.get(
        "/tours/interhelpo/stops/pishpek-station"
    ).get_data(as_text=True)


def edit_form_values(html):
    from tests.guide.test_tools import edit_form_from

    return edit_form_from(html)


def test_a_bad_form_is_not_previewed(guide):
    form = edit_form(guide, "pishpek-station")
    form["arrival_radius_m"] = "500"
    form["action"] = "preview"
    response = guide.post(
        "/guide/tours/interhelpo/stops/pishpek-station/edit", data=form
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The arrival radius must be between 20 and 300 m." in html
    assert 'id="preview"' not in html


def test_the_summary_is_a_textarea(guide):
    html = guide.get("/guide/tours/interhelpo/stops/pishpek-station/edit").get_data(
        as_text=True
    )
    assert '<textarea id="summary_en"' in html and '<textarea id="summary_ru"' in html
    assert '<input id="summary_' not in html
