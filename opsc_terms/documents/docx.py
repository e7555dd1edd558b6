"""Word documents (.docx): reading their text, and writing a copy with review comments.

A document becomes a text with one line per paragraph, so a finding's ``line`` is the
paragraph number and its ``column`` the character in that paragraph (both 1-based).
Paragraphs are numbered in this order, counting empty ones too:

1. the body in reading order, including every paragraph of every table cell;
2. the headers and footers of each section that has its own;
3. the footnotes, then the endnotes.

The text of a paragraph includes hyperlinks and tracked insertions, and leaves out
tracked deletions and text boxes. Each paragraph is checked on its own, so a phrase never
joins across paragraphs. python-docx is imported only when a Word document is read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from ..lines import Span
from .model import DocumentError, Prose, merge_spans, parse_directive

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP_TAGS = frozenset({_W + "del", _W + "txbxContent", _MC + "Fallback", _W + "moveFrom"})
_DIRECTIVE_RE = re.compile(r"\s*(opsc-terms:\s*(?:disable-next-line|disable|enable)\b.*)")
# Parts of a document in which Word accepts comments.
ANNOTATABLE = frozenset({"body", "table"})


class WordError(DocumentError):
    """A file that cannot be read as a Word document; the message is one line."""


@dataclass
class _Piece:
    start: int  # offset in the paragraph's text
    text: str
    run: Any  # the w:r element, or None for text outside a run
    t: Any  # the w:t element, or None for a tab or a break


@dataclass
class _Paragraph:
    kind: str  # body, table, header, footer, footnote, endnote
    element: Any
    parent: Any  # the python-docx object that owns the paragraph (for Run objects)
    text: str
    pieces: list[_Piece]
    emphasis: list[Span]  # italic runs and hyperlink text, in paragraph offsets


def read(data: bytes) -> Prose:
    """Read a .docx file's bytes; raise WordError with a one-line reason.

    The prose's ``kinds`` say what each line (paragraph) is: body, table, header, footer,
    footnote or endnote.
    """
    document = _open(data)
    paragraphs = list(_paragraphs(document))
    texts = [p.text for p in paragraphs]
    text = "\n".join(texts)
    regions: list[Span] = []
    directives = []
    emphasis: list[Span] = []
    offset = 0
    for paragraph, paragraph_text in zip(paragraphs, texts, strict=True):
        emphasis.extend((offset + s, offset + e) for s, e in paragraph.emphasis)
        m = _DIRECTIVE_RE.fullmatch(paragraph_text)
        directive = parse_directive(m.group(1), offset + len(paragraph_text), offset + m.start(1)) if m else None
        if directive is not None:
            directives.append(directive)
        elif paragraph_text.strip():
            regions.append((offset, offset + len(paragraph_text)))
        offset += len(paragraph_text) + 1
    return Prose(text, tuple(regions), directives=tuple(directives), format="docx", comment=None,
                 emphasis=merge_spans(emphasis), kinds=tuple(p.kind for p in paragraphs))


def _open(data: bytes) -> Any:
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WordError("an encrypted or old-format (.doc) Word file: save it as .docx without a password")
    if not data:
        raise WordError("an empty file, not a Word document")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WordError("not a Word document (.docx files are ZIP archives; this one is not)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise WordError(f"a damaged Word document ({exc})") from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise WordError("not a Word document (a ZIP archive without word/document.xml)")
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise WordError(f"python-docx is not installed ({exc})") from None
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise WordError("not a Word document (no word/document.xml inside)") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise WordError(f"a damaged Word document ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged files
        raise WordError(f"a damaged Word document ({type(exc).__name__})") from None


def _paragraphs(document: Any) -> Iterator[_Paragraph]:
    yield from _container(document, "body")
    seen: set[str] = set()
    for section in document.sections:
        for attr, kind in (("header", "header"), ("first_page_header", "header"), ("even_page_header", "header"),
                           ("footer", "footer"), ("first_page_footer", "footer"), ("even_page_footer", "footer")):
            part = getattr(section, attr)
            if part.is_linked_to_previous:
                continue
            name = str(part.part.partname)
            if name in seen:
                continue
            seen.add(name)
            yield from _container(part, kind)
    for rel in document.part.rels.values():
        kind = rel.reltype.rsplit("/", 1)[-1]
        if kind in ("footnotes", "endnotes") and not rel.is_external:
            yield from _notes(rel.target_part, kind[:-1])


def _container(container: Any, kind: str) -> Iterator[_Paragraph]:
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen: set[int] = set()
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell appears once per grid column
                        continue
                    seen.add(id(cell._tc))
                    yield from _container(cell, "table" if kind == "body" else kind)
        else:
            yield _paragraph(block._p, block, kind)


def _notes(part: Any, kind: str) -> Iterator[_Paragraph]:
    element = getattr(part, "element", None)
    if element is None:
        from docx.oxml import parse_xml

        element = parse_xml(part.blob)
    for note in element.iter(_W + kind):
        if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        for p in note.iter(_W + "p"):
            yield _paragraph(p, None, kind)


def _paragraph(p: Any, parent: Any, kind: str) -> _Paragraph:
    pieces: list[_Piece] = []
    emphasis: list[Span] = []
    offset = 0

    def walk(element: Any, run: Any) -> None:
        nonlocal offset
        tag = element.tag
        if tag in _SKIP_TAGS or not isinstance(tag, str):
            return
        if tag == _W + "r":
            run = element
            if _italic(element):
                begin = offset
                for child in element:
                    walk(child, run)
                emphasis.append((begin, offset))
                return
        if tag == _W + "hyperlink":
            begin = offset
            for child in element:
                walk(child, run)
            emphasis.append((begin, offset))
            return
        text = None
        if tag == _W + "t":
            text = element.text or ""
        elif tag == _W + "tab":
            text = "\t"
        elif tag in (_W + "br", _W + "cr"):
            text = " "  # a line break inside a paragraph: the paragraph stays one line
        elif tag == _W + "noBreakHyphen":
            text = "-"
        if text is not None:
            pieces.append(_Piece(offset, text, run, element if tag == _W + "t" else None))
            offset += len(text)
        for child in element:
            walk(child, run)

    for child in p:
        walk(child, None)
    text = "".join(piece.text for piece in pieces).replace("\n", " ").replace("\r", " ")
    return _Paragraph(kind, p, parent, text, pieces, [(s, e) for s, e in emphasis if e > s])


def _italic(run: Any) -> bool:
    """Is the run set in italics (directly, not through a style)?"""
    properties = run.find(_W + "rPr")
    if properties is None:
        return False
    italic = properties.find(_W + "i")
    return italic is not None and italic.get(_W + "val") not in ("0", "false", "off")


# --------------------------------------------------------------------------- review comments


@dataclass(frozen=True)
class Comment:
    """A review comment on the characters ``start:end`` of paragraph ``line`` (1-based)."""

    line: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class AnnotationResult:
    added: int
    skipped: int  # comments in headers, footers or notes, where Word has no comments


def annotate(data: bytes, comments: Iterable[Comment], destination: Any, *,
             author: str = "opsc-terms") -> AnnotationResult:
    """Save a copy of the document with a Word comment on each of ``comments``.

    ``destination`` is a path or a binary file object. Each comment is anchored on exactly
    the characters it names (runs are split at its edges when they hold plain text).
    """
    document = _open(data)
    paragraphs = list(_paragraphs(document))
    added = skipped = 0
    for c in sorted(comments, key=lambda c: (c.line, c.start)):
        index = c.line - 1
        if not 0 <= index < len(paragraphs) or paragraphs[index].kind not in ANNOTATABLE:
            skipped += 1
            continue
        paragraph = paragraphs[index]
        start, end = c.start, min(c.end, len(paragraph.text))
        paragraph = _split_at(paragraph, start)
        paragraph = _split_at(paragraph, end)
        runs = _runs_between(paragraph, start, end)
        if not runs:
            skipped += 1
            continue
        from docx.text.run import Run

        document.add_comment([Run(runs[0], paragraph.parent), Run(runs[-1], paragraph.parent)],
                             text=c.text, author=author, initials="OT")
        paragraphs[index] = paragraph
        added += 1
    document.save(destination)
    return AnnotationResult(added, skipped)


def _split_at(paragraph: _Paragraph, offset: int) -> _Paragraph:
    """Split the run holding ``offset`` so that a run boundary falls there, when it is plain text."""
    for piece in paragraph.pieces:
        if piece.t is None or not piece.start < offset < piece.start + len(piece.text):
            continue
        run = piece.run
        if run is None or [child for child in run if child.tag != _W + "rPr"] != [piece.t]:
            return paragraph  # a run with tabs, fields or drawings: anchor on the whole run
        cut = offset - piece.start
        twin = deepcopy(run)
        twin_t = twin.find(_W + "t")
        piece.t.text, twin_t.text = piece.text[:cut], piece.text[cut:]
        for t in (piece.t, twin_t):
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run.addnext(twin)
        return _paragraph(paragraph.element, paragraph.parent, paragraph.kind)
    return paragraph


def _runs_between(paragraph: _Paragraph, start: int, end: int) -> Sequence[Any]:
    runs: list[Any] = []
    for piece in paragraph.pieces:
        if piece.run is None or piece.start >= end or piece.start + len(piece.text) <= start:
            continue
        if not runs or runs[-1] is not piece.run:
            runs.append(piece.run)
    return runs
