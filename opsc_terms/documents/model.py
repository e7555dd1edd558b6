"""What every reader returns: the prose of a document, in source offsets, and its directives.

A reader never renders markup and never changes the text: it says which spans of the
source are prose, which spans inside them must never be reported (markup, code), where
the suppression comments are, and what the markup says about the words (emphasis, titles
with underlines). Everything here is plain data; nothing imports the checker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..lines import Span

ACTIONS = ("disable", "enable", "disable-next-line", "disable-line")


class DocumentError(Exception):
    """A document that cannot be read; the message is one line for the user."""


@dataclass(frozen=True)
class Directive:
    """A suppression comment: ``disable``, ``enable``, ``disable-next-line`` or ``disable-line``.

    ``rules`` holds rule ids or family names; empty means every rule. ``offset`` is where the
    comment ends in the source: ``disable``/``enable`` take effect from there,
    ``disable-next-line`` applies to the first non-blank line after the one holding
    ``offset`` and ``disable-line`` to that line itself. ``start`` is where the comment's
    rule list begins, so an unknown rule id can be pointed at.
    """

    action: str
    rules: tuple[str, ...]
    offset: int
    start: int = -1


@dataclass(frozen=True)
class Adornment:
    """A title whose underline (and overline) must stay as long as the title (reStructuredText)."""

    title: Span
    lines: tuple[Span, ...]  # the adornment lines, without their line breaks
    char: str


@dataclass(frozen=True)
class Prose:
    """A document as the checker sees it. Every span is a pair of offsets into ``text``."""

    text: str
    regions: tuple[Span, ...]
    masks: tuple[Span, ...] = ()
    directives: tuple[Directive, ...] = ()
    format: str = "text"
    # How this format writes a comment: (prefix, suffix), e.g. ("<!-- ", " -->").
    # None when the format has no comments a user could add (Word documents).
    comment: tuple[str, str] | None = field(default=None)
    # Text that markup sets apart as a name or a word: italics, emphasis, link text,
    # citations of works. It can show that a term is part of a title or is a mention.
    emphasis: tuple[Span, ...] = ()
    adornments: tuple[Adornment, ...] = ()
    # Word documents: what each line (paragraph) is: body, table, header, footer, note.
    kinds: tuple[str, ...] = ()


_DIRECTIVE_RE = re.compile(r"\s*opsc-terms:\s*(disable-next-line|disable-line|disable|enable)\b(.*?)\s*", re.DOTALL)
_RULE_LIST_RE = re.compile(r"[\s,]+")


def parse_directive(body: str, offset: int, body_start: int = -1) -> Directive | None:
    """A directive from the inside of a comment (``opsc-terms: disable rule-a, rule-b``).

    ``body_start`` is the source offset of ``body`` when it is known.
    """
    m = _DIRECTIVE_RE.fullmatch(body)
    if m is None:
        return None
    rules = tuple(r for r in _RULE_LIST_RE.split(m.group(2)) if r)
    start = body_start + m.start(2) if body_start >= 0 else -1
    return Directive(m.group(1), rules, offset, start)


# --------------------------------------------------------------------------- shared by the readers


def finish_masks(text: str, masks: Iterable[Span]) -> tuple[Span, ...]:
    """Widen every mask over the whitespace around it, then merge overlapping or touching masks.

    A mask is one space in the checker's view, so ``child **prostitutes**`` still reads as
    ``child prostitutes``.
    """
    n = len(text)
    widened = []
    for s, e in masks:
        if e <= s:
            continue
        while s > 0 and text[s - 1].isspace():
            s -= 1
        while e < n and text[e].isspace():
            e += 1
        widened.append((s, e))
    widened.sort()
    merged: list[Span] = []
    for s, e in widened:
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return tuple(merged)


def trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


@dataclass
class Collector:
    """What a reader gathers while it scans; :meth:`prose` sorts and tidies it."""

    text: str
    regions: list[Span] = field(default_factory=list)
    masks: list[Span] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    emphasis: list[Span] = field(default_factory=list)
    adornments: list[Adornment] = field(default_factory=list)

    def prose(self, fmt: str, comment: tuple[str, str] | None) -> Prose:
        regions = sorted(r for r in (trim(self.text, s, e) for s, e in self.regions) if r is not None)
        return Prose(self.text, tuple(regions), masks=finish_masks(self.text, self.masks),
                     directives=tuple(sorted(self.directives, key=lambda d: d.offset)), format=fmt,
                     comment=comment, emphasis=merge_spans(self.emphasis),
                     adornments=tuple(sorted(self.adornments, key=lambda a: a.title)))
