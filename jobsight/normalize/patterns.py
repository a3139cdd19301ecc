"""Regular expressions guarded by cheap substring checks, for scanning whole descriptions fast.

Most rules (workplace, employment type, experience) look for words that a given description
usually does not contain at all; checking a few plain substrings first skips the far slower
regex scan in the common case and keeps ``normalize`` within its throughput budget.
"""
from __future__ import annotations

import re


class GuardedPattern:
    """A regex over lower-cased text that only runs when the text contains one of its ``hints``.

    Patterns are written in lower case and matched case-sensitively against the lower-cased
    text (several times faster than IGNORECASE); match offsets index the original text too.
    Every string the regex can match must contain at least one hint, so the guard never
    changes a result.
    """

    __slots__ = ("hints", "regex")

    def __init__(self, pattern: str, hints: tuple[str, ...], flags: int = 0):
        self.regex = re.compile(pattern, flags)
        self.hints = tuple(hint.lower() for hint in hints)

    def search(self, text: str, lowered: str | None = None) -> re.Match | None:
        """Search ``text``; pass ``lowered`` (``lower_same_length(text)``) when you have it."""
        lowered = lower_same_length(text) if lowered is None else lowered
        for hint in self.hints:
            if hint in lowered:
                return self.regex.search(lowered)
        return None


def lower_same_length(text: str) -> str:
    """``text.lower()`` with every offset kept: the few characters whose lower case is longer
    ("İ" → "i̇") stay as they are, so match positions in the result index the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
