"""Document adapters: which parts of a source file are prose, in source offsets.

An adapter reads a document and returns :class:`Prose`: the decoded text unchanged, the
regions that hold prose, the spans inside them that must never be reported (inline code,
markup), and any suppression comments. The checker never sees rendered text, so every
position it reports points into the original file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .text import Span


@dataclass(frozen=True)
class Directive:
    """A suppression comment: ``disable``, ``enable`` or ``disable-next-line``.

    ``rules`` empty means every rule. ``offset`` is where the comment ends in the source.
    """

    action: str
    rules: tuple[str, ...]
    offset: int


@dataclass(frozen=True)
class Prose:
    text: str
    regions: tuple[Span, ...]
    masks: tuple[Span, ...] = ()
    directives: tuple[Directive, ...] = ()
    format: str = "text"
    comment: tuple[str, str] | None = field(default=None)  # how this format writes a comment


def plain_text(text: str) -> Prose:
    """Plain text: all of it is prose."""
    return Prose(text, ((0, len(text)),), format="text")


# Adapters by format name; other modules register theirs here.
ADAPTERS: dict[str, Callable[[str], Prose]] = {"text": plain_text}


def adapt(text: str, fmt: str = "text") -> Prose:
    """Run the adapter for ``fmt`` (plain text when the format is unknown)."""
    return ADAPTERS.get(fmt, plain_text)(text)
