"""Markdown (CommonMark with tables and strikethrough), read with markdown-it-py.

Prose: paragraphs, headings, list items, block quotes, table cells, link text and image
descriptions. Skipped: code spans and blocks, autolinks, link and image destinations,
HTML comments and tags (the visible text of HTML blocks is checked), front matter.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
import zlib
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from ..lines import Span, line_spans
from . import html as html_reader
from .model import Collector, Directive, Prose, finish_masks, merge_spans, parse_directive

COMMENT = ("<!-- ", " -->")

_FRONT_MATTER_RE = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)


@cache
def _markdown_parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _front_matter_end(text: str) -> int:
    """End offset of a YAML (``---``) or TOML (``+++``) front matter block, or 0."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return 0
    fence = text[:3]
    closers = ("---", "...") if fence == "---" else ("+++",)
    pos = m.end()
    for line in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text[pos:]):
        if line.group().rstrip() in closers:
            return pos + line.end()
        if not line.group():
            break
    return 0


def read(text: str) -> Prose:
    """The document is parsed in chunks that start where CommonMark starts a new top-level
    block, and each chunk's result is cached by its text: an editor re-parses only the
    chunk an edit touched, not a whole long document.
    """
    chunks, definitions = _markdown_chunks(text)
    if len(chunks) == 1:
        return _markdown_chunk(text)
    regions: list[Span] = []
    masks: list[Span] = []
    directives: list[Directive] = []
    emphasis: list[Span] = []
    # Link reference definitions apply to the whole document: each chunk is parsed with
    # all of them after it, and only what falls inside the chunk is kept.
    suffix = "\n\n" + "\n".join(definitions) + "\n" if definitions else ""
    for start, end in chunks:
        length = end - start
        part = _markdown_chunk(text[start:end] + suffix) if suffix else _markdown_chunk(text[start:end])
        regions.extend((s + start, min(e, length) + start) for s, e in part.regions if s < length)
        masks.extend((s + start, min(e, length) + start) for s, e in part.masks if s < length)
        directives.extend(replace(d, offset=d.offset + start, start=d.start + start if d.start >= 0 else -1)
                          for d in part.directives if d.offset <= length)
        emphasis.extend((s + start, min(e, length) + start) for s, e in part.emphasis if s < length)
    # Masks are widened over whitespace on the whole text, as a single parse would.
    return Prose(text, tuple(regions), finish_masks(text, masks), tuple(directives), "markdown", COMMENT,
                 emphasis=merge_spans(emphasis))


_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
# CommonMark's raw HTML blocks that may hold blank lines (kinds 1 to 5), by how they open,
# and what closes each. A declaration ("<!DOCTYPE") opens with "!" and a letter.
_RAW_HTML_CLOSE = {"script": "</script>", "pre": "</pre>", "style": "</style>", "textarea": "</textarea>",
                   "!--": "-->", "?": "?>", "![cdata[": "]]>", "!": ">"}
_RAW_HTML_CLOSE_RE = {name: re.compile(re.escape(close), re.IGNORECASE) for name, close in _RAW_HTML_CLOSE.items()}
_CHUNK_MAX = 16_000


_DEFINITION_RE = re.compile(r" {0,3}\[(?:[^\]\\]|\\.)+\]:")


def _markdown_chunks(text: str) -> tuple[list[Span], list[str]]:
    """Where the document can be cut without changing how any part of it parses.

    A cut goes before an unindented line that follows a blank line (nothing in CommonMark
    carries across that, except inside fenced code, raw HTML blocks and front matter,
    which are never cut). Of those places, a cut is taken where a hash of the next line
    says so (or when a chunk grows long), so the cuts depend on the text around them and
    stay put when the document is edited elsewhere. Also returns the document's link
    reference definitions, which belong to every chunk.

    One regular expression jumps between the only lines that matter (fence and raw HTML
    openers, lines after a blank line), so the scan costs little even for a long document.
    """
    # Lone carriage returns as line breaks are rare enough to parse whole rather than teach
    # the scanner about them.
    if len(text) < _CHUNK_MAX or "\r" in text.replace("\r\n", ""):
        return [(0, len(text))], []
    cuts = [0]
    definitions: list[str] = []
    pos = _front_matter_end(text)
    if pos == 0:
        pos = _take_definitions(text, 0, definitions)
    while (m := _CHUNK_EVENT_RE.search(text, pos)) is not None:
        if m.group("fence") is not None:
            line_end = text.find("\n", m.start())
            pos = _fence_end(text, len(text) if line_end == -1 else line_end, m.group("fence"))
        elif m.group("raw") is not None:
            raw = m.group("raw").lower()
            found = _RAW_HTML_CLOSE_RE[raw if raw in _RAW_HTML_CLOSE else "!"].search(text, m.end())
            if found is None:
                break  # open to the end of the document: no more cuts
            pos = found.end()
        else:  # a blank line, then an unindented line; "head" is its beginning
            start = m.end()
            head = m.group("head")
            # A chunk never starts with "---" or "+++": parsed alone, it would look like front matter.
            if not head.startswith(("---", "+++")) and (
                    zlib.crc32(head.encode("utf-8", "surrogatepass")) % 8 == 0 or start - cuts[-1] > _CHUNK_MAX):
                cuts.append(start)
            # The next search starts on this line again, which may open a fence.
            pos = _take_definitions(text, start, definitions) if head[0] == "[" else start
    cuts.append(len(text))
    return [(a, b) for a, b in pairwise(cuts) if b > a], definitions


