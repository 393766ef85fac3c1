"""The pre-publish check as a guide page and as ``flask tour check`` (exit 1 on
errors)."""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint
from flask import render_template
from flask_babel import lazy_gettext as _l

from geo.checks import Problem
from geo.checks import check_media
from geo.checks import check_tour
from geo.checks import has_errors
from geo.tour import Tour
from web import get_tour
from web.cli import tour_cli
from web.services.i18n import pick
from web.services.media import media_facts

bp = Blueprint("checks", __name__, url_prefix="/guide")

# The same problems as geo.checks.MESSAGES, in the interface language.
LABELS: dict[str, Any] = {
    "estimate_pin": _l(
        "The pin is an estimate with an error of %(error_m).0f m"
        " (more than %(limit_m).0f m). Calibrate it on site."
    ),
    "small_zone": _l(
        "The arrival zone of %(radius_m).0f m is under %(limit_m).0f m:"
        " phones may miss it."
    ),
    "zones_overlap": _l(
        "Its arrival zone overlaps that of %(other_name)s (%(distance_m).0f m apart,"
        " radii %(radius_m).0f m + %(other_radius_m).0f m)."
    ),
    "story_too_long": _l(
        "Read aloud, the %(lang)s story takes %(read_min).1f min (%(words)s words),"
        " longer than the %(dwell_min)s min spent here."
    ),
    "over_slot": _l(
        "The walk takes %(total_min).0f min, over the %(slot_min).0f min slot."
    ),
    "no_sources": _l("No sources for the facts told here."),
    "image_without_alt": _l("An image in the %(lang)s story has no alt text."),
    "path_misses_stop": _l(
        "The path passes %(distance_m).0f m from the stop (more than %(limit_m).0f m)."
    ),
    "approximate_leg": _l(
        "The walk to %(other_name)s: %(approximate_m).0f m of %(length_m).0f m are"
        " approximate, not along known streets."
    ),
    "no_photo": _l("No photo yet."),
    "photo_without_alt": _l("Photo %(photo)s has no alt text in %(lang)s."),
    "photo_over_budget": _l(
        "Photo %(photo)s weighs %(kb).0f KB at %(width)s px, over the"
        " %(limit_kb).0f KB budget."
    ),
    "recording_over_budget": _l(
        "The %(lang)s recording is %(mb).1f MB, over the %(limit_mb).0f MB budget."
    ),
    "recording_too_long": _l(
        "The %(lang)s recording takes %(duration_min).1f min, longer than the"
        " %(dwell_min)s min spent here."
    ),
}


def all_problems(tour: Tour) -> list[Problem]:
    """The tour's own problems and those of its photos and recordings, errors first."""
    photos, recordings = media_facts(tour.id)
    problems = check_tour(tour) + check_media(tour, photos, recordings)
    return sorted(problems, key=lambda p: p.severity != "error")


def describe_problem(problem: Problem, tour: Tour) -> dict[str, Any]:
    """A problem for the page: severity, the stop's name, the sentence."""
    names = {stop.id: pick(stop.name) for stop in tour.stops}
    params = dict(problem.params)
    if "other" in params:
        params["other_name"] = names.get(str(params["other"]), params["other"])
    return {
        "severity": problem.severity,
        "stop_id": problem.stop,
        "stop_name": names.get(problem.stop or "", ""),
        "text": str(LABELS[problem.code]) % params,
        "code": problem.code,
    }


@bp.get("/tours/<tour_id>/check")
def check() -> str:
    """Every problem to fix before publishing, errors first."""
    tour = get_tour()
    problems = all_problems(tour)
    return render_template(
        "guide/check.html",
        problems=[describe_problem(problem, tour) for problem in problems],
        errors=sum(problem.severity == "error" for problem in problems),
        warnings=sum(problem.severity == "warning" for problem in problems),
    )


@tour_cli.command("check")
def check_command() -> None:
    """List every problem of the tour; exit 1 when any is an error."""
    tour = get_tour()
    problems = all_problems(tour)
    for problem in problems:
        click.echo(f"{problem.severity.upper():7} {problem.message}")
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s).")
    if has_errors(problems):
        raise SystemExit(1)
