"""Counts in messages and cards: "1 document pair", "2 document pairs"."""

from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` and the noun, in the singular for exactly one (``plural`` defaults to
    the singular with an "s")."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
