"""Document readers: what counts as prose in each format, exact source offsets, suppression comments."""

from __future__ import annotations

import pytest

from opsc_terms import Finding
from opsc_terms.documents import FORMATS, Directive, Prose, directive_comment, format_for, parse_directive
from opsc_terms.documents import read as adapt
from opsc_terms.lint import apply_directives, lint_document


def findings(text: str, fmt: str) -> list[Finding]:
    found = list(lint_document(text, fmt).findings)
    for f in found:  # positions always point into the original text
        assert text[f.start:f.end] == f.text, f
    return found


def flagged(text: str, fmt: str) -> list[str]:
    return [f.text for f in findings(text, fmt) if f.severity != "info"]


# --------------------------------------------------------------------------- choosing a format


@pytest.mark.parametrize(("name", "expected"), [
    ("report.md", "markdown"), ("REPORT.MARKDOWN", "markdown"), ("page.htm", "html"), ("a/b/page.html", "html"),
    ("guide.rst", "restructuredtext"), ("paper.tex", "latex"), ("bill.docx", "docx"), ("notes.txt", "text"),
    (".md", "markdown"), ("plaintext", "text"), ("markdown", "markdown"), ("restructuredtext", "restructuredtext"),
    ("latex", "latex"), ("html", "html"), ("script.py", "python"), ("notes.xyz", None), ("README", None),
    ("dir.md/file", None),
])
def test_format_for_suffixes_and_language_ids(name: str, expected: str | None) -> None:
    assert format_for(name) == expected


def test_every_text_format_has_an_adapter_and_a_comment_style() -> None:
    for fmt in FORMATS:
        if FORMATS[fmt].binary:
            assert directive_comment(fmt, "disable") is None
            continue
        prose = adapt("Plain words.", fmt)
        assert prose.format == fmt
        assert prose.comment is not None


def test_unknown_format_falls_back_to_plain_text() -> None:
    assert adapt("child prostitutes", "asciidoc").format == "text"


# --------------------------------------------------------------------------- plain text


def test_plain_text_is_all_prose() -> None:
    assert flagged("Three child prostitutes\nwere found.", "text") == ["child prostitutes"]


def test_plain_text_directive_lines_suppress_and_are_not_checked_themselves() -> None:
    text = ("opsc-terms: disable-next-line child-prostitute\n"
            "Quoted as printed: child prostitutes.\n"
            "A later child prostitute is reported.\n")
    assert flagged(text, "text") == ["child prostitute"]


def test_plain_text_disable_and_enable() -> None:
    text = ("opsc-terms: disable prostitution\n"
            "child prostitutes in an archived quote\n"
            "opsc-terms: enable prostitution\n"
            "child prostitutes in new text\n")
    found = findings(text, "text")
    assert [f.line for f in found] == [4]


# --------------------------------------------------------------------------- Markdown


def test_markdown_skips_code_urls_comments_and_front_matter() -> None:
    text = ("---\ntitle: child prostitutes\n---\n\n"
            "Inline `child prostitutes` code and <https://example.org/child-prostitutes>.\n\n"
            "```\nchild prostitutes\n```\n\n"
            "    child prostitutes indented\n\n"
            "<!-- child prostitutes in a comment -->\n\n"
            "[link](https://example.org/child-prostitutes \"child prostitutes title\")\n")
    assert flagged(text, "markdown") == []


def test_markdown_link_text_and_image_description_are_checked() -> None:
    text = "See [child prostitutes](https://example.org/x) and ![a child prostitute](img.png).\n"
    found = findings(text, "markdown")
    assert [f.text for f in found] == ["child prostitutes", "child prostitute"]
    assert found[0].start == text.index("child prostitutes")


def test_markdown_emphasis_inside_a_term_still_matches_but_is_not_fixed() -> None:
    text = "Police found child **prostitutes** there.\n"
    (f,) = findings(text, "markdown")
    assert f.text == "child **prostitutes"
    assert f.fix is not None
    assert f.fix.applicability == "display-only"  # replacing the span would delete the opening "**"
    whole = findings("Police found **child prostitutes** there.\n", "markdown")[0]
    assert whole.text == "child prostitutes"
    assert whole.fix is not None
    assert whole.fix.applicability == "safe"


