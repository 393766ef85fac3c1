"""Tours as wholes: make a new one (a draft), publish or unpublish it; tour
packages: download a tour as one ``.zip``, and load one to add or replace a tour,
from ``/guide`` and as ``flask tour export`` / ``flask tour import``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

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
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import RequestEntityTooLarge

from geo.checks import has_errors
from geo.errors import TourDataError
from web import catalogue
from web import get_tour
from web.cli import tour_cli
from web.guide import current_guide
from web.guide.check import all_problems
from web.guide.check import describe_problem
from web.guide.stops import explain as explain_stop_field
from web.guide.stops import form_number
from web.guide.stops import form_sources
from web.services.db import write_transaction
from web.services.i18n import interface_languages
from web.services.i18n import language_name
from web.services.i18n import pick
from web.services.security import UPLOAD_LIMITS
from web.services.tour_maker import TourRefused
from web.services.tour_maker import delete_draft
from web.services.tour_maker import free_id
from web.services.tour_maker import make_tour
from web.services.tour_maker import pin_from_form
from web.services.tour_package import PackageRefused
from web.services.tour_package import build_package
from web.services.tour_package import export_files
from web.services.tour_package import import_package
from web.services.tour_store import is_draft
from web.services.tour_store import set_published

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


# ---------------------------------------------------------------- a new tour

# The tour's texts the form asks for, in every language it is written in.
TOUR_TEXTS = (
    "title",
    "description",
    "meeting_point",
    "meeting_directions",
    "what_to_bring",
    "end_point",
)
TEXT_LABELS = {
    "title": _l("Title"),
    "description": _l("Description (its first sentence is the pitch in the list)"),
    "meeting_point": _l("Meeting point, in words"),
    "meeting_directions": _l("How to find the meeting point"),
    "what_to_bring": _l("What to bring"),
    "end_point": _l("Where the walk ends, in words"),
}
FIELD_LABELS = {
    **TEXT_LABELS,
    "duration_min": _l("Duration in minutes"),
    "price": _l("Price"),
    "phone": _l("Phone for questions"),
    "time_zone": _l("Time zone"),
    "tour_id": _l("Web address (optional)"),
}


def _user_id() -> int | None:
    guide = current_guide()
    return guide.id if guide else None


def _new_tour_values() -> dict[str, Any]:
    default = get_tour(catalogue().default_id)
    return {
        "languages": ["en"],
        "duration_min": "120",
        "price_amount": "",
        "price_currency": default.price_currency,
        "phone": default.phone,
        "time_zone": default.time_zone,
        "registration_required": True,
        "sources": "",
    }


def _languages() -> list[str]:
    known = interface_languages(Path(current_app.root_path))
    chosen = set(request.form.getlist("languages")) | {"en"}
    return [lang for lang in known if lang in chosen]


def _meta(form: dict[str, str], languages: list[str]) -> dict[str, Any]:
    default = get_tour(catalogue().default_id)
    meta: dict[str, Any] = {"languages": languages, "default_language": "en"}
    for field in TOUR_TEXTS:
        meta[field] = {
            lang: form.get(f"{field}_{lang}", "").strip() for lang in languages
        }
    meta.update(
        duration_min=form_number(form.get("duration_min", "")),
        price={
            "amount": form_number(form.get("price_amount", "")),
            "currency": form.get("price_currency", "").strip().upper(),
        },
        registration_required=form.get("registration_required") == "yes",
        phone=form.get("phone", "").strip(),
        time_zone=form.get("time_zone", "").strip(),
        walking_speed_kmh=default.walking_speed_kmh,
        attribution=default.attribution,
        sources=form_sources(form.get("sources", "")),
    )
    return meta


def _input_of(exc: TourDataError) -> str | None:
    """The form input a loader error is about."""
    field = exc.field or ""
    key, _dot, lang = field.partition(".")
    key = key.split("[")[0]
    if exc.path.endswith("stops.geojson"):
        # The meeting point's and end's texts come from the tour's own.
        which = "end" if "(end)" in (exc.feature or "") else "meeting"
        if key in ("summary", "narrative", "name") and lang:
            if which == "end":
                return f"end_point_{lang}"
            key = "meeting_point" if key != "narrative" else "meeting_directions"
    if key in TOUR_TEXTS and lang:
        return f"{key}_{lang}"
    if key == "price":
        return "price_amount" if lang != "currency" else "price_currency"
    if key in ("duration_min", "phone", "time_zone", "sources"):
        return key
    return None


def _explain(exc: TourDataError) -> str:
    """What is wrong with the new tour's form, as a person would say it."""
    field = exc.field or ""
    key, _dot, lang = field.partition(".")
    if key.startswith("sources"):
        return explain_stop_field(exc)
    name = _input_of(exc) or ""
    base = name.rsplit("_", 1)[0] if lang else name
    label = str(FIELD_LABELS.get(base, FIELD_LABELS.get(key, field)))
    if exc.code in ("empty", "missing") and base in TEXT_LABELS and lang:
        return _(
            "The “%(field)s” field (%(language)s) is empty; every language needs it.",
            field=label,
            language=language_name(lang),
        )
    if exc.code == "out_of_range":
        return _(
            "%(field)s must be between %(low)s and %(high)s.",
            field=label,
            low=format_decimal(exc.params.get("low", 0)),
            high=format_decimal(exc.params.get("high", 0)),
        )
    if exc.code == "not_number":
        return _("%(field)s: give a number.", field=label)
    if exc.code == "unknown_zone":
        return _("%(field)s: give a time zone name such as Asia/Bishkek.", field=label)
    return _("%(field)s: %(problem)s", field=label, problem=exc.problem)


