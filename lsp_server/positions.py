"""Offsets in the text <-> positions in the client's units.

Inside the server every location is a Python ``str`` index into the document, exactly as
the library reports it. Conversion to LSP positions happens here and nowhere else, using
the position encoding negotiated with the client (UTF-16 unless it offered another), so
an emoji or any other character outside the Basic Multilingual Plane before a term
cannot shift its range.

LSP lines end at "\\n", "\\r\\n" or "\\r" only. ``str.splitlines()``, which pygls uses,
also breaks at form feeds, U+2028 and a few other characters that text extracted from
PDFs or word processors does contain; a client and a server that disagree on line
numbers put every later squiggle on the wrong line and apply edits in the wrong place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from lsprotocol import types
from pygls.workspace import TextDocument, Workspace
from pygls.workspace.position_codec import PositionCodec

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lsp_lines(text: str) -> list[str]:
    """The lines of ``text`` as LSP counts them, each with its line break."""
    lines: list[str] = []
    start = 0
    for m in _LINE_BREAK.finditer(text):
        lines.append(text[start:m.end()])
        start = m.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class LspTextDocument(TextDocument):
    """pygls' document with LSP line breaks, so incremental edits land where the client meant."""

    @property
    def lines(self) -> Sequence[str]:
        return tuple(lsp_lines(self.source))


class LspWorkspace(Workspace):
    """A workspace whose documents count lines as LSP does (see :class:`LspTextDocument`)."""

    def _create_text_document(self, doc_uri: str, source: str | None = None, version: int | None = None,
                              language_id: str | None = None) -> TextDocument:
        return LspTextDocument(doc_uri, source=source, version=version, language_id=language_id,
                               sync_kind=self._sync_kind, position_codec=self.position_codec)


class PositionMap:
    """Converts between offsets into one text and positions in the client's units."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.text = text
        self.codec = codec
        self.encoding: str = codec.encoding or types.PositionEncodingKind.Utf16
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:  # the usual case, and three times faster on a long document
            self.starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]

    def units(self, chars: str) -> int:
        """How many code units of the negotiated encoding ``chars`` takes."""
        # Encoding is done in C: fast even for the long lines of soft-wrapped prose.
        if self.encoding == types.PositionEncodingKind.Utf8:
            return len(chars.encode("utf-8", "surrogatepass"))
        if self.encoding == types.PositionEncodingKind.Utf32:
            return len(chars)
        return len(chars.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        return types.Position(line=line, character=self.units(self.text[self.starts[line]:offset]))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def offset(self, position: types.Position) -> int:
        """The offset of a client position; positions past a line's end clamp to it."""
        if position.line < 0:
            return 0
        if position.line >= len(self.starts):
            return len(self.text)
        start = self.starts[position.line]
        end = self.starts[position.line + 1] if position.line + 1 < len(self.starts) else len(self.text)
        content_end = len(self.text[start:end].rstrip("\r\n")) + start
        if self.encoding == types.PositionEncodingKind.Utf32:
            return min(start + max(position.character, 0), content_end)
        units = 0
        index = start
        while index < content_end and units < position.character:
            units += self.units(self.text[index])
            index += 1
        return index
