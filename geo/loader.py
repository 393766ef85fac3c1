"""Read and validate ``tour_data/``; a mistake names the file, feature and field."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from typing import cast
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from geo import placeholders
from geo.distance import LonLat
from geo.distance import check_lonlat
from geo.distance import path_length_m
from geo.errors import BadCoordinateError
from geo.errors import TourDataError
from geo.placeholders import straight_walk_m
from geo.placeholders import walks_in
from geo.tour import Catalogue
from geo.tour import Leg
from geo.tour import Position
from geo.tour import Source
from geo.tour import Stop
from geo.tour import StreetName
from geo.tour import Text
from geo.tour import Tour

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("meeting", "stop", "end")
QUALITIES = ("firm", "estimate")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
"""An ISO 639 language code; whether the app has locale data for it is the web
layer's check (Babel), so a new language needs no change here."""


class Fields:
    """Typed access to one JSON object, raising `TourDataError` that says where."""

    def __init__(
        self, data: Any, path: Path, feature: str | None, languages: Sequence[str]
    ):
        self.path = path
        self.feature = feature
        self.languages = languages
        if not isinstance(data, dict):
            self.fail(None, f"expected an object, got {type(data).__name__}")
        self.data: dict[str, Any] = data

    def fail(
        self, field: str | None, problem: str, code: str = "invalid", **params: object
    ) -> TourDataError:
        raise TourDataError(
            str(self.path), self.feature, field, problem, code=code, params=params
        )

    def raw(self, field: str, *, required: bool = True) -> Any:
        if field not in self.data or self.data[field] is None:
            if required:
                self.fail(field, "missing", "missing")
            return None
        return self.data[field]

    def string(self, field: str) -> str:
        value = self.raw(field)
        if not isinstance(value, str) or not value.strip():
            self.fail(field, f"expected a non-empty string, got {value!r}", "empty")
        return cast(str, value)

    def number(self, field: str, *, low: float, high: float) -> float:
        value = self.raw(field)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field, f"expected a number, got {value!r}", "not_number")
        number = float(value)
        if not math.isfinite(number) or not low <= number <= high:
            self.fail(
                field,
                f"{value!r} is outside {low:g}..{high:g}",
                "out_of_range",
                low=low,
                high=high,
            )
        return number

    def integer(self, field: str) -> int:
        value = self.raw(field)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, f"expected a whole number, got {value!r}", "not_number")
        return cast(int, value)

    def choice(self, field: str, options: Sequence[str]) -> str:
        value = self.raw(field)
        if value not in options:
            self.fail(
                field,
                f"{value!r} is not one of {', '.join(options)}",
                "not_choice",
                options=tuple(options),
            )
        return cast(str, value)

    def text(self, field: str, *, required: bool = True) -> Text | None:
        value = self.raw(field, required=required)
        if value is None:
            return None
        return self._text(field, value)

    def required_text(self, field: str) -> Text:
        return cast(Text, self.text(field))

    def _text(self, field: str, value: Any) -> Text:
        if not isinstance(value, dict):
            self.fail(field, f"expected texts by language, got {value!r}")
        self._check_languages(field, value)
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.fail(f"{field}.{lang}", "missing or empty", "empty")
        return {lang: value[lang].strip() for lang in self.languages}

    def _check_languages(self, field: str, value: dict[str, Any]) -> None:
        for lang in value:
            if lang not in self.languages:
                self.fail(f"{field}.{lang}", f"unknown language {lang!r}")

    def text_lists(self, field: str) -> dict[str, tuple[str, ...]]:
        value = self.raw(field)
        if not isinstance(value, dict):
            self.fail(field, f"expected lists by language, got {value!r}")
        self._check_languages(field, value)
        result: dict[str, tuple[str, ...]] = {}
        for lang in self.languages:
            items = value.get(lang)
            if not isinstance(items, list) or not all(
                isinstance(item, str) and item.strip() for item in items
            ):
                self.fail(f"{field}.{lang}", "expected a list of non-empty strings")
            result[lang] = tuple(item.strip() for item in items)
        return result

    def sub(self, field: str) -> Fields:
        sub = Fields.__new__(Fields)
        sub.path, sub.feature, sub.languages = self.path, self.feature, self.languages
        value = self.raw(field)
        if not isinstance(value, dict):
            self.fail(field, f"expected an object, got {value!r}")
        sub.data = {f"{field}.{key}": item for key, item in value.items()}
        return sub

    def sources(self, field: str = "sources") -> tuple[Source, ...]:
        value = self.raw(field)
        if not isinstance(value, list) or not value:
            self.fail(field, "expected a non-empty list of sources", "no_sources")
        sources = []
        for index, item in enumerate(value):
            where = f"{field}[{index}]"
            if not isinstance(item, dict):
                self.fail(where, "expected an object with url and title")
            url, title = item.get("url"), item.get("title")
            # A source known only by name (no address in the research) has no
            # url; its title must then say so.
            if url is not None and (
                not isinstance(url, str) or not re.match(r"^https?://\S+$", url)
            ):
                self.fail(
                    f"{where}.url", f"not a web address: {url!r}", "not_url", url=url
                )
            if not isinstance(title, str) or not title.strip():
                self.fail(f"{where}.title", "missing or empty", "empty")
            sources.append(Source(url=url, title=title.strip()))
        if all(source.url is None for source in sources):
            self.fail(field, "at least one source needs a web address", "no_url")
        return tuple(sources)


