"""Counts in English words, for the build's summary and the pages alike: "1 lesson", "17 lessons"."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """Return the count and the noun, plural unless the count is one: "1 course", "0 files"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
