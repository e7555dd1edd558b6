"""The one definition of a line, shared by the command line, the language server and the readers.

A line ends at "\\n", "\\r\\n" or a lone "\\r", as the Language Server Protocol counts
them. ``str.splitlines()`` also breaks at form feeds, U+2028, NEL and other characters
that text from PDFs and word processors does contain; if the command line and an editor
disagreed about them, a finding would be reported on one line and shown on another.
"""

from __future__ import annotations

import re
from bisect import bisect_right

Span = tuple[int, int]

LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def line_starts(text: str) -> list[int]:
    """Offsets at which the lines of ``text`` start."""
    return [0, *(m.end() for m in LINE_BREAK_RE.finditer(text))]


def line_spans(text: str) -> list[Span]:
    """(start, end) of every line, without its line break."""
    spans: list[Span] = []
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text) and spans:
            break
        content = m.group().rstrip("\r\n")
        spans.append((m.start(), m.start() + len(content)))
    return spans


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break (an empty text has no lines)."""
    lines: list[str] = []
    start = 0
    for m in LINE_BREAK_RE.finditer(text):
        lines.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


def line_bounds(text: str, offset: int) -> Span:
    """Start and end (before its line break) of the line holding ``offset``."""
    start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    m = LINE_BREAK_RE.search(text, offset)
    end = m.start() if m is not None else len(text)
    if end < offset:  # offset sits between "\r" and "\n"
        end = offset
    return start, end


def _breaks_between(text: str, start: int, end: int) -> int:
    crlf = text.count("\r\n", start, end)
    # A "\r\n" cut at ``end`` (offset between its two characters) still ends the line.
    return text.count("\n", start, end) + text.count("\r", start, end) - crlf


class LineIndex:
    """1-based line and column (in characters) of offsets into one text.

    Lines are counted between the offsets asked for, not indexed for the whole text: a
    long document with a few findings needs a few C-speed counts, not a scan per line,
    and many findings on one very long line cost one pass over it, not one each.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        # (offset, line, start of that line), sorted by offset
        self._known: list[tuple[int, int, int]] = [(0, 1, 0)]

    def position(self, offset: int) -> tuple[int, int]:
        text = self.text
        i = bisect_right(self._known, (offset, float("inf"), 0)) - 1
        base, line, line_start = self._known[i]
        if base > 0 and text[base - 1:base + 1] == "\r\n":
            # The remembered offset sits inside a CRLF: count from the text's start instead.
            base, line, line_start = self._known[0]
        breaks = _breaks_between(text, base, offset)
        if breaks:
            line += breaks
            line_start = max(text.rfind("\n", base, offset), text.rfind("\r", base, offset)) + 1
        if i == len(self._known) - 1:
            self._known.append((offset, line, line_start))
        return line, offset - line_start + 1