def test_markdown_block_quote_and_list_continuations() -> None:
    text = "> Police found child\n> prostitutes in a flat.\n\n- An item about child\n  prostitutes.\n"
    found = findings(text, "markdown")
    assert [(f.line, f.column, f.end_line) for f in found] == [(1, 16, 2), (4, 17, 5)]


def test_markdown_headings_tables_entities_and_escapes() -> None:
    text = ("# Child prostitutes #\n\nSetext child prostitutes\n---\n\n"
            "| a | b |\n|---|---|\n| x | child&nbsp;prostitutes |\n\n\\*Not emphasis\\*: child prostitutes\n")
    found = findings(text, "markdown")
    assert [f.line for f in found] == [1, 3, 8, 10]


def test_markdown_html_block_visible_text_is_checked() -> None:
    text = "Intro.\n\n<div>\n<p>child prostitutes</p>\n<script>child prostitutes</script>\n</div>\n"
    assert [f.line for f in findings(text, "markdown")] == [4]


def test_markdown_directives() -> None:
    text = ("<!-- opsc-terms: disable-next-line child-prostitute -->\n"
            "child prostitutes here are suppressed\n\n"
            "child prostitutes here are not <!-- opsc-terms: disable-line child-prostitute -->\n\n"
            "and child prostitutes here are reported\n\n"
            "`<!-- opsc-terms: disable -->` in code is not a directive: child prostitutes\n")
    assert [f.line for f in findings(text, "markdown")] == [6, 8]


def test_markdown_crlf_line_endings() -> None:
    text = "# Title\r\n\r\nPolice found child\r\nprostitutes.\r\n"
    (f,) = findings(text, "markdown")
    assert (f.line, f.column) == (3, 14)


# --------------------------------------------------------------------------- HTML


def test_html_visible_text_only() -> None:
    text = ("<html><head><title>On child prostitutes</title><style>b{content:'child prostitutes'}</style>"
            "<script>var x = 'child prostitutes';</script></head>\n<body>"
            "<p>Rescued child <b>prostitutes</b>.</p><pre>child prostitutes</pre>"
            "<p><code>child prostitutes</code></p><!-- child prostitutes -->"
            "<img alt='x' src='child-prostitutes.png'></body></html>")
    found = findings(text, "html")
    assert [f.text for f in found] == ["child prostitutes", "child <b>prostitutes"]


def test_html_block_elements_separate_text() -> None:
    assert flagged("<p>child</p><p>prostitutes</p><li>child</li>\n<li>prostitutes</li>", "html") == []


def test_html_comment_directives() -> None:
    text = ("<p>child prostitutes</p>\n<!-- opsc-terms: disable -->\n<p>child prostitutes</p>\n"
            "<!-- opsc-terms: enable -->\n<p>child prostitutes</p>\n")
    assert [f.line for f in findings(text, "html")] == [1, 5]


def test_html_malformed_markup_does_not_break() -> None:
    assert flagged("<p>child prostitutes <b><i></p></div><", "html") == ["child prostitutes"]


# --------------------------------------------------------------------------- reStructuredText

RST = """\
Title about child prostitutes
=============================

Text with ``child prostitutes`` literal, :code:`child prostitutes` role,
:ref:`child-prostitutes` label, and :ref:`child prostitutes <target>` title.

.. code-block:: text

   child prostitutes in code

.. note:: A child prostitute in a note.

   More child prostitutes in the note body.

Example::

   child prostitutes in a literal block

.. a comment about child prostitutes
   that continues here with child prostitutes

.. _child-prostitutes: https://example.org

.. opsc-terms: disable-next-line child-prostitute

Suppressed child prostitutes.

>>> print("child prostitutes")
"""


def test_restructuredtext() -> None:
    found = findings(RST, "restructuredtext")
    assert [(f.line, f.text) for f in found] == [
        (1, "child prostitutes"), (5, "child prostitutes"), (11, "child prostitute"), (13, "child prostitutes")]


# --------------------------------------------------------------------------- LaTeX

