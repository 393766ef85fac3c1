"""``flask tour ...``: street data, walking routes, the pre-publish check, export."""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup

from geo.errors import NoRouteError
from geo.errors import StreetDataError
from geo.errors import TooFarFromStreetsError
from geo.export import dumps_route
from geo.export import route_collection
from geo.legs import build_legs
from geo.legs import build_walk
from geo.network import WALKABLE_HIGHWAYS
from geo.network import is_walkable
from geo.osm import overpass_query
from geo.osm import read_osm
from geo.placeholders import walks_in
from geo.routing import street_router
from geo.tour import Leg
from web import tour_folder
from web.services.routing import FETCHED_NAME
from web.services.routing import base_street_files
from web.services.routing import street_files
from web.services.routing import tour_bbox
from web.services.routing import tour_of

MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
CHUNK_BYTES = 64 * 1024

tour_cli = AppGroup("tour", help="The tour's data: streets, walking routes, checks.")


def init_app(app: Flask) -> None:
    """Register ``flask tour``."""
    app.cli.add_command(tour_cli)


@tour_cli.command("build-route")
@click.option(
    "--osm",
    "osm_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="OSM XML street file (repeatable); default: the configured street files.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the legs; default: tour_data/<tour>/route.geojson.",
)
def build_route(osm_files: tuple[Path, ...], output: Path | None) -> None:
    """Route the legs from the meeting point to the end; write route.geojson."""
    app = current_app
    tour = tour_of(app)
    base = list(osm_files) or base_street_files(app)
    if not base:
        raise click.ClickException(
            "No street data: run `flask tour fetch-streets`, pass --osm FILE,"
            " or set STREET_FILES."
        )
    files = street_files(app, base)
    click.echo("Streets: " + ", ".join(str(path) for path in files))
    try:
        router = street_router(
            files, walking_speed_kmh=tour.walking_speed_kmh, bbox=tour_bbox(app)
        )
        legs = build_legs(router, [(stop.id, stop.lonlat) for stop in tour.stops])
        walks = {
            tuple(walk["via"]): walk["length_m"]
            for walk in (
                build_walk(router, [(i, tour.stop(i).lonlat) for i in via])
                for via in walks_in(tour.all_texts())
            )
        }
    except (StreetDataError, TooFarFromStreetsError, NoRouteError) as exc:
        raise click.ClickException(str(exc)) from None
    collection = route_collection(
        legs,
        generated_by="flask tour build-route",
        street_files=[path.name for path in files],
        attribution=tour.attribution,
        walks_m=walks,
    )
    target = output or tour_folder(app) / "route.geojson"
    _write_atomically(target, dumps_route(collection))
    _echo_legs(legs)
    click.echo(f"Wrote {target}")


def _echo_legs(legs: Sequence[Leg]) -> None:
    total_m = approximate_total_m = 0.0
    for leg in legs:
        total_m += leg.length_m
        approximate_total_m += leg.approximate_m
        click.echo(
            f"  {leg.from_id} -> {leg.to_id}: {leg.length_m:.0f} m"
            f" ({leg.street_m:.0f} m on streets,"
            f" {leg.approximate_m:.0f} m approximate)"
        )
    click.echo(
        f"Total {total_m:.0f} m, of which {approximate_total_m:.0f} m approximate."
    )


def _write_atomically(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)


@tour_cli.command("fetch-streets")
@click.option(
    "--url",
    default=None,
    help="Overpass API endpoint; default: the OVERPASS_URL setting.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0.1),
    default=120.0,
    show_default=True,
    help="Seconds to wait for the whole download.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"Where to save; default: the instance folder's {FETCHED_NAME}.",
)
def fetch_streets(url: str | None, timeout_s: float, output: Path | None) -> None:
    """Download the walkable OSM ways around the tour from the Overpass API."""
    app = current_app
    url = url or app.config["OVERPASS_URL"]
    target = output or Path(app.instance_path) / FETCHED_NAME
    bbox = tour_bbox(app)
    query = overpass_query(bbox, WALKABLE_HIGHWAYS, timeout_s=max(1, int(timeout_s)))
    west, south, east, north = bbox
    click.echo(
        f"Asking {url} for walkable ways in"
        f" lon {west:.4f}..{east:.4f}, lat {south:.4f}..{north:.4f}"
    )
    partial = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        size = _download(url, query, partial, timeout_s)
        data = read_osm(partial, keep_way=is_walkable)
        if not data.ways:
            raise click.ClickException(
                f"{url} answered, but with no walkable way (an Overpass timeout or"
                " error message?); nothing was saved."
            )
        partial.replace(target)
    except StreetDataError as exc:
        raise click.ClickException(
            f"{url} did not answer with OSM XML: {exc}"
        ) from None
    finally:
        partial.unlink(missing_ok=True)
    click.echo(
        f"Saved {len(data.ways)} walkable ways and {len(data.nodes)} nodes"
        f" ({size / 1e6:.1f} MB) to {target}."
    )
    click.echo("Run `flask tour build-route` to regenerate the tour path from them.")


def _download(url: str, query: str, target: Path, timeout_s: float) -> int:
    """POST the query and stream the answer to ``target``; return its size in bytes."""
    body = urllib.parse.urlencode({"data": query}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"User-Agent": "interhelpo-walk (flask tour fetch-streets)"},
    )
    deadline = time.monotonic() + timeout_s
    received = 0
    try:
        with (
            urllib.request.urlopen(request, timeout=timeout_s) as response,
            target.open("wb") as handle,
        ):
            expected = int(response.headers.get("Content-Length") or 0)
            next_report = 0
            while chunk := response.read(CHUNK_BYTES):
                handle.write(chunk)
                received += len(chunk)
                if received > MAX_DOWNLOAD_BYTES:
                    raise click.ClickException(
                        f"the answer is over {MAX_DOWNLOAD_BYTES // 2**20} MB; stopped"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError
                if received >= next_report:
                    _progress(received, expected)
                    next_report = received + 256 * 1024
    except urllib.error.HTTPError as exc:
        hint = (
            " The server is busy: try again in a minute."
            if exc.code in (429, 504)
            else ""
        )
        raise click.ClickException(
            f"{url} answered HTTP {exc.code} {exc.reason}.{hint}"
        ) from None
    except TimeoutError:
        raise click.ClickException(
            f"{url} did not answer within {timeout_s:g} s; try again later or with"
            " a longer --timeout."
        ) from None
    except (urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise click.ClickException(
                f"{url} did not answer within {timeout_s:g} s; try again later."
            ) from None
        raise click.ClickException(
            f"Could not reach {url} ({reason}). Are you offline? Without a"
            " connection, pass a street file you already have:"
            " `flask tour build-route --osm FILE`."
        ) from None
    _progress(received, expected, done=True)
    return received


def _progress(received: int, expected: int, *, done: bool = False) -> None:
    of = f" of {expected / 1e6:.1f} MB" if expected else ""
    end = "\n" if done else "\r"
    click.echo(f"  received {received / 1e6:.1f} MB{of}", nl=False)
    click.echo(end, nl=False)
