"""Directions: street names people know, turns, distances, every phrase file."""

from __future__ import annotations

import pytest

from geo.directions import Segment
from geo.directions import build_steps
from geo.directions import describe
from geo.directions import format_distance
from geo.directions import street_label
from geo.directions import turn_kind
from geo.distance import haversine_m
from geo.network import Street
from geo.phrasebook import phrasebook


def _street(name: str | None = None, **extra: str) -> Street:
    names = {"": name} if name else {}
    names.update(extra)
    return Street(names=names)


def _segment(start, end, street: Street | None) -> Segment:
    return Segment(start, end, haversine_m(start, end), street)


@pytest.mark.parametrize(
    ("slug", "lon", "english", "russian"),
    [
        (
            "chuy",
            74.5600,
            "Chui Ave (formerly Deng Xiaoping Ave)",
            "пр. Чуй (бывш. пр. Дэн Сяопина)",
        ),
        ("chuy", 74.5650, "Chui Ave", "пр. Чуй"),
        (
            "manas",
            74.5625,
            "Manas St (formerly Fučík St)",
            "ул. Манаса (бывш. ул. Фучика)",
        ),
        (
            "s-fucik-ulius-kocosu",
            74.5557,
            "Manas St (formerly Fučík St)",
            "ул. Манаса (бывш. ул. Фучика)",
        ),
        ("s-intergel-po-kocosu", 74.558, "Intergelpo St", "ул. Интергельпо"),
        (
            "shabdan",
            74.560,
            "Shabdan Baatyr St (formerly Lev Tolstoy St)",
            "ул. Шабдан Баатыра (бывш. ул. Льва Толстого)",
        ),
        (
            "s-imanaly-ajdarbekov-kocosu",
            74.5755,
            "I. Aidarbekov St (formerly Molodaya Gvardiya Blvd)",
            "ул. И. Айдарбекова (бывш. бул. Молодой Гвардии)",
        ),
        ("s-kiev-kocosu", 74.566, "Kievskaya St", "ул. Киевская"),
    ],
)
def test_geodata_slugs_get_human_names(slug, lon, english, russian):
    label = street_label(_street(slug), lon)
    assert label is not None
    assert label.text("en") == f"on {english}"
    forms = label.forms(phrasebook("ru"))
    assert (forms.along, forms.onto) == (f"по {russian}", f"на {russian}")


def test_every_skeleton_slug_has_a_name(shared_dir):
    skeleton = shared_dir / "geodata" / "bishkek_west_arterials_skeleton.osm"
    text = skeleton.read_text(encoding="utf-8")
    slugs = {part.split('"')[0] for part in text.split('k="name" v="')[1:]}
    assert len(slugs) == 34
    for slug in slugs:
        label = street_label(_street(slug), 74.6)
        assert label is not None and label.key is not None, slug


@pytest.mark.parametrize(
    ("street", "english", "russian_along"),
    [
        (_street("s-unknown-kocosu"), None, None),
        (_street(None), None, None),
        (None, None, None),
        (
            _street("Чүй проспектиси", en="Chui Avenue"),
            "on Chui Avenue",
            "по пр. Чүй",
        ),
        (_street("улица Интергельпо"), "on улица Интергельпо", "по ул. Интергельпо"),
        (_street("Garden Walk"), "on Garden Walk", "по Garden Walk"),
        (Street(highway="tour-path"), "on the tour path", "по маршруту экскурсии"),
    ],
)
def test_other_names(street, english, russian_along):
    label = street_label(street, 74.56)
    assert (label.text("en") if label else None) == english
    assert (label.text("ru") if label else None) == russian_along


@pytest.mark.parametrize(
    ("street", "lang", "along", "onto"),
    [
        (
            _street("Chui Avenue", cs="Čujská třída"),
            "cs",
            "po ulici Čujská třída",
            "do ulice Čujská třída",
        ),
        (
            _street("Чүй проспектиси"),
            "ky",
            "Чүй проспектиси менен",
            "Чүй проспектиси тарапка",
        ),
        (
            _street("Garden Walk", sk="Záhradná"),
            "sk",
            "po ulici Záhradná",
            "na ulicu Záhradná",
        ),
        (
            _street("улица Токтогула"),
            "cs",
            "po ulici Токтогула",
            "do ulice Токтогула",
        ),
        (
            _street("улица Токтогула"),
            "ky",
            "Токтогула көчөсү менен",
            "Токтогула көчөсү тарапка",
        ),
    ],
)
def test_other_names_take_the_language_s_own_osm_name(street, lang, along, onto):
    forms = street_label(street, 74.56).forms(phrasebook(lang))
    assert (forms.along, forms.onto) == (along, onto)


@pytest.mark.parametrize(
    ("turn_deg", "kind"),
    [
        (0.0, "straight"),
        (-24.0, "straight"),
        (30.0, "slight right"),
        (-90.0, "left"),
        (120.0, "right"),
        (-150.0, "sharp left"),
        (175.0, "u-turn"),
        (-180.0, "u-turn"),
    ],
)
def test_turn_kinds(turn_deg, kind):
    assert turn_kind(turn_deg) == kind


