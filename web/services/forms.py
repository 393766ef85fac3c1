"""What every form shares: filters that clean people's text before validation."""

from __future__ import annotations

from web.services.security import clean_text


def single_line(value: object) -> object:
    """A WTForms filter: one line of clean text (other values pass through).

    >>> single_line("  Ann\\nLee "), single_line(None)
    ('Ann Lee', None)
    """
    return clean_text(value) if isinstance(value, str) else value


def multi_line(value: object) -> object:
    """A WTForms filter: clean text that keeps its line breaks.

    >>> multi_line(" a\\r\\nb ")
    'a\\nb'
    """
    return clean_text(value, multiline=True) if isinstance(value, str) else value
