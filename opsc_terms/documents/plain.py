"""Plain text: all of it is prose, except lines that are suppression directives."""

from __future__ import annotations

import re

from ..lines import Span
from .model import Prose, parse_directive

COMMENT = ("", "")
_TEXT_DIRECTIVE_RE = re.compile(r"^[ \t]*(opsc-terms:[ \t]*(?:disable-next-line|disable|enable)\b[^\r\n]*)$",
                                re.MULTILINE)


def read(text: str) -> Prose:
    """A directive is a line of its own: ``opsc-terms: disable-next-line RULE``,
    ``opsc-terms: disable RULE`` or ``opsc-terms: enable RULE``.
    """
    regions: list[Span] = []
    directives = []
    cursor = 0
    if "opsc-terms:" in text:
        for m in _TEXT_DIRECTIVE_RE.finditer(text):
            directive = parse_directive(m.group(1), m.end(), m.start(1))
            if directive is None:
                continue
            directives.append(directive)
            if m.start() > cursor:
                regions.append((cursor, m.start()))
            cursor = m.end()
    if cursor < len(text) or not regions:
        regions.append((cursor, len(text)))
    return Prose(text, tuple(regions), directives=tuple(directives), format="text", comment=COMMENT)
