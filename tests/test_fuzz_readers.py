"""Fuzzing every document reader: any input is read, or refused with a DocumentError, never anything else.

The text readers get text built from the pieces of their own markup (unclosed comments,
tags, braces, emphasis marks, tables, directives) and from arbitrary characters; the Word
reader gets real documents that are truncated, have bytes flipped or members swapped. What
comes back must describe the text it was given: sorted regions and masks inside it,
directives at offsets inside it. The same inputs also go through the whole pipeline
(``lint_document``), whose findings must point at their own words.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wordfiles import make_docx

from opsc_terms import lint_document
from opsc_terms.documents import FORMATS, DocumentError, Prose, read
from opsc_terms.documents.docx import Comment, annotate

PIECES = {
    "text": ["opsc-terms: disable-next-line child-prostitute\n", "opsc-terms: enable\n", "opsc-terms: disable x\n"],
    "markdown": ["<!--", "-->", "<!-- opsc-terms: disable-next-line child-prostitute -->", "*", "_", "**", "__",
                 "`", "```", "~~~", "> ", "- ", "1. ", "# ", "| a | b |\n", "|---|---|\n", "[", "](", ")", "![",
                 "<div>", "</div>", "<http://x.org>", "---\n", "    ", "\\", "&amp;", "&#x27;", "[x]: /u\n"],
    "html": ["<!--", "-->", "<!-- opsc-terms: disable child-prostitute -->", "<p>", "</p>", "<script>",
             "</script>", "<a href='", "'>", '"', "<b>", "</b", "<!DOCTYPE html>", "<?xml", "<![CDATA[", "]]>",
             "&amp;", "&ldquo;", "&#8221;", "&", "<", ">", "</", "/>", "<em>", "</em>", "<style>", "<textarea>"],
    "restructuredtext": [".. ", ".. opsc-terms: disable-next-line child-prostitute\n", "::\n\n", "   ", "=====\n",
                         "-----\n", "*", "**", "``", "`", "`_", ":ref:`", ".. note::\n", ".. code-block::\n",
                         "|sub|", "[1]_", "\n\n", "- ", "#. ", ">>> "],
    "latex": ["{", "}", "[", "]", "\\emph{", "\\section{", "\\section*[", "\\verb|", "|", "$", "$$", "\\(", "\\)",
              "\\[", "\\]", "%", "% opsc-terms: disable-next-line child-prostitute\n", "\\begin{verbatim}",
              "\\end{verbatim}", "\\begin{", "\\end{", "\\item", "\\\\", "\\def", "&", "~", "\\footnote{",
              "\\href{", "\\cite{"],
}
# Programs: comment and string markers of every family of languages.
CODE = ['"""', "'''", '"', "'", "`", "#", "//", "/*", "*/", "--", "\\", "# opsc-terms: disable-next-line x\n",
        "// opsc-terms: disable child-prostitute\n", "def f():\n    ", "x = "]
T = TypeVar("T")
COMMON = ["child prostitutes", "Child Pornography", "child porn", " ", "\n", "\r\n", "\r", "\n\n", "\t", "“", "”",
          "'", "(", ")", "😀", "\u2028", "\x85", "\x0c", "\x00", "a", "the", "."]


def attempt(fn: Callable[..., T], *args: Any) -> tuple[T | None, str]:
    """``fn(*args)``, or None and the one-line reason when the document is refused."""
    try:
        return fn(*args), ""
    except DocumentError as exc:
        return None, str(exc)


def check_prose(prose: Prose, text: str) -> None:
    n = len(text)
    assert prose.text == text
    for spans in (prose.regions, prose.masks, prose.emphasis):
        for s, e in spans:
            assert 0 <= s <= e <= n, (s, e, n)
    assert list(prose.regions) == sorted(prose.regions)
    for d in prose.directives:
        assert 0 <= d.offset <= n
        assert d.start <= d.offset


def fuzzed_text(fmt: str) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(PIECES.get(fmt, CODE)), st.sampled_from(COMMON), st.text(max_size=4))
    return st.lists(piece, max_size=60).map("".join)


@pytest.mark.parametrize("fmt", [name for name, form in FORMATS.items() if not form.binary])
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_text_readers_read_anything(fmt: str, data: st.DataObject) -> None:
    text = data.draw(fuzzed_text(fmt))
    prose, refusal = attempt(read, text, fmt)
    if prose is None:
        assert "\n" not in refusal
        return
    check_prose(prose, text)


@pytest.mark.parametrize("fmt", [name for name, form in FORMATS.items() if not form.binary])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_pipeline_reads_anything(fmt: str, data: st.DataObject) -> None:
    text = data.draw(fuzzed_text(fmt))
    try:
        linted = lint_document(text, fmt)
    except DocumentError:
        return
    for f in linted.findings:
        assert text[f.start:f.end] == f.text


def test_an_unclosed_quotation_before_a_capitalised_term() -> None:
    # Found by the fuzzing above: judging a title after an opening quotation mark that is
    # never closed read past the end of the words.
    [finding] = lint_document("“Child Pornography", "text").findings
    assert finding.context == "mention"


def _real_docx() -> bytes:
    return make_docx(body=["Police rescued three child prostitutes.", "opsc-terms: disable-next-line x"],
                     table=[["child porn", "b"]], header="Header", footer="Footer", footnotes=["A note."],
                     tracked=("Before ", "child porn", "abuse material"))


DOCX = _real_docx()


def _rebuilt(data: bytes, change: str, seed: int) -> bytes:
    """A real document with one member emptied, cut, or filled with other bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        infos = source.infolist()
        victim = infos[seed % len(infos)].filename
        for info in infos:
            content = source.read(info)
            if info.filename == victim:
                if change == "empty":
                    content = b""
                elif change == "cut":
                    content = content[:len(content) * (seed % 7 + 1) // 8]
                elif change == "garbage":
                    content = bytes((seed * 31 + i * 7) % 256 for i in range(200))
                elif change == "deep":
                    content = b"<a>" * 100_000
                elif change == "drop":
                    continue
            target.writestr(info, content)
    return out.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["flip", "truncate", "empty", "cut", "garbage", "deep", "drop"]),
       st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=255))
def test_the_word_reader_reads_or_refuses(change: str, seed: int, value: int) -> None:
    if change == "flip":
        data = bytearray(DOCX)
        data[seed % len(data)] ^= value
        data = bytes(data)
    elif change == "truncate":
        data = DOCX[:seed % len(DOCX)]
    else:
        data = _rebuilt(DOCX, change, seed)
    prose, refusal = attempt(read, data, "docx")
    if prose is None:
        assert "\n" not in refusal
        assert len(refusal) < 400
        return
    check_prose(prose, prose.text)
    assert len(prose.kinds) == prose.text.count("\n") + 1
    # What can be read can be annotated (or is refused in one line), and the copy reads the same.
    first = prose.text.split("\n", 1)[0]
    out = io.BytesIO()
    done, refusal = attempt(annotate, data, [Comment(1, 0, min(len(first), 5), "A review comment.")], out)
    if done is None:
        assert "\n" not in refusal
        return
    assert read(out.getvalue(), "docx").text == prose.text
