"""Numbers from clients, read in one place: bounded before the database sees them.

A database integer is 64 bits; Python's ``int()`` is not bounded, and JSON's
``true`` is an ``int`` to Python. Both helpers raise ``ValueError`` (the views'
"cannot use this" case) for anything but a plain number in range.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Longer than any 64-bit integer or useful decimal; int("9" * 5000) is slow.
MAX_DIGITS = 40


def db_int(value: object) -> int:
    """An integer that fits a database column, from a form string or JSON.

    >>> db_int("42"), db_int(7)
    (42, 7)
    >>> db_int("-99999999999999999999")
    Traceback (most recent call last):
    ...
    ValueError: not a 64-bit integer: '-99999999999999999999'
    >>> db_int(True)
    Traceback (most recent call last):
    ...
    ValueError: not a number: True
    """
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, str) and len(value.strip()) > MAX_DIGITS:
        raise ValueError(f"not a 64-bit integer: {value[:MAX_DIGITS]!r}")
    number = int(value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise ValueError(f"not a 64-bit integer: {str(value)[:MAX_DIGITS]!r}")
    return number


def number(value: object) -> float:
    """A float from a form string or a JSON number; never a boolean.

    >>> number("42.87"), number(74)
    (42.87, 74.0)
    >>> number(10**400)
    Traceback (most recent call last):
    ...
    ValueError: number out of range
    >>> number(True)
    Traceback (most recent call last):
    ...
    ValueError: not a number: True
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"not a number: {value!r}")
    try:
        return float(value)
    except OverflowError:
        raise ValueError("number out of range") from None
