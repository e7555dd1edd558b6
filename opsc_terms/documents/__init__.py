"""Documents: which parts of a source file are prose, in source offsets.

One module per format, each a pure reader from the source to :class:`Prose`: the text
unchanged, the regions that hold prose, the spans inside them that must never be
reported (markup, code), the suppression comments, and what the markup says about the
words. A :class:`Format` describes each one: its name, file suffixes, LSP language ids,
comment style and reader. Nothing here imports the checker or the findings: readers sit
below them, so the checker never sees rendered text and every position points into the
original file.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..files import DEFAULT_MAX_FILE_SIZE
from . import code, docx, html, latex, markdown, plain, rst
from .model import ACTIONS, Adornment, Directive, DocumentError, Prose, parse_directive

__all__ = [
    "ACTIONS", "FORMATS", "Adornment", "Directive", "DocumentError", "Format", "Prose", "Source", "decode",
    "directive_comment", "format_for", "get_format", "parse_directive", "read",
]


@dataclass(frozen=True)
class Format:
    """How one kind of document is recognised, read and commented."""

    name: str
    suffixes: tuple[str, ...]
    language_ids: tuple[str, ...]
    # How a suppression comment is written: (prefix, suffix); None when a user cannot
    # add one (Word documents).
    comment: tuple[str, str] | None
    read_text: Callable[[str], Prose] | None = None
    read_bytes: Callable[[bytes, int], Prose] | None = None  # the bytes, and how much text may be read
    # Can a fix be written back into the file? Word files are never changed in place:
    # their findings become review comments in a copy.
    writable: bool = True

    @property
    def binary(self) -> bool:
        return self.read_bytes is not None


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", (".txt", ".text"), ("plaintext", "text"), plain.COMMENT, plain.read),
    Format("markdown", (".md", ".markdown", ".mdown", ".mkd"), ("markdown",), markdown.COMMENT, markdown.read),
    Format("html", (".html", ".htm", ".xhtml"), ("html",), html.COMMENT, html.read),
    Format("restructuredtext", (".rst", ".rest"), ("restructuredtext", "rst"), rst.COMMENT, rst.read),
    Format("latex", (".tex", ".latex", ".ltx"), ("latex", "tex"), latex.COMMENT, latex.read),
    Format("docx", (".docx",), ("docx",), None, read_bytes=docx.read, writable=False),
    # Programs: comments and docstrings only (see documents/code.py).
    *(Format(name, tuple(s for s, x in code.SYNTAX_BY_SUFFIX.items() if x is syntax),
             tuple(i for i, x in code.LANGUAGE_IDS.items() if x is syntax), syntax.comment,
             code.reader(syntax, name))
      for name, syntax in (("python", code.PYTHON), ("c-style", code.C_LIKE), ("script", code.HASH),
                           ("sql", code.DASH))),
)}
_BY_SUFFIX = {suffix: f.name for f in FORMATS.values() for suffix in f.suffixes}
_BY_LANGUAGE_ID = {language_id: f.name for f in FORMATS.values() for language_id in f.language_ids}


def format_for(name: str) -> str | None:
    """The format for a file name, a suffix (``.md``) or an LSP language id (``markdown``).

    Returns None when nothing matches; callers usually fall back to ``"text"``.
    """
    lowered = name.lower()
    if lowered in _BY_LANGUAGE_ID:
        return _BY_LANGUAGE_ID[lowered]
    dot = lowered.rfind(".")
    if dot == -1 or "/" in lowered[dot:] or "\\" in lowered[dot:]:
        return None
    return _BY_SUFFIX.get(lowered[dot:])


def get_format(name: str) -> Format:
    """The format called ``name``; plain text when no format has that name."""
    return FORMATS.get(name, FORMATS["text"])


def read(source: str | bytes, fmt: str = "text", *, max_size: int = DEFAULT_MAX_FILE_SIZE) -> Prose:
    """Read ``source`` as ``fmt`` (plain text when the format is unknown).

    Text formats take ``str`` (bytes are decoded first, see :func:`decode`); Word
    documents take their file's bytes, and ``max_size`` caps the text inflated from them.
    Raises :class:`DocumentError` for bad input.
    """
    f = get_format(fmt)
    if f.read_bytes is not None:
        if not isinstance(source, bytes):
            raise DocumentError(f"a {f.name} document is read from its bytes, not from text")
        return f.read_bytes(source, max_size)
    assert f.read_text is not None
    return f.read_text(source if isinstance(source, str) else decode(source).text)


def directive_comment(fmt: str, action: str, rules: Sequence[str] = ()) -> str | None:
    """The suppression comment for ``fmt``, e.g. ``<!-- opsc-terms: disable-next-line child-prostitute -->``.

    None for formats without comments. In plain text the comment is a line of its own.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
    style = get_format(fmt).comment
    if style is None:
        return None
    body = f"opsc-terms: {action}" + (" " + ", ".join(rules) if rules else "")
    return f"{style[0]}{body}{style[1]}"


# --------------------------------------------------------------------------- decoding

# Byte order marks, longest first: a UTF-32 LE mark starts like a UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class Source:
    """Decoded text and how to encode it back exactly."""

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def decode(data: bytes) -> Source:
    """UTF-8 (with or without a byte order mark), or UTF-16/32 with a byte order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Source(data[len(bom):].decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:
                raise DocumentError(f"not valid {encoding.upper()} (byte {exc.start + len(bom)})") from None
    if b"\x00" in data[:8192]:
        raise DocumentError("a binary file, not text; skipped")
    try:
        return Source(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DocumentError(f"not valid UTF-8 at line {line} (byte {exc.start}); save the file as UTF-8") from None

