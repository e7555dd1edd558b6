"""Document adapters: which parts of a source file are prose, in source offsets.

An adapter reads a document and returns :class:`Prose`: the decoded text unchanged, the
regions that hold prose, the spans inside them that must never be reported (inline code,
markup), and the suppression comments it found. The checker never sees rendered text, so
every position it reports points into the original file.

Formats: ``text``, ``markdown`` (markdown-it-py), ``html`` (the standard library's
``html.parser``), ``restructuredtext`` and ``latex`` (line and token scanners for the
constructs that are not prose). Word documents are read by :mod:`opsc_terms.word`.

The command line and the language server share three functions: :func:`format_for` picks
a format from a file name or an LSP language id, :func:`adapt` runs its adapter and
:func:`check_prose` checks the result and applies the suppression comments.

A mask is replaced by a single space in the checker's view of the text. Masks here always
take in the whitespace on either side of the markup they hide, and touching masks are
merged, so ``child **prostitutes**`` reads as ``child prostitutes`` and still matches.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import re
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from html.parser import HTMLParser
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .findings import Finding
from .text import LineIndex, Span, line_starts

if TYPE_CHECKING:
    from .checker import Checker

ACTIONS = ("disable", "enable", "disable-next-line", "disable-line")


@dataclass(frozen=True)
class Directive:
    """A suppression comment: ``disable``, ``enable``, ``disable-next-line`` or ``disable-line``.

    ``rules`` holds rule ids or family names; empty means every rule. ``offset`` is where the
    comment ends in the source: ``disable``/``enable`` take effect from there,
    ``disable-next-line`` applies to the first non-blank line after the one holding
    ``offset`` and ``disable-line`` to that line itself.
    """

    action: str
    rules: tuple[str, ...]
    offset: int


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


# --------------------------------------------------------------------------- formats

# File name endings and LSP language ids, by format.
SUFFIXES: dict[str, str] = {
    ".txt": "text", ".text": "text",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".mkd": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html",
    ".rst": "restructuredtext", ".rest": "restructuredtext",
    ".tex": "latex", ".latex": "latex", ".ltx": "latex",
    ".docx": "docx",
}
LANGUAGE_IDS: dict[str, str] = {
    "plaintext": "text", "text": "text",
    "markdown": "markdown",
    "html": "html",
    "restructuredtext": "restructuredtext", "rst": "restructuredtext",
    "latex": "latex", "tex": "latex",
    "docx": "docx",
}
COMMENTS: dict[str, tuple[str, str] | None] = {
    "text": ("", ""),
    "markdown": ("<!-- ", " -->"),
    "html": ("<!-- ", " -->"),
    "restructuredtext": (".. ", ""),
    "latex": ("% ", ""),
    "docx": None,
}


def format_for(name: str) -> str | None:
    """The format for a file name, a suffix (``.md``) or an LSP language id (``markdown``).

    Returns None when nothing matches; callers usually fall back to ``"text"``.
    """
    lowered = name.lower()
    if lowered in LANGUAGE_IDS:
        return LANGUAGE_IDS[lowered]
    dot = lowered.rfind(".")
    if dot == -1 or "/" in lowered[dot:] or "\\" in lowered[dot:]:
        return None
    return SUFFIXES.get(lowered[dot:])


def adapt(text: str, fmt: str = "text") -> Prose:
    """Run the adapter for ``fmt`` (plain text when the format is unknown)."""
    return ADAPTERS.get(fmt, plain_text)(text)


def directive_comment(fmt: str, action: str, rules: Sequence[str] = ()) -> str | None:
    """The suppression comment for ``fmt``, e.g. ``<!-- opsc-terms: disable-next-line child-prostitute -->``.

    None for formats without comments. In plain text the comment is a line of its own.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
    style = COMMENTS.get(fmt, COMMENTS["text"])
    if style is None:
        return None
    body = f"opsc-terms: {action}" + (" " + ", ".join(rules) if rules else "")
    return f"{style[0]}{body}{style[1]}"


# --------------------------------------------------------------------------- checking and suppression


def check_prose(checker: Checker, prose: Prose, *, path: str | None = None) -> list[Finding]:
    """Check a document: its prose regions, its masks and its suppression comments.

    A safe fix is withdrawn when the reported span runs across hidden markup
    (``child **prostitutes**``): replacing the span would delete the markup too.
    """
    findings = checker.check(prose.text, regions=prose.regions, masks=prose.masks, path=path)
    findings = apply_directives(findings, prose)
    return [replace(f, fix=None) if f.fix is not None and crosses_markup(prose, f) else f for f in findings]


