"""The one error path: domain errors map to HTTP in web.errors, nowhere else."""

from __future__ import annotations

import pytest

from web.errors import DOMAIN_STATUS


def test_no_blueprint_has_an_error_handler_of_its_own(app):
    assert set(app.error_handler_spec) == {None}


@pytest.mark.parametrize(
    ("error_class", "status"),
    DOMAIN_STATUS,
    ids=[error_class.__name__ for error_class, _ in DOMAIN_STATUS],
)
def test_every_domain_error_answers_in_the_one_json_shape(app, error_class, status):
    # Built without __init__ (some take several arguments): only the mapping counts.
    error = error_class.__new__(error_class)
    error.args = ("what went wrong",)

    @app.get("/api/test-raises")
    def raises():
        raise error

    response = app.test_client().get("/api/test-raises")
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"ok", "error", "status"}
    assert (body["ok"], body["status"]) == (False, status)
    assert isinstance(body["error"], str) and body["error"]