TEX = r"""\documentclass{article}
\usepackage{child-prostitutes}
\begin{document}
\section{Child prostitutes}
Text about \emph{child prostitutes} \cite{child-prostitutes} and \ref{child prostitutes}.
% child prostitutes in a comment
Maths $child prostitutes$ and \[ child prostitutes \] and \verb|child prostitutes|.
\begin{equation} child prostitutes \end{equation}
\begin{lstlisting}
child prostitutes
\end{lstlisting}
\unknowncommand{child prostitutes} and \textbf{child} prostitutes.
% opsc-terms: disable-next-line
Suppressed child prostitutes.
\item child \item prostitutes
\end{document}
"""


def test_latex() -> None:
    found = findings(TEX, "latex")
    assert [(f.line, f.text) for f in found] == [
        (4, "Child prostitutes"), (5, "child prostitutes"), (12, "child} prostitutes")]
    # The heading is checked on its own: what follows it does not make the fix unsafe.
    assert found[0].fix is not None


# --------------------------------------------------------------------------- directives


def test_parse_directive() -> None:
    assert parse_directive(" opsc-terms: disable child-prostitute, material ", 9) == Directive(
        "disable", ("child-prostitute", "material"), 9)
    assert parse_directive("opsc-terms: enable", 0) == Directive("enable", (), 0)
    assert parse_directive("opsc-terms: silence x", 0) is None
    assert parse_directive("just a comment", 0) is None


def test_directive_comment_per_format() -> None:
    assert directive_comment("markdown", "disable-next-line", ["child-prostitute"]) == (
        "<!-- opsc-terms: disable-next-line child-prostitute -->")
    assert directive_comment("restructuredtext", "disable") == ".. opsc-terms: disable"
    assert directive_comment("latex", "enable", ["a", "b"]) == "% opsc-terms: enable a, b"
    assert directive_comment("text", "disable-next-line", ["x"]) == "opsc-terms: disable-next-line x"
    with pytest.raises(ValueError, match="unknown action"):
        directive_comment("text", "mute")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "restructuredtext", "latex"])
def test_a_generated_comment_suppresses_the_next_line(fmt: str) -> None:
    comment = directive_comment(fmt, "disable-next-line", ["child-prostitute"])
    assert comment is not None
    wrap = {"html": "<p>{}</p>"}.get(fmt, "{}")
    text = f"{wrap.format('Three child prostitutes.')}\n\n{comment}\n\n{wrap.format('Two child prostitutes.')}\n"
    assert [f.line for f in findings(text, fmt)] == [1]


def test_apply_directives_by_family_rule_and_all() -> None:
    text = "a\nb\nc\nd\n"
    base = findings("child prostitutes", "text")[0]

    def at(line: int, rule: str = "child-prostitute", family: str = "prostitution") -> Finding:
        start = text.index("abcd"[line - 1])
        return Finding(**{**base.__dict__, "rule": rule, "family": family, "start": start, "end": start + 1,
                          "line": line, "text": text[start]})

    prose = Prose(text, ((0, len(text)),), directives=(
        Directive("disable", ("prostitution",), 1), Directive("enable", ("child-prostitute",), 3),
        Directive("disable", (), 5)))
    kept = apply_directives([at(1), at(2), at(2, "other", "other"), at(3), at(4, "anything", "other")], prose)
    assert [(f.line, f.rule) for f in kept] == [(1, "child-prostitute"), (2, "other"), (3, "child-prostitute")]


def test_markdown_nested_deeper_than_the_parser_goes_is_still_checked() -> None:
    # markdown-it stops at 20 levels (a list level is two) and drops what is deeper.
    outline = "".join("  " * i + "- an item of the outline\n" for i in range(12))
    text = outline + "  " * 12 + "- Police rescued three child\n" + "  " * 12 + "  prostitutes.\n"
    assert flagged(text, "markdown") == ["child\n" + "  " * 13 + "prostitutes"]
    quoted = ">" * 40 + " Police rescued three child prostitutes."
    assert [(f.line, f.column) for f in findings(quoted, "markdown")] == [(1, 63)]
    # Shallow documents are read by the parser alone: a link definition is no prose.
    assert flagged("[child prostitutes]: https://example.org\n", "markdown") == []
