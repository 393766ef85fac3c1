"""Domain errors; each subclasses the built-in it refines, so callers catch either."""

from __future__ import annotations

from collections.abc import Mapping


class TourDataError(ValueError):
    """Tour data on disk is malformed: the message names file, feature and field.

    ``code`` and ``params`` say the same as ``problem`` for a program, so that a
    form can explain it in a person's words: ``"out_of_range"`` with ``low`` and
    ``high``, ``"not_number"``, ``"missing"``, ``"empty"``, ``"not_url"`` with
    ``url``, ``"no_url"`` (no source has one), ``"no_sources"``, ``"not_slug"``,
    ``"not_choice"``, ``"unknown_zone"``,
    or ``"invalid"`` for anything else.
    """

    def __init__(
        self,
        path: str,
        feature: str | None,
        field: str | None,
        problem: str,
        *,
        code: str = "invalid",
        params: Mapping[str, object] | None = None,
    ):
        self.path = path
        self.feature = feature
        self.field = field
        self.problem = problem
        self.code = code
        self.params: Mapping[str, object] = dict(params or {})
        where = path
        if feature is not None:
            where += f", feature {feature}"
        if field is not None:
            where += f", field {field!r}"
        super().__init__(f"{where}: {problem}")


class UnknownStopError(LookupError):
    """A stop id that the tour does not have."""

    def __init__(self, stop_id: str):
        self.stop_id = stop_id
        super().__init__(f"unknown stop {stop_id!r}")


class UnknownTourError(LookupError):
    """A tour id that the site does not have."""

    def __init__(self, tour_id: str):
        self.tour_id = tour_id
        super().__init__(f"unknown tour {tour_id!r}")


class BadCoordinateError(ValueError):
    """A position that is not a finite WGS84 longitude/latitude pair."""


class NoRouteError(LookupError):
    """No walking path joins the two points."""


class TooFarFromStreetsError(ValueError):
    """A point lies farther from any walkable street than the snapping limit."""


class StreetDataError(ValueError):
    """A street file that cannot be read as OpenStreetMap data, or holds no streets."""


class TrackError(ValueError):
    """An uploaded track that cannot become the tour's path; nothing is replaced."""


class TrackFormatError(TrackError):
    """The upload is not a readable GPX document."""


class EmptyTrackError(TrackError):
    """The GPX document holds no track (or route) with at least two points."""


class TrackTooLargeError(TrackError):
    """The upload is over the size or point-count limit."""


class TrackTooFarError(TrackError):
    """The track was recorded somewhere else: nowhere near the tour."""


class TrackMissesStopError(TrackError):
    """The track does not pass a stop closely enough, in the tour's order."""