def read_json(path: Path) -> Any:
    """A JSON file's content; `TourDataError` naming the file if it is not JSON."""
    try:
        with path.open(encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise TourDataError(str(path), None, None, "file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TourDataError(str(path), None, None, f"not valid JSON: {exc}") from None


TOUR_FILE = "tour.json"


def load_tours(root: Path, default: str | None = None) -> Catalogue:
    """Load every tour folder under ``root``; a folder's name is its tour's id.

    Every tour is validated as `load_tour` does; the first mistake stops the load,
    naming file, feature and field. Folders whose name starts with ``.`` are skipped.

    Parameters
    ----------
    root
        The folder of tour folders (``tour_data/``).
    default
        The tour that the site's old single-tour links open. When it is not
        among the tours and there is exactly one, that one is the default.

    Raises
    ------
    TourDataError
        When ``root`` holds no tour, holds a tour's files itself, a folder name
        is not a slug, a tour is malformed, or ``default`` is not a tour.

    Examples
    --------
    >>> tours = load_tours(Path(__file__).parents[1] / "tour_data", "interhelpo")
    >>> tours.default_id, list(tours.tours) == sorted(tours.tours)
    ('interhelpo', True)
    """
    if not root.is_dir():
        raise TourDataError(str(root), None, None, "not a folder of tour folders")
    if (root / TOUR_FILE).exists():
        raise TourDataError(
            str(root / TOUR_FILE),
            None,
            None,
            "tour files belong in one folder per tour: move them into"
            f" {root}/<tour-id>/ (the folder name is the tour's id)",
        )
    folders = sorted(
        path for path in root.iterdir() if path.is_dir() and path.name[0] != "."
    )
    if not folders:
        raise TourDataError(
            str(root), None, None, "no tour folder (<tour-id>/tour.json)"
        )
    tours = {folder.name: load_tour(folder) for folder in folders}
    if default not in tours:
        if len(tours) != 1:
            raise TourDataError(
                str(root),
                None,
                None,
                f"the default tour {default!r} is not one of {', '.join(tours)}",
            )
        default = next(iter(tours))
    return Catalogue(tours=tours, default_id=default)


def load_tour(folder: Path) -> Tour:
    """Load and validate ``tour.json``, ``stops.geojson`` and ``route.geojson``.

    The tour's id is the folder's name. ``route.geojson`` may be absent: the legs
    are then straight lines, all of them marked approximate, until
    ``flask tour build-route`` writes the file.

    Parameters
    ----------
    folder
        The tour's data folder, ``tour_data/<tour-id>/``.

    Returns
    -------
    Tour
        The validated tour.

    Raises
    ------
    TourDataError
        When any file is missing or malformed; the message says where.

    Examples
    --------
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> tour.id, tour.stops[0].kind
    ('interhelpo', 'meeting')
    """
    if not SLUG.match(folder.name):
        raise TourDataError(
            str(folder),
            None,
            None,
            f"the folder name {folder.name!r} is the tour's id:"
            " it must be a slug of a-z, 0-9 and -",
        )
    meta_path = folder / TOUR_FILE
    meta = Fields(read_json(meta_path), meta_path, None, ("en",))
    if "id" in meta.data:
        meta.fail("id", "the tour's id is its folder name: remove this field")
    languages = _languages(meta)
    meta.languages = languages
    stops = load_stops(folder / "stops.geojson", languages)
    speed_kmh = meta.number("walking_speed_kmh", low=1.0, high=10.0)
    route_path = folder / "route.geojson"
    walks_m: dict[tuple[str, ...], float] | None = None
    if route_path.exists():
        route = read_json(route_path)
        legs = legs_from_data(route, route_path, stops)
        walks_m = _walks(route, route_path, stops)
    else:
        legs = straight_legs(stops, speed_kmh)
    price = meta.sub("price")
    registration = meta.raw("registration_required")
    if not isinstance(registration, bool):
        meta.fail(
            "registration_required", f"expected true or false, got {registration!r}"
        )
    tour = Tour(
        id=folder.name,
        languages=languages,
        default_language=meta.choice("default_language", languages),
        title=meta.required_text("title"),
        description=meta.required_text("description"),
        duration_min=meta.number("duration_min", low=1, high=24 * 60),
        price_amount=price.number("price.amount", low=0, high=1e9),
        price_currency=price.string("price.currency"),
        meeting_point=meta.required_text("meeting_point"),
        meeting_directions=meta.required_text("meeting_directions"),
        what_to_bring=meta.required_text("what_to_bring"),
        registration_required=registration,
        phone=meta.string("phone"),
        time_zone=_time_zone(meta),
        walking_speed_kmh=speed_kmh,
        attribution=meta.string("attribution"),
        sources=meta.sources(),
        stops=stops,
        legs=legs,
    )
    ids = [stop.id for stop in stops]
    for name, text in tour.texts():
        _check_placeholders(meta, name, text, ids, walks_m)
    if walks_m is None:
        walks = walks_in(tour.all_texts())
        walks_m = {via: straight_walk_m(tour.places.lonlats, via) for via in walks}
    landmarks = {stop.id: stop.lonlat for stop in stops}
    return replace(tour, walks_m=walks_m, landmarks=landmarks)


def _check_placeholders(
    fields: Fields,
    name: str,
    text: Text,
    stop_ids: Sequence[str],
    walks: Mapping[tuple[str, ...], float] | None,
) -> None:
    for lang, value in text.items():
        try:
            placeholders.check(value, lang, stop_ids, walks)
        except placeholders.PlaceholderError as exc:
            fields.fail(f"{name}.{lang}", str(exc))


def check_stop_placeholders(
    stop: Stop,
    stop_ids: Sequence[str],
    walks: Mapping[tuple[str, ...], float] | None,
    *,
    path: Path,
    label: str,
) -> None:
    """Raise `TourDataError` unless every placeholder in the stop's texts can be filled.

    Examples
    --------
    >>> tour = load_tour(Path(__file__).parents[1] / "tour_data" / "interhelpo")
    >>> stop, ids = tour.stops[0], ["meeting-point"]
    >>> try:
    ...     check_stop_placeholders(stop, ids, None, path=Path("x"), label="0")
    ... except TourDataError as exc:
    ...     print(exc.field, exc.problem.split(": ")[1])
    narrative.en unknown stop 'pishpek-station'
    """
    fields = Fields({}, path, label, ())
    for name, text in stop.texts():
        _check_placeholders(fields, name, text, stop_ids, walks)


def _walks(
    route: Any, path: Path, stops: Sequence[Stop]
) -> dict[tuple[str, ...], float] | None:
    """The ``walks`` route.geojson carries: ``[{"via": [ids], "length_m": m}]``."""
    fields = Fields(route, path, None, ())
    value = fields.raw("walks", required=False)
    if value is None:
        # Built before walks were computed: measure them in straight lines.
        return None
    if not isinstance(value, list):
        fields.fail("walks", "expected a list")
    ids = {stop.id for stop in stops}
    walks: dict[tuple[str, ...], float] = {}
    for index, item in enumerate(value):
        entry = Fields(item, path, f"walk #{index}", ())
        via = entry.raw("via")
        if not isinstance(via, list) or len(via) < 2 or not set(via) <= ids:
            entry.fail("via", f"expected two or more stop ids, got {via!r}")
        walks[tuple(via)] = entry.number("length_m", low=0, high=1e6)
    return walks


def _time_zone(meta: Fields) -> str:
    """The tour's IANA time zone name: its dates and times are wall-clock there."""
    name = meta.string("time_zone")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        meta.fail(
            "time_zone",
            f"{name!r} is not an IANA time zone name such as 'Asia/Bishkek'",
            "unknown_zone",
        )
    return name


def _languages(meta: Fields) -> tuple[str, ...]:
    value = meta.raw("languages")
    if not isinstance(value, list) or not value:
        meta.fail("languages", "expected a non-empty list of language codes")
    for lang in value:
        if not isinstance(lang, str) or not LANGUAGE_CODE.match(lang):
            meta.fail(
                "languages",
                f"{lang!r} is not a language code (two or three letters a-z)",
            )
    if len(set(value)) != len(value):
        meta.fail("languages", "a language is listed twice")
    return tuple(value)


def load_stops(path: Path, languages: Sequence[str]) -> tuple[Stop, ...]:
    """Load the stops from a GeoJSON FeatureCollection of Points, in walking order.

    Examples
    --------
    >>> data = Path(__file__).parents[1] / "tour_data" / "interhelpo"
    >>> stops = load_stops(data / "stops.geojson", ["en", "ru", "cs", "sk", "ky"])
    >>> [stop.order for stop in stops] == list(range(len(stops)))
    True
    """
    collection = Fields(read_json(path), path, None, languages)
    if collection.raw("type") != "FeatureCollection":
        collection.fail("type", "expected 'FeatureCollection'")
    features = collection.raw("features")
    if not isinstance(features, list) or len(features) < 2:
        collection.fail("features", "expected a list of at least two stops")
    stops = [
        _stop(feature, path, index, languages) for index, feature in enumerate(features)
    ]
    _check_sequence(stops, path)
    ids = [stop.id for stop in stops]
    for index, stop in enumerate(stops):
        label = f"#{index} ({stop.id})"
        check_stop_placeholders(stop, ids, None, path=path, label=label)
    return tuple(sorted(stops, key=lambda stop: stop.order))


def stop_from_feature(
    feature: Any,
    languages: Sequence[str],
    *,
    path: Path,
    index: int,
    tour: Tour | None = None,
) -> Stop:
    """Validate one stop Feature as the loader does (for stops edited in the browser).

    With ``tour``, its placeholders must name the tour's stops and computed walks.

    Raises
    ------
    TourDataError
        Naming ``path``, the feature and the field.
    """
    stop = _stop(feature, path, index, languages)
    if tour is not None:
        ids = [other.id for other in tour.stops]
        label = _feature_label(feature, index)
        check_stop_placeholders(stop, ids, tour.walks_m, path=path, label=label)
    return stop


def _feature_label(feature: Any, index: int) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    stop_id = props.get("id") if isinstance(props, dict) else None
    return f"#{index} ({stop_id})" if isinstance(stop_id, str) else f"#{index}"


def _stop(feature: Any, path: Path, index: int, languages: Sequence[str]) -> Stop:
    label = _feature_label(feature, index)
    outer = Fields(feature, path, label, languages)
    if outer.raw("type") != "Feature":
        outer.fail("type", "expected 'Feature'")
    lonlat = _point(outer)
    props = Fields(outer.raw("properties"), path, label, languages)
    stop_id = props.string("id")
    if not SLUG.match(stop_id):
        props.fail("id", f"{stop_id!r} is not a slug of a-z, 0-9 and -", "not_slug")
    position = props.sub("position")
    radius = props.number("arrival_radius_m", low=20, high=300)
    return Stop(
        id=stop_id,
        order=props.integer("order"),
        kind=cast(Any, props.choice("kind", KINDS)),
        lonlat=lonlat,
        name=props.required_text("name"),
        summary=props.required_text("summary"),
        narrative=props.required_text("narrative"),
        look_for=props.text_lists("look_for"),
        dwell_min=props.number("dwell_min", low=0.5, high=120),
        arrival_radius_m=radius,
        position=Position(
            quality=cast(Any, position.choice("position.quality", QUALITIES)),
            error_m=position.number("position.error_m", low=1, high=5000),
            basis=position.required_text("position.basis"),
        ),
        sources=props.sources(),
        street_names=_street_names(props),
        site_note=props.text("site_note", required=False),
    )


def _point(outer: Fields) -> LonLat:
    geometry = outer.sub("geometry")
    if geometry.raw("geometry.type") != "Point":
        geometry.fail("geometry.type", "expected 'Point'")
    coords = geometry.raw("geometry.coordinates")
    if not isinstance(coords, list) or len(coords) not in (2, 3):
        geometry.fail("geometry.coordinates", f"expected [lon, lat], got {coords!r}")
    if any(isinstance(c, bool) or not isinstance(c, int | float) for c in coords):
        geometry.fail("geometry.coordinates", f"expected numbers, got {coords!r}")
    try:
        return check_lonlat(coords[0], coords[1])
    except BadCoordinateError as exc:
        raise TourDataError(
            str(outer.path), outer.feature, "geometry.coordinates", str(exc)
        ) from None


def _street_names(props: Fields) -> tuple[StreetName, ...]:
    value = props.raw("street_names", required=False) or []
    if not isinstance(value, list):
        props.fail("street_names", "expected a list")
    names = []
    for index, item in enumerate(value):
        entry = Fields(item, props.path, props.feature, props.languages)
        entry.data = {f"street_names[{index}].{k}": v for k, v in entry.data.items()}
        names.append(
            StreetName(
                old=entry.required_text(f"street_names[{index}].old"),
                new=entry.required_text(f"street_names[{index}].new"),
            )
        )
    return tuple(names)


def _check_sequence(stops: Sequence[Stop], path: Path) -> None:
    seen: dict[str, int] = {}
    for index, stop in enumerate(stops):
        label = f"#{index} ({stop.id})"
        if stop.id in seen:
            raise TourDataError(
                str(path), label, "id", f"duplicate id, also feature #{seen[stop.id]}"
            )
        seen[stop.id] = index
    seen_orders: dict[int, str] = {}
    for stop in stops:
        if stop.order in seen_orders:
            raise TourDataError(
                str(path),
                f"({stop.id})",
                "order",
                f"order {stop.order} is also used by {seen_orders[stop.order]!r}",
            )
        seen_orders[stop.order] = stop.id
    for stop in stops:
        if not 0 <= stop.order < len(stops):
            missing = sorted(set(range(len(stops))) - set(seen_orders))
            raise TourDataError(
                str(path),
                f"({stop.id})",
                "order",
                f"order {stop.order} leaves a gap: orders must run 0..{len(stops) - 1}"
                f" (missing {missing})",
            )
    ordered = sorted(stops, key=lambda stop: stop.order)
    for index, stop in enumerate(ordered):
        expected = (
            "meeting" if index == 0 else "end" if index == len(ordered) - 1 else "stop"
        )
        if stop.kind != expected:
            raise TourDataError(
                str(path),
                f"({stop.id})",
                "kind",
                f"stop {index} of {len(ordered)} must be {expected!r},"
                f" not {stop.kind!r}",
            )


def load_legs(path: Path, stops: Sequence[Stop]) -> tuple[Leg, ...]:
    """Load the legs from ``route.geojson``; they must join the stops in order."""
    return legs_from_data(read_json(path), path, stops)


def legs_from_data(data: Any, path: Path, stops: Sequence[Stop]) -> tuple[Leg, ...]:
    """Validate parsed ``route.geojson`` data (``path`` only names it in errors)."""
    collection = Fields(data, path, None, ())
    features = collection.raw("features")
    if not isinstance(features, list):
        collection.fail("features", "expected a list of legs")
    expected = list(zip(stops, stops[1:], strict=False))
    if len(features) != len(expected):
        collection.fail(
            "features",
            f"expected {len(expected)} legs for {len(stops)} stops,"
            f" got {len(features)}",
        )
    return tuple(
        _leg(feature, path, index, pair)
        for index, (feature, pair) in enumerate(zip(features, expected, strict=True))
    )


def _leg(feature: Any, path: Path, index: int, pair: tuple[Stop, Stop]) -> Leg:
    label = f"#{index} ({pair[0].id} -> {pair[1].id})"
    outer = Fields(feature, path, label, ())
    geometry = outer.sub("geometry")
    if geometry.raw("geometry.type") != "LineString":
        geometry.fail("geometry.type", "expected 'LineString'")
    raw = geometry.raw("geometry.coordinates")
    if not isinstance(raw, list) or len(raw) < 2:
        geometry.fail("geometry.coordinates", "expected at least two [lon, lat] points")
    coords = []
    for point in raw:
        try:
            if not isinstance(point, list) or len(point) < 2:
                raise BadCoordinateError(f"expected [lon, lat], got {point!r}")
            coords.append(check_lonlat(point[0], point[1]))
        except BadCoordinateError as exc:
            geometry.fail("geometry.coordinates", str(exc))
    props = Fields(outer.raw("properties"), path, label, ())
    for field, stop in (("from", pair[0]), ("to", pair[1])):
        if props.string(field) != stop.id:
            props.fail(field, f"expected {stop.id!r}, got {props.data[field]!r}")
    length_m = props.number("length_m", low=0, high=1e6)
    return Leg(
        from_id=pair[0].id,
        to_id=pair[1].id,
        coords=tuple(coords),
        length_m=length_m,
        duration_s=props.number("duration_s", low=0, high=1e6),
        street_m=props.number("street_m", low=0, high=1e6),
        approximate_m=props.number("approximate_m", low=0, high=1e6),
    )


def straight_legs(stops: Sequence[Stop], speed_kmh: float) -> tuple[Leg, ...]:
    """Straight legs between the stops, all approximate: the fallback without a path."""
    legs = []
    for start, end in zip(stops, stops[1:], strict=False):
        length_m = path_length_m([start.lonlat, end.lonlat])
        legs.append(
            Leg(
                from_id=start.id,
                to_id=end.id,
                coords=(start.lonlat, end.lonlat),
                length_m=length_m,
                duration_s=length_m / (speed_kmh / 3.6),
                street_m=0.0,
                approximate_m=length_m,
            )
        )
    return tuple(legs)
