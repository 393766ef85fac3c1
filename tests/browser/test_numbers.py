"""The scripts' numbers (static/js/numbers.js) as Babel writes them on the server,
in every declared language, and the walk drawn without starting Intl."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal

from tests.language_support import DECLARED

# (options, value): no value is a tie at its precision (Babel rounds ties to even,
# Intl away from zero). 1234.5 and 10000 need the group sign: Intl writes them.
CASES = [
    ({}, 0),
    ({}, 7),
    ({}, 3.14159),
    ({}, 999.4),
    ({"maximumFractionDigits": 0}, 340.4),
    ({"maximumFractionDigits": 0}, 999.6),
    ({"maximumFractionDigits": 1}, 4.44),
    ({"maximumFractionDigits": 1}, 12.06),
    ({"minimumFractionDigits": 1, "maximumFractionDigits": 1}, 4.0),
    ({"minimumFractionDigits": 1, "maximumFractionDigits": 1}, 0.96),
    ({"minimumFractionDigits": 1, "maximumFractionDigits": 1}, 1234.54),
    ({}, 10000),
]


def babel_pattern(options: dict[str, int]) -> str:
    low = options.get("minimumFractionDigits", 0)
    high = max(low, options.get("maximumFractionDigits", 3))
    fraction = "0" * low + "#" * (high - low)
    return "#,##0" + ("." + fraction if fraction else "")


@pytest.mark.parametrize("lang", DECLARED)
def test_numbers_are_written_as_babel_writes_them(page, live_server, lang):
    page.goto(f"/tours/interhelpo/about?lang={lang}")
    written = page.evaluate(
        "(cases) => cases.map(([options, value]) =>"
        " window.pageNumberFormat(options).format(value))",
        CASES,
    )
    expected = [
        format_decimal(value, format=babel_pattern(options), locale=lang)
        for options, value in CASES
    ]
    assert written == expected


# Counts every Intl.NumberFormat the page makes, from before its first script.
COUNT_INTL = """
(() => {
  const Original = Intl.NumberFormat;
  window.__intlMade = 0;
  Intl.NumberFormat = function (...args) {
    window.__intlMade += 1;
    return new Original(...args);
  };
  Intl.NumberFormat.prototype = Original.prototype;
})();
"""


def test_the_walk_starts_without_intl(context, live_server):
    # The first Intl.NumberFormat costs a slow phone ~80 ms in the walk's first task.
    context.add_init_script(COUNT_INTL)
    page = context.new_page()
    page.goto("/tours/interhelpo/walk?lang=ru")
    progress = page.locator("#walk-progress")
    # The progress line is drawn: "0 м пройдено, осталось 4,4 км" or the like.
    page.wait_for_function("document.getElementById('walk-progress').textContent")
    assert "," in progress.text_content()
    assert page.evaluate("window.__intlMade") == 0
    # A number that needs grouping still gets it, through Intl.
    assert page.evaluate("window.pageNumberFormat().format(12345)") == "12\u00a0345"
    assert page.evaluate("window.__intlMade") == 1