_CHUNK_EVENT_RE = re.compile(
    r"^(?: {0,3}(?P<fence>`{3,}|~{3,})| {0,3}<(?P<raw>script|pre|style|textarea|!--|\?|!\[CDATA\[|![A-Z])"
    r"|[ \t]*\r?\n(?=(?P<head>\S[^\r\n]{0,31})))",
    re.MULTILINE | re.IGNORECASE)


def _fence_end(text: str, pos: int, fence: str) -> int:
    """Where the fenced block that opened before ``pos`` ends (the document's end if it never does)."""
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?$", re.MULTILINE)
    m = closing.search(text, pos + 1)
    return len(text) if m is None else m.end()


def _take_definitions(text: str, pos: int, definitions: list[str]) -> int:
    """Collect the link reference definitions on consecutive lines from ``pos``; return where they stop."""
    while _DEFINITION_RE.match(text, pos) is not None:
        end = text.find("\n", pos)
        end = len(text) if end == -1 else end
        definitions.append(text[pos:end].rstrip("\r"))
        pos = end + 1
        if pos >= len(text):
            break
    return pos


@lru_cache(maxsize=16_384)
def _markdown_chunk(text: str) -> Prose:
    lines = line_spans(text)
    fm_end = _front_matter_end(text)
    body = text
    if fm_end:
        # Blank the front matter but keep its line breaks, so token line numbers still match.
        body = re.sub(r"[^\r\n]", " ", text[:fm_end]) + text[fm_end:]
    tokens = _markdown_parser().parse(body)
    out = Collector(text)
    line_cursor: dict[int, int] = {}
    # markdown-it replaces NUL with U+FFFD in what it returns; so does the text its content is
    # looked for in (one character for one: every offset stays the same).
    searchable = text.replace("\x00", "\ufffd") if "\x00" in text else text
    for token in tokens:
        if token.map is None:
            continue
        if token.type == "inline":
            _MarkdownInline(searchable, lines, token, line_cursor, out).run()
        elif token.type == "html_block":
            start = lines[token.map[0]][0]
            end = lines[min(token.map[1], len(lines)) - 1][1]
            inner = html_reader.read(text[start:end])
            out.regions.extend((s + start, e + start) for s, e in inner.regions)
            out.masks.extend((s + start, e + start) for s, e in inner.masks)
            out.directives.extend(replace(d, offset=d.offset + start, start=d.start + start if d.start >= 0 else -1)
                                  for d in inner.directives)
            out.emphasis.extend((s + start, e + start) for s, e in inner.emphasis)
    if tokens and max(t.level for t in tokens) >= _markdown_parser().options["maxNesting"] - 1:
        _deeper_than_the_parser(text, lines, tokens, fm_end, out)
    return out.prose("markdown", COMMENT)


_CONTAINER_TOKENS = frozenset({"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"})
_CONTAINER_PREFIX_RE = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*")


