"""A document checked again after each edit gives exactly what a full check gives.

:class:`~opsc_terms.lint.DocumentLint` (what the language server uses) re-reads only the
sections an edit touches; these properties replay random edit sequences on documents made
of the constructs that can run across a section boundary (code fences, raw HTML blocks,
comments that span blank lines, front matter, lists, quotations, suppression comments) and
compare every version with :func:`~opsc_terms.lint.lint_document` on the same text.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsc_terms import get_checker
from opsc_terms.checker import CheckTimeout, work_clock
from opsc_terms.lint import DocumentLint, lint_document
from opsc_terms.sections import cutter

MARKDOWN_BLOCKS = [
    "Police rescued three child prostitutes in the raid.",
    "The court heard he kept child pornography on a drive.",
    "A paragraph about the weather and nothing else",
    "# Child sex tourism on the rise",
    "```\nchild prostitutes in a fence\n\nstill fenced: child porn\n```",
    "~~~\n\nchild porn in tildes\n~~~",
    "    indented code with child porn",
    "<!-- a comment\n\nover a blank line with child porn -->",
    "<!-- opsc-terms: disable child-prostitute -->",
    "<!-- opsc-terms: enable -->",
    "<!-- opsc-terms: disable-next-line no-such-rule -->",
    "<pre>\nchild porn\n\nin pre\n</pre>",
    "<div>\nchild prostitutes in html\n```\n</div>",
    "<?php\n\nchild porn\n\n?>",
    "- an item on sextortion\n\n- another item on child prostitutes",
    "12. A numbered paragraph on child porn.\n\n13. Another, on child prostitutes.",
    "1. An item\n\n   with a second paragraph on child porn\n\n   ```\n   code\n\n   more\n   ```",
    "- item\n  ```\n  fenced child porn in an item\n\nchild prostitutes after it",
    "> quoted child pornography\n>\n> more",
    "| a | b |\n| - | - |\n| child porn | x |",
    "Text with *child* **prostitutes** and `child porn` code.",
    "---",
    "+++",
    "Setext heading on child porn\n=============================",
]
TEXT_BLOCKS = [
    "Police rescued three child prostitutes in the raid.",
    "The court heard he kept child pornography on a drive.",
    "A line without an end about child sex tourism",
    "opsc-terms: disable child-prostitute",
    "opsc-terms: enable",
    "opsc-terms: disable-next-line child-pornography",
    "opsc-terms: disable no-such-rule",
    "“A quotation about child prostitutes,",
    "that runs over a blank line.”",
    "Words split by a line-end hyphen: child pros-\ntitutes.",
]
# What an edit inserts: words, line breaks and the markup that opens or closes a block.
SNIPPETS = ["x", " ", "\n", "\n\n", "child prostitutes. ", "```", "~~~", "<!--", "-->", "<pre>", "</pre>",
            "---\n", "> ", "- ", "    ", ".", "opsc-terms: disable\n", "\r\n", "“", "”", "*", "]: /url"]


def documents(blocks: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(blocks), min_size=2, max_size=24).map(lambda parts: "\n\n".join(parts) + "\n")


Edit = tuple[float, float, str, bool]


@st.composite
def edits(draw: st.DrawFn) -> Edit:
    # Where (a fraction of the text), how much to replace, what to insert, and whether to
    # move the edit to the start of the next paragraph (where sections start).
    return (draw(st.floats(0, 1)), draw(st.floats(0, 0.05)), draw(st.sampled_from(SNIPPETS) | st.text(max_size=3)),
            draw(st.booleans()))


def edited(text: str, edit: Edit) -> str:
    where, length, new, at_paragraph = edit
    start = int(where * len(text))
    if at_paragraph and (found := text.find("\n\n", start)) != -1:
        start = found + 2
    end = min(len(text), start + int(length * len(text)))
    return text[:start] + new + text[end:]


def assert_same(linted: DocumentLint, text: str, fmt: str) -> None:
    result = linted.update(text)
    whole = lint_document(text, fmt, checker=linted.checker)
    assert result.findings == whole.findings
    assert result.unknown_rules == whole.unknown_rules


SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(documents(MARKDOWN_BLOCKS), st.booleans(), st.lists(edits(), min_size=1, max_size=8))
def test_markdown_edits_give_what_a_full_check_gives(text: str, front_matter: bool,
                                                     changes: list[Edit]) -> None:
    if front_matter:
        text = "---\ntitle: child porn\n\n```\n---\n\n" + text
    linted = DocumentLint("markdown", get_checker(), min_size=0, section_size=0)
    assert_same(linted, text, "markdown")
    for change in changes:
        text = edited(text, change)
        assert_same(linted, text, "markdown")


@SETTINGS
@given(documents(TEXT_BLOCKS), st.lists(edits(), min_size=1, max_size=8))
def test_text_edits_give_what_a_full_check_gives(text: str, changes: list[Edit]) -> None:
    linted = DocumentLint("text", get_checker(), min_size=0, section_size=0)
    assert_same(linted, text, "text")
    for change in changes:
        text = edited(text, change)
        assert_same(linted, text, "text")


# Paragraphs in three languages, and short lines that tell little: the document's
# language is decided over all its sections, so each paragraph gets the language a whole
# check gives it.
MIXED_BLOCKS = [
    "Police rescued three child prostitutes in the raid.",
    "La police a trouvé de la pornographie enfantine sur son ordinateur.",
    "La policía encontró pornografía infantil en su casa.",
    "Child porn!",
    "Pédopornographie",
    "te o e",
    "the of",
    "Le tourisme sexuel impliquant des enfants est un crime.",
]


@SETTINGS
@given(documents(MIXED_BLOCKS), st.lists(edits(), min_size=1, max_size=8))
def test_edits_in_several_languages_give_what_a_full_check_gives(text: str, changes: list[Edit]) -> None:
    linted = DocumentLint("text", get_checker(), min_size=0, section_size=0)
    assert linted.checker.config.language == "auto"
    assert_same(linted, text, "text")
    for change in changes:
        text = edited(text, change)
        assert_same(linted, text, "text")


def test_an_edit_that_changes_the_documents_language_rechecks_every_section() -> None:
    # Two French paragraphs and short lines: the document is French. Adding English
    # paragraphs at the end makes it English, which changes how the short lines are read.
    text = "Pédopornographie\n\nChild porn!\n\n" + "La police a trouvé des images chez lui.\n\n" * 2
    linted = DocumentLint("text", get_checker(), min_size=0, section_size=0)
    assert_same(linted, text, "text")
    assert {f.lang for f in linted.update(text).findings} == {"fr"}
    english = text + "The police said the raid went well and that the men were held in the city.\n\n" * 3
    assert_same(linted, english, "text")
    assert "en" in {f.lang for f in linted.update(english).findings}


@pytest.mark.parametrize("fmt", ["html", "latex", "restructuredtext"])
def test_formats_without_cuts_are_checked_whole(fmt: str) -> None:
    text = "Police rescued three child prostitutes.\n\nThe court heard of child pornography.\n" * 400
    linted = DocumentLint(fmt, get_checker())
    assert cutter(fmt, text) is None
    assert_same(linted, text, fmt)
    assert_same(linted, text.replace("rescued", "found", 1), fmt)


def test_long_documents_are_cut_into_sections_and_an_edit_rereads_few() -> None:
    paragraphs = [f"Paragraph {i} says the police rescued {i % 7} child prostitutes." for i in range(3000)]
    text = "\n\n".join(paragraphs) + "\n"
    linted = DocumentLint("markdown", get_checker())
    first = linted.update(text)
    assert len(first.sections) > 50
    changed = text.replace("Paragraph 1500 says", "Paragraph 1500 now says")
    second = linted.update(changed)
    reused = {id(s) for s in first.sections} & {id(s) for s in second.sections}
    assert len(second.sections) - len(reused) <= 3
    assert second.findings == lint_document(changed, "markdown", checker=linted.checker).findings


def test_a_code_fence_opened_above_recuts_what_follows() -> None:
    text = "\n\n".join(f"Paragraph {i} on child prostitutes." for i in range(400)) + "\n"
    linted = DocumentLint("markdown", get_checker(), min_size=0)
    linted.update(text)
    opened = text.replace("Paragraph 10 on", "```\nParagraph 10 on", 1)
    assert_same(linted, opened, "markdown")
    assert len(linted.update(opened).findings) == 10  # everything after the fence is code
    assert_same(linted, text, "markdown")


def test_a_check_past_its_deadline_keeps_the_previous_version() -> None:
    text = "\n\n".join(f"Paragraph {i} says the police found {i} child prostitutes." for i in range(2000)) + "\n"
    linted = DocumentLint("markdown", get_checker())
    with pytest.raises(CheckTimeout):
        linted.update(text, deadline=0.0)
    small = "Police rescued three child prostitutes.\n"
    assert [f.rule for f in linted.update(small).findings] == ["child-prostitute"]
    with pytest.raises(CheckTimeout):
        linted.update(text, deadline=0.0)
    assert linted.update(small).findings == lint_document(small, "markdown", checker=linted.checker).findings


def test_an_edit_at_the_start_of_a_section_can_join_it_to_the_block_above() -> None:
    # An indented fence right after a list item belongs to the item, and the item ends
    # at the next line at the margin: read alone, the section would be fenced to its end.
    text = "- a list item\n\nParagraph one on child prostitutes.\n\nParagraph two on child porn.\n"
    linted = DocumentLint("markdown", get_checker(), min_size=0, section_size=0)
    assert len(linted.update(text).sections) == 3
    start = text.index("Paragraph one")
    assert_same(linted, text[:start] + "  ```\n" + text[start:], "markdown")


def test_a_document_read_whole_is_time_boxed_too() -> None:
    text = "".join(f"<p>Paragraph {i}: the police found {i} child prostitutes.</p>\n\n" for i in range(3000))
    linted = DocumentLint("html", get_checker())
    with pytest.raises(CheckTimeout):
        linted.update(text, deadline=work_clock() + 0.01)
    assert linted.update("<p>child prostitutes</p>").findings == lint_document(
        "<p>child prostitutes</p>", "html", checker=linted.checker).findings


def test_a_line_far_below_that_closes_front_matter_rereads_the_top() -> None:
    # Front matter opened on the first line and never closed is not front matter; a
    # closing line typed at the end makes everything above it front matter, and deleting
    # it again makes the paragraphs prose.
    body = "".join(f"Paragraph {i} on child prostitutes.\n\n" for i in range(6))
    text = "---\ntitle: a report\n\n" + body
    linted = DocumentLint("markdown", get_checker(), min_size=0, section_size=0)
    assert len(linted.update(text).findings) == 6
    closed = text + "---\n"
    assert_same(linted, closed, "markdown")
    assert not linted.update(closed).findings
    assert_same(linted, text, "markdown")