@pytest.mark.parametrize(
    ("metres", "english", "russian"),
    [
        (0.4, "5 m", "5 м"),
        (12, "10 m", "10 м"),
        (97.6, "100 m", "100 м"),
        (283, "280 m", "280 м"),
        (994, "990 m", "990 м"),
        (999, "1.0 km", "1,0 км"),
        (1049, "1.0 km", "1,0 км"),
        (2561, "2.6 km", "2,6 км"),
    ],
)
def test_distances_read_naturally(metres, english, russian):
    assert format_distance(metres, "en") == english
    assert format_distance(metres, "ru") == russian


# The meeting point, south along Intergelpo St, then east along the Dimitrov link.
MEETING = (74.55826, 42.87766)
QUARTER = (74.55798, 42.87511)
DIMITROV = (74.55771, 42.87251)
EAST = (74.56356, 42.87294)


def _walk():
    return [
        _segment(MEETING, QUARTER, _street("s-intergel-po-kocosu")),
        _segment(QUARTER, DIMITROV, _street("s-intergel-po-kocosu")),
        _segment(DIMITROV, EAST, _street("s-dimitrov-kocosu")),
    ]


def test_steps_merge_one_street_and_turn_at_the_corner():
    steps = build_steps(_walk())
    assert [step.label.key for step in steps if step.label] == [
        "s-intergel-po-kocosu",
        "s-dimitrov-kocosu",
    ]
    assert steps[0].length_m == pytest.approx(
        haversine_m(MEETING, QUARTER) + haversine_m(QUARTER, DIMITROV)
    )
    assert turn_kind(steps[1].turn_deg or 0) == "left"


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "en",
            (
                "Walk south on Intergelpo St for 570 m,"
                " then turn left onto Dimitrov St.",
                "Walk east on Dimitrov St for 480 m to arrive.",
            ),
        ),
        (
            "ru",
            (
                "Идите на юг по ул. Интергельпо 570 м,"
                " затем поверните налево на ул. Димитрова.",
                "Идите на восток по ул. Димитрова 480 м до места назначения.",
            ),
        ),
        (
            "cs",
            (
                "Jděte na jih po ulici Intergelpo 570 m,"
                " pak zahněte doleva do ulice Dimitrova.",
                "Jděte na východ po ulici Dimitrova 480 m až do cíle.",
            ),
        ),
        (
            "sk",
            (
                "Choďte na juh po ulici Intergelpo 570 m,"
                " potom odbočte doľava na ulicu Dimitrova.",
                "Choďte na východ po ulici Dimitrova 480 m až do cieľa.",
            ),
        ),
        (
            "ky",
            (
                "Интергельпо көчөсү менен түштүккө 570 м басыңыз,"
                " андан кийин Димитров көчөсүнө солго бурулуңуз.",
                "Димитров көчөсү менен чыгышка 480 м басыңыз,"
                " ошондо бара турган жериңизге жетесиз.",
            ),
        ),
    ],
)
def test_directions_in_each_language(lang, lines):
    directions = describe(build_steps(_walk()), lang)
    assert directions.lines == lines
    assert (directions.lang, directions.fallback) == (lang, False)


def test_unknown_language_falls_back_to_english_and_says_so():
    directions = describe(build_steps(_walk()), "de")
    assert directions.lines[0].startswith("Walk south")
    assert (directions.lang, directions.requested, directions.fallback) == (
        "en",
        "de",
        True,
    )


def test_unmapped_ground_is_said_plainly():
    visitor = (74.5585, 42.8790)
    segments = [_segment(visitor, MEETING, None), *_walk()[:1]]
    english = describe(build_steps(segments), "en").lines
    assert english[0] == (
        "Walk about 150 m south in a straight line (no mapped path),"
        " then continue straight onto Intergelpo St."
    )
    russian = describe(build_steps(segments), "ru").lines
    assert russian[0].startswith(
        "Идите около 150 м на юг по прямой (пути на карте нет)"
    )


def test_unnamed_street_in_both_languages():
    segments = [
        _segment(MEETING, QUARTER, _street(None)),
        _segment(QUARTER, (74.5600, 42.87511), _street("chuy")),
    ]
    english, _ = describe(build_steps(segments), "en").lines
    assert english.startswith("Walk south on an unnamed street for 280 m")
    russian = describe(build_steps(segments[::-1]), "ru").lines[0]
    assert russian.endswith("на безымянную улицу.")


def test_a_hand_drawn_way_with_a_known_english_name_is_that_street():
    connector = _street("улица Интергельпо", en="Intergelpo St")
    assert street_label(connector, 74.558) == street_label(
        _street("s-intergel-po-kocosu"), 74.558
    )
    segments = [
        _segment(MEETING, QUARTER, connector),
        _segment(QUARTER, DIMITROV, _street("s-intergel-po-kocosu")),
    ]
    assert len(build_steps(segments)) == 1


def test_a_few_metres_across_a_median_are_not_a_step():
    jog = (74.55826, 42.87762)  # 4 m south across Chui's median
    segments = [
        _segment((74.5600, 42.87766), MEETING, _street("chuy")),
        _segment(MEETING, jog, _street("s-intergel-po-kocosu")),
        _segment(jog, (74.5560, 42.87762), _street("chuy")),
    ]
    steps = build_steps(segments)
    assert len(steps) == 1
    assert (
        steps[0].label is not None
        and steps[0].label.key == "chuy-formerly-deng-xiaoping"
    )
