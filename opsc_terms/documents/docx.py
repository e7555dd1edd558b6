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
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from ..files import DEFAULT_MAX_FILE_SIZE, size_text
from ..lines import Span
from .model import DocumentError, Prose, merge_spans, parse_directive

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP_TAGS = frozenset({_W + "del", _W + "txbxContent", _MC + "Fallback", _W + "moveFrom"})
_DIRECTIVE_RE = re.compile(r"\s*(opsc-terms:\s*(?:disable-next-line|disable|enable)\b.*)")
# Parts of a document in which Word accepts comments.
ANNOTATABLE = frozenset({"body", "table"})
# Who the review comments are from: how a later run recognises (and replaces) its own.
AUTHOR = "opsc-terms"
_INITIALS = "OT"
CONTAINER_FACTOR = 10  # a Word file may be this many times max_size: its pictures are not read


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


def read(data: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Prose:
    """Read a .docx file's bytes; raise WordError with a one-line reason.

    ``max_size`` caps the XML parts read, inflated, all together (see :func:`unpack`).
    The prose's ``kinds`` say what each line (paragraph) is: body, table, header, footer,
    footnote or endnote.
    """
    document = _open(data, max_size)
    paragraphs = _all_paragraphs(document)
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


# --------------------------------------------------------------------------- the package, safely

# A Word file is a ZIP archive, and a ZIP archive can promise little and inflate to
# gigabytes. Only the XML parts are read (pictures, fonts and embedded files never are),
# each checked against its declared size and compression ratio before it is inflated and
# counted while it is, all of them together within ``max_size``.
MAX_RATIO = 200  # inflated : compressed; Word's XML compresses 5 to 30 times
_RATIO_FLOOR = 1024 * 1024  # a part smaller than this is never too compressed
MAX_PARTS = 10_000  # Word writes tens of parts; hundreds with many pictures
_CHUNK = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels")
_ROOT_ELEMENT_RE = re.compile(rb"<[^?!]")


@dataclass(frozen=True)
class Unpacked:
    """The parts a reader needs, as a new archive; the others are present but empty."""

    package: bytes
    blanked: frozenset[str]  # the member names left empty (pictures, fonts, embedded files)


def unpack(data: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Unpacked:
    """The XML parts of a Word file in a new archive, the other parts empty; WordError when unsafe.

    Refused: more than :data:`MAX_PARTS` parts, a part that declares (or turns out) to be
    larger than what is left of ``max_size``, a large part compressed more than
    :data:`MAX_RATIO` times, and an XML part with a document type declaration (Word never
    writes one; its entities are how XML bombs and external-entity tricks work, and a copy
    saved with an entity reference but without its declaration cannot be opened).
    """
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise WordError("an encrypted or old-format (.doc) Word file: save it as .docx without a password")
    if not data:
        raise WordError("an empty file, not a Word document")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WordError("not a Word document (.docx files are ZIP archives; this one is not)")
    if _entry_count(data) > MAX_PARTS:
        raise WordError(f"a ZIP archive of more than {MAX_PARTS} parts, not a Word document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise WordError("not a Word document (a ZIP archive without word/document.xml)")
            out = io.BytesIO()
            blanked: set[str] = set()
            budget = max_size
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as rebuilt:
                written: set[str] = set()
                for info in infos:
                    if info.filename in written or info.is_dir():
                        continue
                    written.add(info.filename)
                    if not info.filename.lower().endswith(_XML_SUFFIXES):
                        rebuilt.writestr(info.filename, b"")
                        blanked.add(info.filename)
                        continue
                    blob = _inflate(archive, info, budget, max_size)
                    budget -= len(blob)
                    if _has_doctype(blob):
                        raise WordError(f"{_shown_name(info.filename)} holds a document type declaration (DTD), "
                                        "which Word never writes; open the file in Word and save it again")
                    rebuilt.writestr(info.filename, blob)
    except WordError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, OSError, EOFError, ValueError) as exc:
        raise WordError(f"a damaged Word document ({_one_line(exc)})") from None
    except RuntimeError:  # zipfile: "File is encrypted, password required"
        raise WordError("an encrypted Word file: save it as .docx without a password") from None
    except NotImplementedError as exc:  # a compression method zipfile does not know
        raise WordError(f"a Word document packed in a way that cannot be read ({_one_line(exc)})") from None
    return Unpacked(out.getvalue(), frozenset(blanked))


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, max_size: int) -> bytes:
    """One member, inflated in bounded chunks; WordError as soon as it is over its bounds."""
    name = _shown_name(info.filename)
    if info.file_size > budget:
        raise WordError(_too_large(name, info.file_size, max_size))
    if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise WordError(f"{name} would inflate {info.file_size // max(info.compress_size, 1)} times its "
                        f"packed size (to {size_text(info.file_size)}); a ZIP bomb, not a Word document")
    chunks = []
    total = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            total += len(chunk)
            if total > budget:  # the declared size was false
                raise WordError(_too_large(name, total, max_size))
            chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, size: int, max_size: int) -> str:
    which = f"{name} inflates to {size_text(size)}" if size > max_size else "its XML parts together"
    return (f"its text is larger than the {size_text(max_size)} limit ({which}); raise it with --max-file-size "
            "or max-file-size in the configuration to check it")


