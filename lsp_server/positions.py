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
from typing import Any

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


def _editable_lines(text: str) -> list[str]:
    """``lsp_lines`` plus a last line without a break (empty when the text ends with one)."""
    lines = lsp_lines(text)
    if not lines or lines[-1].endswith(("\n", "\r")):
        lines.append("")
    return lines


def _content_length(line: str) -> int:
    """The length of ``line`` without its line break."""
    if line.endswith("\r\n"):
        return len(line) - 2
    return len(line) - 1 if line.endswith(("\n", "\r")) else len(line)


class LspTextDocument(TextDocument):
    """pygls' document with LSP line breaks, and incremental changes in linear time.

    pygls splits the whole text into lines and joins it again for every change, so one
    ``didChange`` carrying thousands of changes to a long document costs changes × length
    (20,000 changes took minutes). Here the text is kept as a list of lines while changes
    arrive: a change converts its two positions on their own lines and replaces the lines
    it touches, and the text is joined once, when it is read.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._line_list: list[str] | None = None  # set while changes are being applied

    @property
    def source(self) -> str:
        if self._source is None and self._line_list is not None:
            self._source = "".join(self._line_list)
        return super().source

    @property
    def lines(self) -> Sequence[str]:
        return tuple(lsp_lines(self.source))

    def _apply_full_change(self, change: types.TextDocumentContentChangeEvent) -> None:
        super()._apply_full_change(change)
        self._line_list = None

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        if self._line_list is None:
            self._line_list = _editable_lines(self.source)
        lines = self._line_list
        start = self._locate(lines, change.range.start)
        end = self._locate(lines, change.range.end)
        if end < start:  # a reversed range: read it as the span between the two positions
            start, end = end, start
        (start_line, start_char), (end_line, end_char) = start, end
        # The replaced run takes in one unchanged line on each side, so a "\r" and a "\n"
        # that the change brings together (or apart) are split as one line break (or two).
        low, high = max(start_line - 1, 0), min(end_line + 2, len(lines))
        segment = "".join((*lines[low:start_line], lines[start_line][:start_char], change.text,
                           lines[end_line][end_char:], *lines[end_line + 1:high]))
        lines[low:high] = _editable_lines(segment) if high == len(lines) else lsp_lines(segment)
        self._source = None

    def _locate(self, lines: Sequence[str], position: types.Position) -> tuple[int, int]:
        """(line, index in the line) of a client position; past a line's end clamps to it."""
        if position.line >= len(lines):
            return len(lines) - 1, len(lines[-1])
        line = lines[position.line]
        length = _content_length(line)
        wanted = max(position.character, 0)
        codec = self.position_codec.encoding or types.PositionEncodingKind.Utf16
        if codec == types.PositionEncodingKind.Utf32 or line.isascii():
            return position.line, min(wanted, length)
        utf8 = codec == types.PositionEncodingKind.Utf8  # otherwise UTF-16, LSP's default
        units = 0
        index = 0
        while index < length and units < wanted:  # a position inside a character moves past it
            code = ord(line[index])
            if utf8:
                units += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
            else:
                units += 2 if code > 0xFFFF else 1
            index += 1
        return position.line, index


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
