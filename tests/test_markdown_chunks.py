"""Long Markdown documents are parsed in cached chunks; the result must equal one whole parse."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsc_terms.documents.markdown import _markdown_chunk, _markdown_chunks
from opsc_terms.documents.markdown import read as markdown

BLOCKS = [
    "A paragraph about child prostitutes and the `child porn` code span.",
    "# A heading on child pornography", "Setext heading\n==============", "---", "***", "+++",
    "```\nchild prostitutes in a fence\n\nstill fenced\n```", "~~~~python\n\nchild porn\n~~~~",
    "    indented code with child porn", "<!-- opsc-terms: disable child-prostitute -->",
    "<!-- a comment\n\nover a blank line with child porn -->", "<pre>\nchild porn\n\nin pre\n</pre>",
    "<div>\nchild prostitutes in html\n</div>", "1. first item on sextortion\n\n   continued item text",
    "- item\n\n      deeper code in a list", "> quoted child pornography\n>\n> more",
    "[a link][ref] about child prostitution", "[ref]: https://example.org/child-porn",
    "| a | b |\n| - | - |\n| child porn | x |", "Text with a hard  \nbreak and *child* **prostitutes**.",
    # The raw HTML blocks that CommonMark lets run over blank lines, besides comments and <pre>.
    "<?php\n\nchild porn in an instruction\n\n?>", "<!DOCTYPE note\n\nchild porn in a declaration\n>",
    "<![CDATA[\n\nchild porn in character data\n\n]]>", "<script>\n\nchild porn in a script\n</script>",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(st.sampled_from(BLOCKS), min_size=900, max_size=1400), st.booleans())
def test_chunked_parse_equals_whole_parse(blocks: list[str], front_matter: bool) -> None:
    text = ("---\ntitle: child porn\n\nkey: value\n---\n\n" if front_matter else "") + "\n\n".join(blocks) + "\n"
    assert len(_markdown_chunks(text)[0]) > 1
    whole = _markdown_chunk.__wrapped__(text)
    chunked = markdown(text)
    assert chunked.regions == whole.regions
    assert chunked.masks == whole.masks
    assert chunked.directives == whole.directives


def test_an_edit_reparses_one_chunk() -> None:
    text = "\n\n".join(f"Paragraph {i} about child prostitutes and their rescue." for i in range(3000))
    markdown(text)
    before = _markdown_chunk.cache_info()
    markdown(text.replace("Paragraph 1500 ", "Paragraph 1500 changed "))
    after = _markdown_chunk.cache_info()
    assert after.misses - before.misses == 1
