"""Tour packages: download a tour as one ``.zip``, and load one to add or replace a
tour, from ``/guide`` and as ``flask tour export`` / ``flask tour import``."""

from __future__ import annotations

import shutil
from pathlib import Path

import click
from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from web import catalogue
from web import get_tour
from web.cli import tour_cli
from web.services.i18n import pick
from web.services.security import UPLOAD_LIMITS
from web.services.tour_package import PackageRefused
from web.services.tour_package import build_package
from web.services.tour_package import export_files
from web.services.tour_package import import_package

bp = Blueprint("guide_tours", __name__, url_prefix="/guide/tours")

# A package may be as large as the setting allows (its upload is refused unread
# beyond that, in web.services.security); 2 GB is the hard outer bound.
UPLOAD_LIMITS["guide_tours.import_upload"] = 2 * 1024 * 1024 * 1024


def _limit_bytes() -> int:
    return int(float(current_app.config["TOUR_PACKAGE_MAX_MB"]) * 1024 * 1024)


@bp.get("/<tour_id>/package.zip")
# Its name before packages carried media: printed guides' notes link it.
@bp.get("/<tour_id>/export.zip", endpoint="export_zip")
def package() -> Response:
    """Download the tour, with its photos and recordings, as one package."""
    tour_id = get_tour().id
    response = Response(build_package(tour_id), mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{tour_id}-tour.zip"'
    )
    return response


@bp.get("/import")
def import_form() -> str:
    """The form to load a tour package."""
    return render_template("guide/tour_import.html", error=None, form={})


@bp.post("/import")
def import_upload() -> ResponseReturnValue:
    """Load a package as a new tour, or replace the tour of its id when asked."""
    new_id = request.form.get("tour_id", "").strip() or None
    replace = request.form.get("replace") == "yes"
    form = {"tour_id": new_id or "", "replace": replace}
    request.max_content_length = _limit_bytes() + 1024 * 1024
    try:
        try:
            upload = request.files.get("package")
        except RequestEntityTooLarge:
            raise PackageRefused(
                _(
                    "The package is over %(mb)s MB.",
                    mb=current_app.config["TOUR_PACKAGE_MAX_MB"],
                )
            ) from None
        if upload is None or not upload.filename:
            raise PackageRefused(_("Choose a tour package (.zip) first."))
        done = import_package(
            upload.read(_limit_bytes() + 1), new_id=new_id, replace=replace
        )
    except PackageRefused as exc:
        page = render_template("guide/tour_import.html", error=str(exc), form=form)
        return page, 422
    title = pick(catalogue().tour(done.tour_id).title)
    if done.replaced:
        message = _("Replaced the tour “%(title)s”.", title=title)
    else:
        message = _("Added the tour “%(title)s”.", title=title)
    counts = _(
        "Photos: %(photos)d, recordings: %(recordings)d.",
        photos=done.photos,
        recordings=done.recordings,
    )
    flash(f"{message} {counts}")
    return redirect(url_for("auth.home"), 303)


# ---------------------------------------------------------------- CLI


@tour_cli.command("export")
@click.argument("args", nargs=-1, required=True, metavar="[ID] TARGET")
def export_command(args: tuple[str, ...]) -> None:
    """Write a tour (the default one without ID) with the guides' edits.

    TARGET ending in .zip: a tour package, with photos and recordings. Else a
    folder of tour_data/ files.
    """
    if len(args) > 2:
        raise click.UsageError("give at most a tour id and a target")
    tour_id, target = (args[0], args[1]) if len(args) == 2 else (None, args[0])
    if tour_id is not None and tour_id not in catalogue().tours:
        raise click.ClickException(
            f"there is no tour {tour_id!r} (tours: {', '.join(catalogue().tours)})"
        )
    g.tour_id = tour_id or catalogue().default_id
    path = Path(target)
    if path.suffix == ".zip":
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(build_package(g.tour_id))
        partial.replace(path)
        click.echo(f"Wrote {path}")
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, text in export_files(get_tour()).items():
        partial = path / (name + ".part")
        partial.write_text(text, encoding="utf-8")
        shutil.move(str(partial), path / name)
        click.echo(f"Wrote {path / name}")


@tour_cli.command("import")
@click.argument("package", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "new_id", help="Import as a new tour under this id.")
@click.option("--replace", is_flag=True, help="Replace the tour of the same id.")
def import_command(package: Path, new_id: str | None, replace: bool) -> None:
    """Add the tour in PACKAGE (a .zip from flask tour export) to the site."""
    try:
        data = package.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{package}: {exc.strerror}") from None
    try:
        done = import_package(data, new_id=new_id, replace=replace)
    except PackageRefused as exc:
        raise click.ClickException(f"{package}: {exc} Nothing was changed.") from None
    verb = "Replaced" if done.replaced else "Added"
    click.echo(
        f"{verb} the tour {done.tour_id!r}: {done.photos} photo(s),"
        f" {done.recordings} recording(s)."
    )