def _has_doctype(blob: bytes) -> bool:
    """Does the XML declare a document type before its root element?"""
    if blob[:2] in (b"\xff\xfe", b"\xfe\xff") or blob[:2] in (b"<\x00", b"\x00<"):
        # UTF-16, which XML allows: look at the prolog as text.
        head = blob.decode("utf-16" if blob[:2] in (b"\xff\xfe", b"\xfe\xff") else
                           ("utf-16-le" if blob[:1] == b"<" else "utf-16-be"), errors="replace")
        root = re.search(r"<[^?!]", head)
        return "<!DOCTYPE" in head[:root.start() if root else len(head)]
    m = _ROOT_ELEMENT_RE.search(blob)
    return b"<!DOCTYPE" in blob[:m.start() if m else len(blob)]


def _entry_count(data: bytes) -> int:
    """The number of members the archive's end record declares (before anything is parsed)."""
    tail = data[-(65536 + 22):]
    at = tail.rfind(b"PK\x05\x06")
    if at == -1 or at + 22 > len(tail):
        return 0  # no plain end record (ZIP64): zipfile decides
    return int.from_bytes(tail[at + 10:at + 12], "little")


def _shown_name(name: str) -> str:
    """A member name for a message: on one line, control characters escaped."""
    return repr(name[:120])[1:-1]


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _open(data: bytes, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Any:
    return _load(unpack(data, max_size).package)


def _load(package: bytes) -> Any:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise WordError(f"python-docx is not installed ({exc})") from None
    try:
        return docx.Document(io.BytesIO(package))
    except PackageNotFoundError:
        raise WordError("not a Word document (no word/document.xml inside)") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as exc:
        raise WordError(f"a damaged Word document ({type(exc).__name__}: {_one_line(exc)})") from None
    except Exception as exc:  # lxml and python-docx raise many kinds on damaged files
        raise WordError(f"a damaged Word document ({type(exc).__name__})") from None


def _all_paragraphs(document: Any) -> list[_Paragraph]:
    """Every paragraph, in order; WordError when a part turns out to be damaged as it is read."""
    try:
        return list(_paragraphs(document))
    except WordError:
        raise
    except Exception as exc:  # python-docx parses notes and some parts only when asked for them
        raise WordError(f"a damaged Word document ({type(exc).__name__}: {_one_line(exc)})") from None


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


def annotate(data: bytes, comments: Iterable[Comment], destination: Any, *, author: str = AUTHOR,
             max_size: int = DEFAULT_MAX_FILE_SIZE) -> AnnotationResult:
    """Save a copy of the document with a Word comment on each of ``comments``.

    ``destination`` is a path or a binary file object. Each comment is anchored on exactly
    the characters it names (runs are split at its edges when they hold plain text). The
    comments an earlier run of opsc-terms added are replaced, not repeated. Pictures and
    other parts that are not read are copied as they are, within ``CONTAINER_FACTOR``
    times ``max_size`` inflated.
    """
    unpacked = unpack(data, max_size)
    document = _load(unpacked.package)
    try:
        _remove_own_comments(document, author)
    except Exception as exc:  # a damaged comments part
        raise WordError(f"a damaged Word document ({type(exc).__name__})") from None
    paragraphs = _all_paragraphs(document)
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
                             text=c.text, author=author, initials=_INITIALS)
        paragraphs[index] = paragraph
        added += 1
    saved = io.BytesIO()
    try:
        document.save(saved)
        _with_parts_restored(saved.getvalue(), data, unpacked.blanked, destination, CONTAINER_FACTOR * max_size)
    except WordError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        raise WordError(f"a damaged Word document ({_one_line(exc)})") from None
    return AnnotationResult(added, skipped)


def _remove_own_comments(document: Any, author: str) -> None:
    """Take out the comments an earlier ``--annotate`` added, with their anchors in the text."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        part = document.part.part_related_by(RT.COMMENTS)
    except KeyError:
        return
    ids = set()
    for comment in list(part.element.iter(_W + "comment")):
        if comment.get(_W + "author") == author and comment.get(_W + "initials") == _INITIALS:
            ids.add(comment.get(_W + "id"))
            comment.getparent().remove(comment)
    if not ids:
        return
    body = document.element
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        for marker in list(body.iter(_W + tag)):
            if marker.get(_W + "id") not in ids:
                continue
            parent = marker.getparent()
            parent.remove(marker)
            # The run python-docx made to hold a reference holds nothing else.
            if tag == "commentReference" and parent.tag == _W + "r" and all(
                    child.tag == _W + "rPr" for child in parent):
                parent.getparent().remove(parent)


def _with_parts_restored(saved: bytes, original: bytes, blanked: frozenset[str], destination: Any,
                         limit: int) -> None:
    """Write ``saved`` to ``destination`` with the parts left empty for reading copied back from ``original``."""
    budget = limit
    with zipfile.ZipFile(io.BytesIO(saved)) as new, zipfile.ZipFile(io.BytesIO(original)) as old, \
            zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
        for info in new.infolist():
            if info.filename not in blanked:
                out.writestr(info, new.read(info))
                continue
            source = old.getinfo(info.filename)
            if source.file_size > _RATIO_FLOOR and source.file_size > MAX_RATIO * max(source.compress_size, 1):
                raise WordError(f"{_shown_name(source.filename)} would inflate "
                                f"{source.file_size // max(source.compress_size, 1)} times its packed size; "
                                "a ZIP bomb, not a Word document")
            # Pictures and fonts are already compressed: stored as they are, not packed again.
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            stored = source.compress_type == zipfile.ZIP_STORED
            copy.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            with old.open(source) as reader, out.open(copy, "w", force_zip64=source.file_size > 2 ** 31) as writer:
                while chunk := reader.read(_CHUNK):
                    budget -= len(chunk)
                    if budget < 0:
                        raise WordError(f"the parts of this Word document that are not text inflate to more than "
                                        f"{size_text(limit)}; raise --max-file-size to annotate it")
                    writer.write(chunk)


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
