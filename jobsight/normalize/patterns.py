"""Regular expressions guarded by cheap substring checks, for scanning whole descriptions fast.

Most rules (workplace, employment type, experience) look for phrases built around a few
distinctive words. Finding those words with ``str.find`` and running the regex only on a
window around each one is several times faster than scanning a 2 KB description with the
regex, and keeps ``normalize`` within its throughput budget.
"""
from __future__ import annotations

import re


class GuardedPattern:
    """A regex over lower-cased text, run only near occurrences of its ``hints``.

    Patterns are written in lower case and matched case-sensitively against the lower-cased
    text (several times faster than IGNORECASE). Every match must contain one of the hints
    and reach at most ``reach`` characters before or after it, so the guard never changes a
    result. Match offsets index the original text (see ``lower_same_length``).
    """

    __slots__ = ("hints", "reach", "regex")

    def __init__(self, pattern: str, hints: tuple[str, ...], reach: int = 80, flags: int = 0):
        self.regex = re.compile(pattern, flags)
        lowered = {hint.lower() for hint in hints}
        # A hint that contains another is implied by it; each hint left costs one scan.
        self.hints = tuple(sorted(h for h in lowered if not any(o != h and o in h for o in lowered)))
        self.reach = reach

    def search(self, text: str, lowered: str | None = None) -> re.Match | None:
        """The leftmost match in ``text``; pass ``lowered`` (``lower_same_length(text)``) if you have it."""
        lowered = lower_same_length(text) if lowered is None else lowered
        if len(lowered) <= self.reach:
            return self.regex.search(lowered)  # a title or a field: cheaper to just search
        windows = self._windows(lowered)
        if not windows:
            return None
        if len(windows) == 1 and windows[0] == (0, len(lowered)):
            return self.regex.search(lowered)
        for start, end in windows:
            match = self.regex.search(lowered, start, end)
            if match is not None:
                return match  # windows are ordered and disjoint, so this is the leftmost
        return None

    def finditer(self, text: str, lowered: str | None = None) -> list[re.Match]:
        """Every match, left to right (overlapping windows are merged first)."""
        lowered = lower_same_length(text) if lowered is None else lowered
        return [match for start, end in self._windows(lowered) for match in self.regex.finditer(lowered, start, end)]

    def _windows(self, lowered: str) -> list[tuple[int, int]]:
        spans = []
        reach = self.reach
        size = len(lowered)
        for hint in self.hints:
            found = lowered.find(hint)
            while found != -1:
                spans.append((max(0, found - reach), min(size, found + len(hint) + reach)))
                found = lowered.find(hint, found + 1)
        if len(spans) < 2:
            return spans
        spans.sort()
        merged = [spans[0]]
        for start, end in spans[1:]:
            last_start, last_end = merged[-1]
            if start <= last_end:
                merged[-1] = (last_start, max(last_end, end))
            else:
                merged.append((start, end))
        return merged


def lower_same_length(text: str) -> str:
    """``text.lower()`` with every offset kept: the few characters whose lower case is longer
    ("İ" → "i̇") stay as they are, so match positions in the result index the original."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