def crosses_markup(prose: Prose, f: Finding) -> bool:
    """Does the finding's span run across a masked span (markup, a code span)?"""
    masks = prose.masks
    i = bisect_right(masks, (f.start, len(prose.text) + 1)) - 1
    for s, e in masks[max(i, 0):]:
        if s >= f.end:
            return False
        if e > f.start and s < f.end:
            return True
    return False


def apply_directives(findings: Iterable[Finding], prose: Prose) -> list[Finding]:
    """Drop the findings that the document's suppression comments turn off.

    ``disable``/``enable`` act from the end of the comment onwards; the last one that names
    a finding's rule (or its family, or no rule at all) before the finding decides.
    ``disable-next-line`` applies to the next non-blank line after the comment (reStructuredText
    needs a blank line after a comment), ``disable-line`` to the comment's own line.
    """
    findings = list(findings)
    if not prose.directives or not findings:
        return findings
    directives = sorted(prose.directives, key=lambda d: d.offset)
    lines = LineIndex(prose.text)
    starts = line_starts(prose.text)
    offsets = [d.offset for d in directives]
    by_line: dict[int, list[Directive]] = {}
    for d in directives:
        if d.action == "disable-next-line":
            by_line.setdefault(_next_nonblank_line(prose.text, starts, lines.position(d.offset)[0]), []).append(d)
        elif d.action == "disable-line":
            by_line.setdefault(lines.position(d.offset)[0], []).append(d)
    kept = []
    for f in findings:
        if any(_names(d, f) for d in by_line.get(f.line, ())):
            continue
        disabled = False
        for d in directives[:bisect_right(offsets, f.start)]:
            if d.action in ("disable", "enable") and _names(d, f):
                disabled = d.action == "disable"
        if not disabled:
            kept.append(f)
    return kept


def _next_nonblank_line(text: str, starts: list[int], line: int) -> int:
    """The first line after ``line`` (1-based) that holds more than whitespace."""
    number = line + 1
    while number <= len(starts):
        start = starts[number - 1]
        end = starts[number] if number < len(starts) else len(text)
        if text[start:end].strip():
            return number
        number += 1
    return number


def _names(d: Directive, f: Finding) -> bool:
    return not d.rules or f.rule in d.rules or f.family in d.rules or "all" in d.rules


_RULE_LIST_RE = re.compile(r"[\s,]+")


def parse_directive(body: str, offset: int) -> Directive | None:
    """A directive from the inside of a comment (``opsc-terms: disable rule-a, rule-b``)."""
    m = re.fullmatch(r"\s*opsc-terms:\s*(disable-next-line|disable-line|disable|enable)\b(.*?)\s*",
                     body, re.DOTALL)
    if m is None:
        return None
    rules = tuple(r for r in _RULE_LIST_RE.split(m.group(2)) if r)
    return Directive(m.group(1), rules, offset)


# --------------------------------------------------------------------------- helpers


def _finish_masks(text: str, masks: Iterable[Span]) -> tuple[Span, ...]:
    """Widen every mask over the whitespace around it, then merge overlapping or touching masks."""
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