def _deeper_than_the_parser(text: str, lines: Sequence[Span], tokens: Sequence[Any], fm_end: int,
                            out: Collector) -> None:
    """Check as plain text the lines nested deeper than markdown-it goes.

    markdown-it stops at 20 levels of quotes and lists (each list level is two) and drops
    what lies deeper without a word; an outline ten levels deep would go unchecked. Those
    lines are prose here, each without its quote and list markers; their inline markup is
    not masked, which costs at most a finding in a code span, never a missed one.
    """
    covered = bytearray(len(lines))
    for token in tokens:
        if token.map is not None and token.type not in _CONTAINER_TOKENS:
            for number in range(token.map[0], min(token.map[1], len(lines))):
                covered[number] = 1
    run: list[Span] = []
    for number, (start, end) in enumerate(lines):
        prefix_end = _CONTAINER_PREFIX_RE.match(text, start, end)
        body = prefix_end.end() if prefix_end is not None else start
        if covered[number] or start < fm_end or body >= end:
            if run:
                out.regions.append((run[0][0], run[-1][1]))
                run = []
            continue
        if run:
            out.masks.append((run[-1][1], body))  # the line break and the next line's markers
        run.append((body, end))
    if run:
        out.regions.append((run[0][0], run[-1][1]))


class _Lost(Exception):
    """The inline walk could not follow the source; the rest of the inline stays unmasked."""