def _tour_form(
    values: dict[str, Any], error: str | None, error_input: str | None
) -> str:
    center = get_tour(catalogue().default_id).stops[0]
    return render_template(
        "guide/tour_new.html",
        values=values,
        error=error,
        error_input=error_input,
        languages=interface_languages(Path(current_app.root_path)),
        text_fields=TOUR_TEXTS,
        labels=TEXT_LABELS,
        center={"lat": center.lonlat[1], "lon": center.lonlat[0]},
    )


@bp.get("/new")
def new_form() -> str:
    """The form for a new tour: its texts, time, price and two pins."""
    return _tour_form(_new_tour_values(), None, None)


@bp.post("/new")
def new() -> ResponseReturnValue:
    """Make the tour as a draft, then go on to add its stops."""
    form = request.form.to_dict()
    languages = _languages()
    values: dict[str, Any] = {
        **form,
        "languages": languages,
        "registration_required": form.get("registration_required") == "yes",
    }
    try:
        start = pin_from_form(form, "start")
        end = pin_from_form(form, "end")
        meta = _meta(form, languages)
        wanted = form.get("tour_id", "").strip().lower()
        tour_id = wanted or free_id(meta["title"]["en"], catalogue().tours, "tour")
        make_tour(tour_id, meta, start, end, _user_id())
    except TourRefused as exc:
        return _tour_form(values, str(exc), exc.field), 422
    except TourDataError as exc:
        return _tour_form(values, _explain(exc), _input_of(exc)), 422
    flash(
        _(
            "Made the draft tour “%(title)s”. Guests do not see it until you publish"
            " it. Now add its stops.",
            title=meta["title"]["en"],
        )
    )
    return redirect(url_for("stops.new", tour_id=tour_id), 303)


# ---------------------------------------------------------------- publishing


@bp.route("/<tour_id>/publish", methods=["GET", "POST"])
def publish() -> ResponseReturnValue:
    """Ask, then show a draft tour to guests: refused while the check finds errors."""
    tour = get_tour()
    problems = all_problems(tour)
    blocked = has_errors(problems)
    if request.method == "POST" and request.form.get("confirm") == "yes":
        if not blocked:
            with write_transaction() as session:
                set_published(session, tour.id, True, _user_id())
            flash(
                _("Published “%(title)s”: guests see it now.", title=pick(tour.title))
            )
            return redirect(url_for("auth.home"), 303)
    page = render_template(
        "guide/tour_publish.html",
        tour=tour,
        draft=is_draft(tour.id),
        blocked=blocked,
        problems=[describe_problem(p, tour) for p in problems if p.severity == "error"],
        warnings=sum(p.severity == "warning" for p in problems),
    )
    return page, 422 if blocked and request.method == "POST" else 200


@bp.route("/<tour_id>/unpublish", methods=["GET", "POST"])
def unpublish() -> ResponseReturnValue:
    """Ask, then hide a tour from guests again (its dates and texts stay)."""
    tour = get_tour()
    if request.method == "POST" and request.form.get("confirm") == "yes":
        with write_transaction() as session:
            set_published(session, tour.id, False, _user_id())
        flash(
            _(
                "“%(title)s” is a draft again: guests no longer see it.",
                title=pick(tour.title),
            )
        )
        return redirect(url_for("auth.home"), 303)
    return render_template(
        "guide/tour_unpublish.html", tour=tour, draft=is_draft(tour.id)
    )


@bp.route("/<tour_id>/delete", methods=["GET", "POST"])
def delete() -> ResponseReturnValue:
    """Ask, then delete a draft made in the browser or imported (never its dates)."""
    tour = get_tour()
    error = None
    if request.method == "POST" and request.form.get("confirm") == "yes":
        try:
            delete_draft(tour.id)
        except TourRefused as exc:
            error = str(exc)
        else:
            flash(_("Deleted the draft “%(title)s”.", title=pick(tour.title)))
            return redirect(url_for("auth.home"), 303)
    page = render_template(
        "guide/tour_delete.html", tour=tour, draft=is_draft(tour.id), error=error
    )
    return page, 422 if error else 200


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