def _trim(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def _line_spans(text: str) -> list[Span]:
    """(start, end) of every line, without its line break. Breaks are \\n, \\r\\n or \\r."""
    spans: list[Span] = []
    for m in _LINE_RE.finditer(text):
        if m.start() == len(text) and spans:
            break
        content = m.group().rstrip("\r\n")
        spans.append((m.start(), m.start() + len(content)))
    return spans


# --------------------------------------------------------------------------- plain text

_TEXT_DIRECTIVE_RE = re.compile(r"^[ \t]*(opsc-terms:[ \t]*(?:disable-next-line|disable|enable)\b[^\r\n]*)$",
                                re.MULTILINE)


def plain_text(text: str) -> Prose:
    """Plain text: all of it is prose, except lines that are suppression directives.

    A directive is a line of its own: ``opsc-terms: disable-next-line RULE``,
    ``opsc-terms: disable RULE`` or ``opsc-terms: enable RULE``.
    """
    regions: list[Span] = []
    directives = []
    cursor = 0
    if "opsc-terms:" in text:
        for m in _TEXT_DIRECTIVE_RE.finditer(text):
            directive = parse_directive(m.group(1), m.end())
            if directive is None:
                continue
            directives.append(directive)
            if m.start() > cursor:
                regions.append((cursor, m.start()))
            cursor = m.end()
    if cursor < len(text) or not regions:
        regions.append((cursor, len(text)))
    return Prose(text, tuple(regions), directives=tuple(directives), format="text", comment=COMMENTS["text"])


# --------------------------------------------------------------------------- Markdown

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


def markdown(text: str) -> Prose:
    """Markdown (CommonMark with tables and strikethrough) via markdown-it-py.

    Prose: paragraphs, headings, list items, block quotes, table cells, link text and image
    descriptions. Skipped: code spans and blocks, autolinks, link and image destinations,
    HTML comments and tags (the visible text of HTML blocks is checked), front matter.

    The document is parsed in chunks that start where CommonMark starts a new top-level
    block, and each chunk's result is cached by its text: an editor re-parses only the
    chunk an edit touched, not a whole long document.
    """
    chunks, definitions = _markdown_chunks(text)
    if len(chunks) == 1:
        return _markdown_chunk(text)
    regions: list[Span] = []
    masks: list[Span] = []
    directives: list[Directive] = []
    comment = COMMENTS.get("markdown")
    # Link reference definitions apply to the whole document: each chunk is parsed with
    # all of them after it, and only what falls inside the chunk is kept.
    suffix = "\n\n" + "\n".join(definitions) + "\n" if definitions else ""
    for start, end in chunks:
        length = end - start
        part = _markdown_chunk(text[start:end] + suffix) if suffix else _markdown_chunk(text[start:end])
        regions.extend((s + start, min(e, length) + start) for s, e in part.regions if s < length)
        masks.extend((s + start, min(e, length) + start) for s, e in part.masks if s < length)
        directives.extend(replace(d, offset=d.offset + start) for d in part.directives if d.offset <= length)
        comment = part.comment
    # Masks are widened over whitespace on the whole text, as a single parse would.
    return Prose(text, tuple(regions), _finish_masks(text, masks), tuple(directives), "markdown", comment)


_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_RAW_HTML_OPEN_RE = re.compile(r" {0,3}<(script|pre|style|textarea|!--)", re.IGNORECASE)
_RAW_HTML_CLOSE = {"script": "</script>", "pre": "</pre>", "style": "</style>", "textarea": "</textarea>",
                   "!--": "-->"}
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
            found = _RAW_HTML_CLOSE_RE[m.group("raw").lower()].search(text, m.end())
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
    r"^(?: {0,3}(?P<fence>`{3,}|~{3,})| {0,3}<(?P<raw>script|pre|style|textarea|!--)"
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
    lines = _line_spans(text)
    fm_end = _front_matter_end(text)
    body = text
    if fm_end:
        # Blank the front matter but keep its line breaks, so token line numbers still match.
        body = re.sub(r"[^\r\n]", " ", text[:fm_end]) + text[fm_end:]
    tokens = _markdown_parser().parse(body)
    out = _Collector(text)
    line_cursor: dict[int, int] = {}
    for token in tokens:
        if token.map is None:
            continue
        if token.type == "inline":
            _MarkdownInline(text, lines, token, line_cursor, out).run()
        elif token.type == "html_block":
            start = lines[token.map[0]][0]
            end = lines[min(token.map[1], len(lines)) - 1][1]
            inner = html(text[start:end])
            out.regions.extend((s + start, e + start) for s, e in inner.regions)
            out.masks.extend((s + start, e + start) for s, e in inner.masks)
            out.directives.extend(replace(d, offset=d.offset + start) for d in inner.directives)
    return out.prose("markdown")


@dataclass
class _Collector:
    text: str
    regions: list[Span] = field(default_factory=list)
    masks: list[Span] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)

    def prose(self, fmt: str) -> Prose:
        regions = sorted(r for r in (_trim(self.text, s, e) for s, e in self.regions) if r is not None)
        return Prose(self.text, tuple(regions), masks=_finish_masks(self.text, self.masks),
                     directives=tuple(sorted(self.directives, key=lambda d: d.offset)), format=fmt,
                     comment=COMMENTS[fmt])


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
                 out: _Collector) -> None:
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

    def source(self, c: int) -> int:
        i = max(bisect_right(self.c_starts, c) - 1, 0)
        return self.s_starts[i] + max(0, min(c - self.c_starts[i], self.lengths[i]))

    def mask(self, start: int, end: int) -> None:
        if end > start:
            self.out.masks.append((self.source(start), self.source(end)))

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
            elif kind == "html_inline":
                start = self.expect(t.content)
                end = start + len(t.content)
                self.mask(start, end)
                m = _COMMENT_RE.fullmatch(t.content)
                if m is not None:
                    directive = parse_directive(m.group(1), self.source(end))
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
            elif kind == "link_close":
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