class _MarkdownInline:
    """Maps one inline token's content back to the source and masks its markup.

    markdown-it gives block tokens line ranges but no offsets, and an inline token's content
    is the source minus container prefixes (``>`` markers, list indentation). Each content
    line is found in its source line; the markup of the child tokens is then located in the
    content by walking it in order, and every span is mapped back to the source.
    """

    def __init__(self, text: str, lines: Sequence[Span], token: Any, line_cursor: dict[int, int],
                 out: Collector) -> None:
        self.text = text
        self.content: str = token.content
        self.token = token
        self.out = out
        self.c_starts: list[int] = []  # content offset of each mapped line
        self.s_starts: list[int] = []  # source offset of the same character
        self.lengths: list[int] = []
        first = token.map[0]
        offset = 0
        for i, line in enumerate(self.content.split("\n")):
            stripped = line.lstrip()
            lead = len(line) - len(stripped)
            number = first + i
            if number >= len(lines):
                break
            s, e = lines[number]
            pos = text.find(stripped, line_cursor.get(number, s), e) if stripped else -1
            if stripped and pos != -1:
                self.c_starts.append(offset + lead)
                self.s_starts.append(pos)
                self.lengths.append(len(stripped))
                line_cursor[number] = pos + len(stripped)
            offset += len(line) + 1
        self.p = 0
        self.open_marks: list[int] = []  # content offsets where emphasis or link text began

    def source(self, c: int) -> int:
        i = max(bisect_right(self.c_starts, c) - 1, 0)
        return self.s_starts[i] + max(0, min(c - self.c_starts[i], self.lengths[i]))

    def mask(self, start: int, end: int) -> None:
        if end > start:
            self.out.masks.append((self.source(start), self.source(end)))

    def emphasis(self, start: int, end: int) -> None:
        if end > start:
            self.out.emphasis.append((self.source(start), self.source(end)))

    def run(self) -> None:
        if not self.c_starts:
            return
        self.out.regions.append((self.s_starts[0], self.s_starts[-1] + self.lengths[-1]))
        # Text between two mapped lines that is not whitespace is a container prefix ("> ").
        for i in range(1, len(self.s_starts)):
            gap_start = self.s_starts[i - 1] + self.lengths[i - 1]
            if self.text[gap_start:self.s_starts[i]].strip():
                self.out.masks.append((gap_start, self.s_starts[i]))
        # When the walk loses its way the rest of this inline keeps its markup: a missed
        # mask costs at most a spurious finding, never a wrong position.
        with contextlib.suppress(_Lost):
            self.walk(self.token.children or [])

    # ---- the walk over child tokens

    def expect(self, markup: str) -> int:
        """Position of ``markup`` at (or, failing that, after) the cursor."""
        if self.content.startswith(markup, self.p):
            return self.p
        found = self.content.find(markup, self.p)
        if found == -1:
            raise _Lost
        return found

    def walk(self, children: Sequence[Any]) -> None:
        i = 0
        while i < len(children):
            t = children[i]
            kind = t.type
            if kind in ("text", "text_special"):
                self.text_token(t.content)
            elif kind == "softbreak":
                self.skip_space()
            elif kind == "hardbreak":
                if self.content.startswith("\\", self.p):
                    self.mask(self.p, self.p + 1)
                    self.p += 1
                self.skip_space()
            elif kind == "code_inline":
                start = self.expect(t.markup)
                close = re.compile(rf"(?<!`){re.escape(t.markup)}(?!`)").search(self.content, start + len(t.markup))
                if close is None:
                    raise _Lost
                self.mask(start, close.end())
                self.p = close.end()
            elif kind in ("em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"):
                start = self.expect(t.markup)
                self.mask(start, start + len(t.markup))
                self.p = start + len(t.markup)
                # Italics set a work's title or a word apart; bold and strikethrough do not.
                if kind == "em_open":
                    self.open_marks.append(self.p)
                elif kind == "em_close" and self.open_marks:
                    self.emphasis(self.open_marks.pop(), start)
            elif kind == "html_inline":
                start = self.expect(t.content)
                end = start + len(t.content)
                self.mask(start, end)
                m = _COMMENT_RE.fullmatch(t.content)
                if m is not None:
                    directive = parse_directive(m.group(1), self.source(end), self.source(start + m.start(1)))
                    if directive is not None:
                        self.out.directives.append(directive)
                self.p = end
            elif kind == "link_open" and t.markup in ("autolink", "linkify"):
                start = self.p if t.markup == "linkify" else self.expect("<")
                depth = 1
                i += 1
                while i < len(children) and depth:  # skip the link's text: it is the address
                    depth += {"link_open": 1, "link_close": -1}.get(children[i].type, 0)
                    i += 1
                end = self.content.find(">", start) + 1 if t.markup == "autolink" else start
                if t.markup == "linkify":
                    href = t.attrs.get("href", "")
                    end = start + len(str(href))
                if end <= start:
                    raise _Lost
                self.mask(start, end)
                self.p = end
                continue
            elif kind == "link_open":
                start = self.expect("[")
                self.mask(start, start + 1)
                self.p = start + 1
                self.open_marks.append(self.p)
            elif kind == "link_close":
                if self.open_marks:
                    self.emphasis(self.open_marks.pop(), self.expect("]"))
                self.link_tail()
            elif kind == "image":
                start = self.expect("![")
                self.mask(start, start + 2)
                self.p = start + 2
                self.walk(t.children or [])
                self.link_tail()
            else:
                raise _Lost  # a token type we do not know how to place
            i += 1

    def skip_space(self) -> None:
        while self.p < len(self.content) and self.content[self.p] in " \t\n":
            self.p += 1

    def text_token(self, value: str) -> None:
        """Advance over a text token whose value has escapes and entities decoded."""
        c, p, i = self.content, self.p, 0
        if c.startswith(value, p):  # the common case: no escapes or entities
            self.p = p + len(value)
            return
        while i < len(value):
            if p >= len(c):
                raise _Lost
            ch = c[p]
            if ch == "\\" and p + 1 < len(c) and c[p + 1] in _ASCII_PUNCT and c[p + 1] == value[i]:
                self.mask(p, p + 1)
                p += 2
                i += 1
            elif ch == "&" and (m := _ENTITY_RE.match(c, p)) and value.startswith(html_lib.unescape(m.group()), i):
                self.mask(p, m.end())
                i += len(html_lib.unescape(m.group()))
                p = m.end()
            elif ch == value[i]:
                p += 1
                i += 1
            else:
                # Resynchronise on the value itself before giving up.
                found = c.find(value[i:], p)
                if found == -1:
                    raise _Lost
                p = found + len(value) - i
                break
        self.p = p

    def link_tail(self) -> None:
        """Mask ``](destination "title")``, ``][label]`` or a bare ``]``."""
        c = self.content
        start = self.expect("]")
        q = start + 1
        if q < len(c) and c[q] == "(":
            end = _inline_destination_end(c, q)
        elif q < len(c) and c[q] == "[":
            close = c.find("]", q)
            end = close + 1 if close != -1 else q
        else:
            end = q
        self.mask(start, end)
        self.p = end


def _inline_destination_end(c: str, q: int) -> int:
    """The end of ``(destination "title")`` starting at ``c[q] == "("``."""
    k = q + 1
    n = len(c)
    while k < n and c[k] in " \t\n":
        k += 1
    if k < n and c[k] == "<":
        close = c.find(">", k)
        k = close + 1 if close != -1 else n
    else:
        depth = 0
        while k < n and not c[k].isspace():
            if c[k] == "\\":
                k += 2
                continue
            if c[k] == "(":
                depth += 1
            elif c[k] == ")":
                if depth == 0:
                    break
                depth -= 1
            k += 1
    while k < n and c[k] in " \t\n":
        k += 1
    if k < n and c[k] in "\"'(":
        closer = ")" if c[k] == "(" else c[k]
        k += 1
        while k < n and c[k] != closer:
            k += 2 if c[k] == "\\" else 1
        k += 1
    while k < n and c[k] in " \t\n":
        k += 1
    if k < n and c[k] == ")":
        k += 1
    return min(k, n)
