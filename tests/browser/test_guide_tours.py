"""Tour packages at phone size: a guide imports the Interhelpo package under a new id
from /guide (gunicorn, several workers); the site lists both tours and the new one's
walk opens; a broken package is refused on the form, nothing changed."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT
from tests.browser.conftest import new_phone_context
from tests.browser.conftest import own_server
from tests.browser.conftest import phone_size
from tests.browser.test_guide_tools import sign_in

SHOTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Our own server: the imported tour must not show up in other tests' pages."""
    with own_server(tmp_path_factory.mktemp("tours-instance"), workers=2) as server:
        yield server


@pytest.fixture(scope="module")
def package(server, tmp_path_factory):
    """The Interhelpo package, as `flask tour export` writes it."""
    target = tmp_path_factory.mktemp("package") / "interhelpo-tour.zip"
    subprocess.run(
        [sys.executable, "-m", "flask", "tour", "export", "interhelpo", str(target)],
        cwd=ROOT,
        env=server.env,
        check=True,
        capture_output=True,
    )
    return target


def tour_ids(server):
    with urllib.request.urlopen(server.url + "/api/tours") as answer:
        return [tour["id"] for tour in json.load(answer)["tours"]]


@pytest.mark.parametrize("width", [390, 320])
def test_a_guide_imports_a_package_as_a_new_tour(
    browser, server, guard, package, tmp_path, width
):
    context = new_phone_context(
        browser,
        server.url,
        guard,
        locale="en-US",
        viewport=phone_size(width),
    )
    try:
        page = context.new_page()
        sign_in(page, "/guide/")
        page.get_by_role("link", name="Import a tour package").first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Import a tour package"
        )
        # A zip that is not a tour: refused, with the reason, nothing changed.
        broken = tmp_path / "broken.zip"
        with zipfile.ZipFile(broken, "w") as archive:
            archive.writestr("notes/readme.txt", "no tour here")
        before = tour_ids(server)
        page.get_by_label("Tour package").set_input_files(str(broken))
        page.get_by_role("button", name="Check and import").click()
        error = page.locator("#import-error")
        expect(error).to_contain_text("The package has no notes/tour.json.")
        expect(error).to_contain_text("Nothing was changed.")
        assert tour_ids(server) == before
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"tour-import-refused-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        new_id = f"interhelpo-{width}"
        page.get_by_label("Tour package").set_input_files(str(package))
        page.get_by_label("Import as a new tour with this id").fill(new_id)
        page.get_by_role("button", name="Check and import").click()
        expect(page.locator(".notice")).to_contain_text(
            "Added the tour “The making of industrial Bishkek. Interhelpo”."
        )
        expect(page.locator(f'[data-tour-id="{new_id}"]')).to_be_visible()
        page.screenshot(
            path=str(SHOTS / f"tour-import-done-{width}.png"), full_page=True
        )
        assert new_id in tour_ids(server)

        # Every worker serves it: the list at / and the new tour's walk.
        for _ in range(4):
            page.goto("/")
            expect(page.locator(f'a[href="/tours/{new_id}/"]').first).to_be_visible()
        page.goto(f"/tours/{new_id}/walk")
        expect(page.get_by_role("button", name="Start the walk")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"tour-import-walk-{width}.png"))
    finally:
        context.close()
    # The form sent back with its message was a 422, which the browser logs.
    guard.expect_refusals(1)
    guard.check()