# --------------------------------------------------------------------------- HTML

# Elements whose content is never prose.
_HTML_SKIP = frozenset({"script", "style", "code", "pre", "kbd", "samp", "template", "svg", "math", "textarea"})
# Elements that start or end a run of text: text never joins across them.
_HTML_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
    "script", "section", "style", "summary", "table", "tbody", "td", "template", "tfoot", "th", "thead",
    "title", "tr", "ul", "svg", "math", "textarea", "select", "button", "iframe", "object", "video", "audio",
    "noscript", "center",
})


class _HTMLEvents(HTMLParser):
    """Records every parser event with its source offset; each event runs to the next one."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[tuple[str, int, str]] = []

    def _add(self, kind: str, name: str = "") -> None:
        line, col = self.getpos()
        self.events.append((kind, self.line_starts[line - 1] + col, name))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void", tag)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data")

    def handle_comment(self, data: str) -> None:
        self._add("comment", data)

    def handle_entityref(self, name: str) -> None:
        self._add("entity")

    def handle_charref(self, name: str) -> None:
        self._add("entity")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def html(text: str) -> Prose:
    """HTML: the visible text only, with exact offsets.

    Text inside block elements (p, li, td, headings, ...) is one run; inline tags, character
    references and comments inside a run are masked. script, style, code, pre, kbd, samp,
    template, svg and math are skipped, and so are attributes.
    """
    parser = _HTMLEvents(text)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # very malformed markup: keep what was parsed
        pass
    events = parser.events
    out = _Collector(text)
    region: list[int] | None = None
    skip: list[str] = []

    def close() -> None:
        nonlocal region
        if region is not None:
            out.regions.append((region[0], region[1]))
            region = None

    for index, (kind, start, name) in enumerate(events):
        end = events[index + 1][1] if index + 1 < len(events) else len(text)
        if kind == "comment":
            directive = parse_directive(name, end)
            if directive is not None:
                out.directives.append(directive)
        if skip:
            if kind == "start" and name == skip[-1]:
                skip.append(name)
            elif kind == "end" and name in skip:
                while skip and skip.pop() != name:
                    pass
            if region is not None:
                out.masks.append((start, end))
            continue
        if kind in ("start", "end", "void"):
            if name in _HTML_BLOCK:
                close()
            elif region is not None:
                out.masks.append((start, end))
            if kind == "start" and name in _HTML_SKIP:
                skip.append(name)
                if region is not None:
                    out.masks.append((start, end))
        elif kind == "data":
            if region is None:
                if not text[start:end].strip():
                    continue  # whitespace between blocks does not start a run
                region = [start, end]
            region[1] = end
        elif kind == "entity":
            if region is None:
                region = [start, end]
            region[1] = end
            out.masks.append((start, end))
        elif kind == "comment":
            if region is not None:
                out.masks.append((start, end))
        else:
            close()
    close()
    return out.prose("html")


# --------------------------------------------------------------------------- reStructuredText

_RST_EXPLICIT_RE = re.compile(r"^(\s*)\.\.(?:\s+|$)")
_RST_DIRECTIVE_RE = re.compile(r"([A-Za-z0-9][\w:.+-]*)\s?::(?:\s+|$)")
_RST_OPTION_RE = re.compile(r"^\s+:[^:\s][^:]*:(?:\s|$)")
_RST_ADORNMENT_RE = re.compile(r"^\s*([!-/:-@\[-`{-~])\1{2,}\s*$|^\s*[+=|:-][+=|: -]*[+=|:-]\s*$")
# Directives whose content is code, data or markup, never prose.
_RST_NONPROSE = frozenset({
    "code", "code-block", "sourcecode", "literalinclude", "highlight", "math", "raw", "include", "image",
    "doctest", "testcode", "testoutput", "testsetup", "testcleanup", "productionlist", "graphviz", "digraph",
    "graph", "plantuml", "mermaid", "toctree", "csv-table", "parsed-literal", "default-role", "role",
    "meta", "class", "index", "tabularcolumns", "jupyter-execute", "ipython", "autosummary",
})
# Directives whose argument is a title to check.
_RST_TITLE_ARG = frozenset({"admonition", "topic", "sidebar", "rubric", "table", "list-table", "figure",
                            "container", "note", "warning", "seealso"})
# Roles whose content is prose; other roles hold code, paths, labels or maths.
_RST_PROSE_ROLES = frozenset({"emphasis", "strong", "sub", "subscript", "sup", "superscript",
                              "title-reference", "title", "t", "abbr", "term", "dfn", "guilabel"})
_RST_INLINE_RE = re.compile(
    r"(?=[`:_|\[*])"  # every construct starts with one of these: lets the scan skip spaces fast
    r"(?:(?P<literal>``.+?``)"
    r"|(?P<interp>(?P<pre>:[A-Za-z][\w.:+-]*:)?_?`(?P<body>[^`]+)`(?P<post>:[A-Za-z][\w.:+-]*:)?(?P<link>__?)?)"
    r"|(?P<subst>(?<![\w|])\|[^\s|](?:[^|]*[^\s|])?\|(?:__?)?(?![\w|]))"
    r"|(?P<footnote>\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_)"
    r"|(?P<emph>(?<![\w*\\])\*\*?(?=[^\s*])|(?<=[^\s*\\])\*\*?(?![\w*]))"
    r"|(?P<refname>(?<=\w)__?(?=[\s.,;:!?)\]'\"]|$)))",
    re.DOTALL,
)
_RST_TITLED_RE = re.compile(r"(?s)(.*?\S)\s*<([^<>]+)>\s*$")


def restructuredtext(text: str) -> Prose:
    """reStructuredText: paragraphs, lists, titles and the content of prose directives.

    Skipped: literal blocks (after ``::``), doctest blocks, comments (``..``), targets,
    substitution definitions, the content of code, math, raw and similar directives,
    directive options, inline literals, roles that hold code or labels, link targets,
    substitution and footnote references, and section adornments.
    """
    lines = _line_spans(text)
    out = _Collector(text)
    n = len(lines)

    def line(i: int) -> str:
        return text[lines[i][0]:lines[i][1]]

    def indent_of(s: str) -> int:
        return len(s) - len(s.lstrip())

    def block_end(i: int, indent: int) -> int:
        """First line at or after ``i`` that is not blank and not indented beyond ``indent``."""
        last = i
        while i < n:
            s = line(i)
            if s.strip():
                if indent_of(s) <= indent:
                    break
                last = i + 1
            i += 1
        return last

    i = 0
    literal_indent: int | None = None
    while i < n:
        s = line(i)
        if not s.strip():
            i += 1
            continue
        indent = indent_of(s)
        if literal_indent is not None:
            pending, literal_indent = literal_indent, None
            if indent > pending:
                i = block_end(i, pending)
                continue
        m = _RST_EXPLICIT_RE.match(s)
        if m:
            body = s[m.end():]
            end = block_end(i + 1, indent)
            directive = parse_directive(body, lines[i][1]) if body.startswith("opsc-terms:") else None
            dm = _RST_DIRECTIVE_RE.match(body)
            if directive is not None:
                out.directives.append(directive)
                i += 1
            elif dm:
                name = dm.group(1).lower()
                base = name.rsplit(":", 1)[-1]
                if base in _RST_TITLE_ARG:
                    arg_start = lines[i][0] + m.end() + dm.end()
                    out.regions.append((arg_start, lines[i][1]))
                j = i + 1
                while j < end and _RST_OPTION_RE.match(line(j)):
                    j += 1
                # Prose directives: the content is scanned like any other text.
                i = end if base in _RST_NONPROSE or base.startswith("auto") else j
            elif body.startswith("[") and "]" in body:
                close = s.index("]", m.end())
                _rst_paragraph(text, out, lines[i][0] + close + 1, lines[end - 1][1])
                i = end
            else:
                i = end  # a comment, a hyperlink target or a substitution definition
            continue
        stripped = s.strip()
        if stripped == "::":
            literal_indent = indent
            i += 1
            continue
        if stripped.startswith(">>>"):
            while i < n and line(i).strip():
                i += 1
            continue
        j = i
        while j < n and line(j).strip() and (j == i or not _RST_EXPLICIT_RE.match(line(j))):
            j += 1
        for k in range(i, j):
            if _RST_ADORNMENT_RE.match(line(k)):
                out.masks.append(lines[k])
        last = line(j - 1).rstrip()
        if last.endswith("::"):
            literal_indent = indent
            cut = lines[j - 1][0] + len(last)
            out.masks.append((cut - 2, cut))
        _rst_paragraph(text, out, lines[i][0], lines[j - 1][1])
        i = j
    return out.prose("restructuredtext")


def _rst_paragraph(text: str, out: _Collector, start: int, end: int) -> None:
    out.regions.append((start, end))
    for m in _RST_INLINE_RE.finditer(text, start, end):
        if m.group("interp"):
            role = (m.group("pre") or m.group("post") or "").strip(":").lower() or None
            body_start, body_end = m.span("body")
            titled = _RST_TITLED_RE.match(m.group("body"))
            if titled and (role is None or role in _RST_PROSE_ROLES or m.group("link") or role in
                           ("ref", "doc", "term", "numref", "any")):
                out.masks.append((m.start(), body_start))
                out.masks.append((body_start + titled.end(1), m.end()))
            elif role is None or role in _RST_PROSE_ROLES:
                out.masks.append((m.start(), body_start))
                out.masks.append((body_end, m.end()))
            else:
                out.masks.append(m.span())
        else:
            out.masks.append(m.span())


# --------------------------------------------------------------------------- LaTeX

# Commands whose arguments are prose. The spec lists the arguments in order: "p" a prose
# argument in braces, "m" a braced argument that is not prose, "O" an optional prose
# argument in brackets, "o" an optional argument that is not prose, "*" an optional star.
_TEX_PROSE: dict[str, str] = {
    **dict.fromkeys(["emph", "textit", "textbf", "textsl", "textsc", "textup", "textmd", "textrm", "textsf",
                     "textnormal", "underline", "uline", "sout", "hl", "mbox", "fbox", "text", "enquote",
                     "title", "subtitle", "author", "date", "thanks", "marginpar", "intertext", "frametitle",
                     "framesubtitle", "textquote", "foreignquote", "keyword", "abstract"], "p"),
    **dict.fromkeys(["part", "chapter", "section", "subsection", "subsubsection", "paragraph",
                     "subparagraph", "caption", "footnote", "footnotetext"], "*Op"),
    "item": "O",
    "href": "mp",
    "hyperref": "op",
    "textcolor": "omp",
    "colorbox": "omp",
    "makebox": "oop",
    "parbox": "oomp",
}
# Commands that take arguments which are never prose; their arguments are masked even when
# separated from the command by spaces. Any other unknown command masks only the arguments
# written directly after it.
_TEX_NONPROSE = frozenset({
    "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "parencite", "textcite",
    "autocite", "footcite", "nocite", "ref", "eqref", "pageref", "autoref", "cref", "Cref", "nameref", "vref",
    "label", "url", "path", "includegraphics", "input", "include", "usepackage", "RequirePackage",
    "documentclass", "bibliography", "bibliographystyle", "addbibresource", "newcommand", "renewcommand",
    "providecommand", "newenvironment", "renewenvironment", "setlength", "addtolength", "setcounter",
    "addtocounter", "vspace", "hspace", "texttt", "index", "hypersetup", "graphicspath", "definecolor",
    "color", "pagestyle", "thispagestyle", "bibitem", "lstinputlisting", "newtheorem", "geometry",
    "DeclareMathOperator", "pgfplotsset", "tikzset", "lstset", "captionsetup", "setmainfont",
})
_TEX_MASKED_ENVS = frozenset({
    "equation", "equation*", "align", "align*", "alignat", "alignat*", "gather", "gather*", "multline",
    "multline*", "flalign", "flalign*", "eqnarray", "eqnarray*", "math", "displaymath", "verbatim",
    "verbatim*", "Verbatim", "BVerbatim", "LVerbatim", "lstlisting", "minted", "comment", "tikzpicture",
    "filecontents", "filecontents*", "alltt", "split", "multiline", "dmath", "dmath*", "pycode", "luacode",
})
_TEX_ENV_ARGS: dict[str, str] = {
    "tabular": "om", "tabular*": "mom", "tabularx": "mm", "longtable": "om", "array": "om", "minipage": "ooom",
    "thebibliography": "m", "multicols": "m", "list": "mm", "wrapfigure": "oomm", "subfigure": "om",
}
# Commands whose prose argument is a text of its own (a heading, a caption, a note): it is
# checked apart from the sentence around it.
_TEX_SEPARATE = frozenset({"part", "chapter", "section", "subsection", "subsubsection", "paragraph",
                           "subparagraph", "caption", "footnote", "footnotetext", "title", "subtitle", "author",
                           "date", "thanks", "marginpar", "frametitle", "framesubtitle", "abstract"})
# Commands that end a run of text: words on either side of them never join.
_TEX_BREAKS = frozenset({"par", "item", "newline", "linebreak", "newpage", "clearpage", "cleardoublepage",
                         "maketitle", "tableofcontents", "hline", "cline", "midrule", "toprule", "bottomrule",
                         "bibliography", "printbibliography", "bibitem", "noindent", "centering"})
_TEX_SPECIAL_RE = re.compile(r"[%\\${}~&\[\]]")
_TEX_COMMAND_RE = re.compile(r"\\(?:([A-Za-z@]+)|(.))", re.DOTALL)


def latex(text: str) -> Prose:
    """LaTeX: the prose between commands, and the text arguments of prose commands.

    Masked: comments, inline and display maths, verbatim and code environments, ``\\verb``,
    commands and their arguments (except the text of ``\\emph``, ``\\section``, ``\\caption``,
    ``\\footnote`` and similar), braces, ``~`` and table alignment marks. Headings, captions
    and footnotes are checked as texts of their own.
    """
    scanner = _TexScanner(text)
    scanner.run()
    out = scanner.out
    # Paragraph breaks, list items, table cells, environments, headings and notes cut the
    # text into runs, so that words on either side of a masked command never join.
    start = 0
    for cut in sorted(set(scanner.cuts)):
        if cut > start:
            out.regions.append((start, cut))
        start = max(start, cut)
    out.regions.append((start, len(text)))
    return out.prose("latex")


class _TexScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out = _Collector(text)
        self.pending_closers: set[int] = set()
        self.cuts: list[int] = []
        self.prose_end = 0  # where the last prose argument in braces ends

    def mask(self, start: int, end: int) -> None:
        if end > start:
            self.out.masks.append((start, end))

    def run(self) -> None:
        text, i = self.text, 0
        while True:
            m = _TEX_SPECIAL_RE.search(text, i)
            if m is None:
                return
            i = m.start()
            c = text[i]
            if c == "%":
                end = self._line_end(i)
                directive = parse_directive(text[i + 1:end], end)
                if directive is not None:
                    self.out.directives.append(directive)
                self.mask(i, end)
                i = end
            elif c == "\\":
                i = self.command(i)
            elif c == "$":
                i = self.dollar(i)
            elif c in "{}~&" or (c == "]" and i in self.pending_closers):
                if c == "&":
                    self.cuts.append(i)
                self.mask(i, i + 1)
                i += 1
            else:
                i += 1

    def _line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return self.n if end == -1 else end

    def dollar(self, i: int) -> int:
        text = self.text
        delim = "$$" if text.startswith("$$", i) else "$"
        k = i + len(delim)
        while k < self.n:
            found = text.find(delim, k)
            if found == -1:
                break
            if text[found - 1] != "\\":
                self.mask(i, found + len(delim))
                return found + len(delim)
            k = found + 1
        self.mask(i, i + len(delim))  # an unmatched dollar: mask only itself
        return i + len(delim)

    def group_end(self, i: int, opener: str, closer: str) -> int:
        """End offset (after the closer) of the group opening at ``i``; the text end if unbalanced."""
        text, depth, k = self.text, 0, i
        while k < self.n:
            c = text[k]
            if c == "\\":
                k += 2
                continue
            if c == "%":
                k = self._line_end(k)
                continue
            if c == opener:
                depth += 1
            elif c == closer:
                depth -= 1
                if depth == 0:
                    return k + 1
            k += 1
        return self.n

    def skip_space(self, i: int) -> int:
        """Skip spaces and at most one line break (a blank line ends the argument list)."""
        k, breaks = i, 0
        while k < self.n and self.text[k] in " \t\r\n":
            if self.text[k] == "\n":
                breaks += 1
                if breaks > 1:
                    return i
            k += 1
        return k

    def args(self, i: int, spec: str, *, spaced: bool = True) -> int:
        """Handle the arguments after a command according to ``spec``; return where scanning resumes."""
        text = self.text
        for kind in spec:
            k = self.skip_space(i) if spaced else i
            if kind == "*":
                if k < self.n and text[k] == "*":
                    self.mask(i, k + 1)
                    i = k + 1
                continue
            opener = "[" if kind in "oO" else "{"
            if k >= self.n or text[k] != opener:
                if kind in "oO":
                    continue
                return i
            end = self.group_end(k, opener, "]" if opener == "[" else "}")
            if kind in "om":
                self.mask(i, end)
                i = end
            else:
                # A prose argument: mask its opening bracket and let the main loop scan the
                # content (it masks braces and the closing bracket registered here). Arguments
                # after a prose one are prose too, so the spec ends here.
                self.mask(i, k + 1)
                if opener == "[":
                    self.pending_closers.add(end - 1)
                else:
                    self.prose_end = end
                return k + 1
        return i

    def command(self, i: int) -> int:
        text = self.text
        m = _TEX_COMMAND_RE.match(text, i)
        if m is None:
            self.mask(i, i + 1)
            return i + 1
        name, symbol = m.group(1), m.group(2)
        end = m.end()
        if symbol is not None:
            if symbol in "([":
                closer = "\\)" if symbol == "(" else "\\]"
                found = text.find(closer, end)
                stop = self.n if found == -1 else found + 2
                self.mask(i, stop)
                if symbol == "[":
                    self.cuts += [i, stop]
                return stop
            if symbol == "\\":
                self.cuts.append(i)
                self.mask(i, end)
                return self.args(end, "*o", spaced=False)
            self.mask(i, end)
            return end
        if name in ("verb", "lstinline") or name == "mintinline":
            k = end
            if name == "mintinline":
                k = self.group_end(k, "{", "}") if k < self.n and text[k] == "{" else k
            if k < self.n and text[k] == "*":
                k += 1
            if k < self.n and text[k] == "[":
                k = self.group_end(k, "[", "]")
            if k < self.n and text[k] == "{":
                stop = self.group_end(k, "{", "}")
            elif k < self.n:
                found = text.find(text[k], k + 1)
                stop = self._line_end(k) if found == -1 else found + 1
            else:
                stop = self.n
            self.mask(i, stop)
            return stop
        if name == "begin" or name == "end":
            k = end
            if k < self.n and text[k] == "{":
                close = text.find("}", k)
                if close != -1:
                    env = text[k + 1:close]
                    self.cuts.append(i)
                    if name == "begin" and env in _TEX_MASKED_ENVS:
                        found = text.find(f"\\end{{{env}}}", close)
                        stop = self.n if found == -1 else found + len(env) + 6
                        self.mask(i, stop)
                        self.cuts.append(stop)
                        return stop
                    self.mask(i, close + 1)
                    if name == "begin":
                        return self.args(close + 1, _TEX_ENV_ARGS.get(env, "o"), spaced=False)
                    return close + 1
            self.mask(i, end)
            return end
        if name in ("def", "gdef", "edef", "xdef"):
            brace = text.find("{", end)
            stop = self.n if brace == -1 else self.group_end(brace, "{", "}")
            self.mask(i, stop)
            return stop
        self.mask(i, end)
        if name in _TEX_BREAKS:
            self.cuts.append(i)
        spec = _TEX_PROSE.get(name)
        if spec is not None:
            self.prose_end = 0
            resume = self.args(end, spec)
            if name in _TEX_SEPARATE:
                self.cuts.append(i)
                if self.prose_end:
                    self.cuts.append(self.prose_end)
            return resume
        # Not a prose command: mask its arguments.
        spaced = name in _TEX_NONPROSE
        k = end
        if k < self.n and text[k] == "*":
            k += 1
        while True:
            j = self.skip_space(k) if spaced else k
            if j < self.n and text[j] in "[{":
                k = self.group_end(j, text[j], "]" if text[j] == "[" else "}")
                continue
            break
        self.mask(i, k)
        return k


ADAPTERS: dict[str, Callable[[str], Prose]] = {
    "text": plain_text,
    "markdown": markdown,
    "html": html,
    "restructuredtext": restructuredtext,
    "latex": latex,
}
FORMATS = (*ADAPTERS, "docx")
