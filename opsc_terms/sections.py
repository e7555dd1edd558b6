"""Where a document can be cut into sections that read and check exactly as they do in the whole.

An editor changes a long document a few characters at a time. Re-reading and re-checking
only the section an edit touched is what keeps the language server fast, and it is only
right if every section gives, alone, the findings it gives inside the whole document. A
cut is *safe* where nothing that the reader or the checker sees can run across it:

- plain text: before a line that follows a blank line, where the text before the blank
  line ends a sentence (the checker's blocks end there too) and neither neighbouring line
  is a suppression comment;
- Markdown: before a line at the left margin that follows a blank line and starts a new
  top-level block or an item of a top-level list, as the Markdown parser itself decides
  (so a fenced code block or a raw HTML block that runs over blank lines is never cut),
  in a document without link reference definitions (which apply to the whole document);
- other formats (HTML, LaTeX, reStructuredText, Word): no cut is known to be safe; they
  are read whole.

Any safe places will do; of them a cut is taken at the first one after a section has
grown to a few thousand characters, so an edit re-reads a paragraph or a few, not a whole
chapter. Nothing here imports spaCy or the checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .text import BLOCK_END_CHARS

# A section is cut at the first safe place after it has this many characters: larger
# sections cost more per edit, smaller ones more per check of the whole document.
SECTION = 2048


# --------------------------------------------------------------------------- plain text

# A blank line (spaces, tabs and carriage returns only) after a character that ends a
# sentence, up to a line that starts with a character that is not white space (a section
# starts at the start of a line). The blank run holds only " \t\r\n", so the checker's
# blank-line expression matches exactly this run.
_TEXT_PLACE_RE = re.compile("(?<=[" + re.escape(BLOCK_END_CHARS) + r"])[ \t\r]*\n(?:[ \t\r]*\n)+(?=\S)")
_DIRECTIVE_MARK = "opsc-terms:"


def _text_places(text: str, start: int, end: int) -> list[int]:
    """Safe places in ``text[start:end]`` for plain text."""
    return [m.end() for m in _TEXT_PLACE_RE.finditer(text, start, end)
            if m.end() < end and _text_place_ok(text, m.start(), m.end())]


def _text_place_ok(text: str, blank_start: int, cut: int) -> bool:
    """Neither the line before the blank run nor the line at the cut is a suppression comment
    (a comment line ends a region of prose, and blocks are found inside regions)."""
    before_start = max(text.rfind("\n", 0, blank_start), text.rfind("\r", 0, blank_start)) + 1
    if _DIRECTIVE_MARK in text[before_start:blank_start]:
        return False
    line_end = text.find("\n", cut)
    return _DIRECTIVE_MARK not in text[cut:len(text) if line_end == -1 else line_end]


def _text_is_place(text: str, pos: int) -> bool:
    """Is ``pos`` a safe place in plain text (the test of :func:`_text_places`, at one place)?"""
    if not 0 < pos < len(text) or text[pos].isspace():
        return False
    run = pos
    while run > 0 and text[run - 1] in " \t\r\n":
        run -= 1
    m = _TEXT_PLACE_RE.match(text, run)
    return m is not None and m.end() == pos and _text_place_ok(text, run, pos)


# --------------------------------------------------------------------------- Markdown

_FRONT_MATTER_RE = re.compile(r"\A(?:---|\+\+\+)[ \t]*\r?\n")
# A blank line, then a line at the left margin: the only places a top-level block can
# start with nothing carried across (a list or a quotation ends there too).
_MD_PLACE_RE = re.compile(r"^[ \t]*\r?\n(?=\S)", re.MULTILINE)
_LONE_CR_RE = re.compile(r"\r(?!\n)")


def _markdown_whole(text: str) -> bool:
    """Documents whose parts depend on the whole: link reference definitions apply to
    every part ("]:" is looked for anywhere, which is more than enough), and a lone
    carriage return is a line break the line-based scan below does not follow."""
    return "]:" in text or ("\r" in text and _LONE_CR_RE.search(text) is not None)


def _front_matter_end(text: str) -> int:
    """Where front matter ends (0 when there is none), as the Markdown reader decides:
    an opening ``---`` or ``+++`` line and a closing line."""
    m = _FRONT_MATTER_RE.match(text)
    if m is None:
        return 0
    closers = ("---", "...") if text.startswith("---") else ("+++",)
    for line in re.finditer(r"[^\r\n]*(?:\r\n|\r|\n|$)", text[m.end():]):
        if line.group().rstrip() in closers:
            return m.end() + line.end()
        if not line.group():
            break
    return 0


def _block_starts(text: str, start: int, end: int, front_matter: int) -> set[int]:
    """Line numbers (from 0, counted from ``start``) at which the Markdown parser starts
    a top-level block in ``text[start:end]``."""
    from .documents.markdown import _markdown_parser  # the parser the Markdown reader uses

    md: Any = _markdown_parser()
    piece = text[start:end]
    if front_matter:
        # Blanked, as the reader blanks it: a fence opened inside it must not count.
        piece = re.sub(r"[^\r\n]", " ", piece[:front_matter]) + piece[front_matter:]
    piece = piece.replace("\r\n", "\n")
    # Block rules only (no inline parsing): enough to see where blocks start and end.
    tokens = md.block.parse(piece, md, {}, [])
    # A top-level block, or an item of a top-level list: an item's content is read the
    # same in a list of its own (numbered paragraphs, as in reports and bills, make one
    # long list that would otherwise never be cut).
    return {t.map[0] for t in tokens if t.map is not None and (
        (t.level == 0 and t.nesting >= 0) or (t.level == 1 and t.type == "list_item_open"))}


def _markdown_places(text: str, start: int, end: int) -> list[int] | None:
    """Safe places in ``text[start:end]`` for Markdown, ``start`` being a cut; None if
    ``end`` itself is not a place where the parser starts a block (something runs across
    it)."""
    front_matter = _front_matter_end(text) if start == 0 else 0
    floor = max(start, front_matter)
    if end < len(text) and end <= floor:
        return None
    # The line at ``end`` is parsed too: a block must start there for ``end`` to be safe.
    line_end = text.find("\n", end)
    stop = len(text) if end >= len(text) or line_end == -1 else line_end + 1
    starts = _block_starts(text, start, stop, front_matter - start if front_matter else 0)
    places = [m.end() for m in _MD_PLACE_RE.finditer(text, start, stop)]
    # Line numbers of the places, counted from ``start``, in one pass.
    lines: list[int] = []
    line, pos = 0, start
    for place in places:
        line += text.count("\n", pos, place)
        pos = place
        lines.append(line)
    if end < len(text) and (end not in places or lines[places.index(end)] not in starts
                            or _looks_like_front_matter(text, end)):
        return None
    return [p for p, n in zip(places, lines, strict=True)
            if floor < p < end and n in starts and not _looks_like_front_matter(text, p)]


def _looks_like_front_matter(text: str, pos: int) -> bool:
    """A section never starts with ``---`` or ``+++``: read alone, it would open front matter."""
    return text.startswith(("---", "+++"), pos)


# --------------------------------------------------------------------------- by format

Cutter = Callable[[str, int, int], "list[int] | None"]


def head(fmt: str, text: str) -> int:
    """The length of the part at the start of ``text`` whose extent depends on text far
    after it: Markdown front matter, which a closing line anywhere below may end (0 when
    there is none). When it differs between two versions, the document is cut again from
    its start."""
    return _front_matter_end(text) if fmt == "markdown" else 0


def cutter(fmt: str, text: str, size: int = SECTION) -> Cutter | None:
    """The function that finds cuts in a document of format ``fmt``, or None when the
    document must be read whole.

    A cutter takes ``(text, start, end)`` where ``start`` is a cut (or 0) and returns the
    cuts strictly between them, or None when ``end`` (unless it is the end of the text)
    is not itself a safe place in the current text. A cut is taken at the first safe
    place at least ``size`` characters after the previous one (``size`` 0: at every one).
    """
    places: Callable[[str, int, int], list[int] | None]
    if fmt == "text":
        def text_places(t: str, start: int, end: int) -> list[int] | None:
            if end < len(t) and not _text_is_place(t, end):
                return None
            return _text_places(t, start, end)
        places = text_places
    elif fmt == "markdown" and not _markdown_whole(text):
        places = _markdown_places
    else:
        return None

    def cuts(t: str, start: int, end: int) -> list[int] | None:
        found = places(t, start, end)
        if found is None:
            return None
        chosen: list[int] = []
        last = start
        for place in found:
            if place - last >= size:
                chosen.append(place)
                last = place
        return chosen

    return cuts
