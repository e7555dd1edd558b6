"""Word documents: which text is read, paragraph numbering, review comments, damaged files."""

from __future__ import annotations

import io
import zipfile

import pytest
from wordfiles import make_docx

from opsc_terms import Finding
from opsc_terms.documents.docx import Comment, WordError, annotate
from opsc_terms.documents.docx import read as read_docx
from opsc_terms.formats import comment_text
from opsc_terms.lint import lint_document


def check_docx(data: bytes) -> list[Finding]:
    return list(lint_document(data, "docx").findings)


def annotate_docx(data: bytes, findings: list[Finding], out: io.BytesIO) -> object:
    comments = [Comment(f.line, f.column - 1, f.end_column - 1, comment_text(f)) for f in findings]
    return annotate(data, comments, out)


def test_paragraphs_are_lines_in_a_documented_order() -> None:
    document = read_docx(make_docx(body=["First.", "Second."], table=[["cell a", "cell b"]], header="Top",
                                   footer="Bottom", footnotes=["A note."]))
    assert document.text.split("\n") == ["First.", "Second.", "cell a", "cell b", "Top", "Bottom", "A note."]
    assert document.kinds == ("body", "body", "table", "table", "header", "footer", "footnote")


def test_tracked_insertions_are_read_and_deletions_are_not() -> None:
    document = read_docx(make_docx(tracked=("Offences involving ", "child pornography", "abuse material")))
    assert document.text == "Offences involving abuse material"


def test_phrases_never_join_across_paragraphs() -> None:
    assert check_docx(make_docx(body=["Police found a child", "prostitute in the flat."])) == []


def test_findings_in_every_part_with_paragraph_positions() -> None:
    found = check_docx(make_docx(body=["Clean.", "A child prostitute was found."], table=[["child porn"]],
                                 header="On child prostitution", footnotes=["Earlier child sex tourism law."]))
    assert [(f.line, f.column, f.text) for f in found] == [
        (2, 3, "child prostitute"), (3, 1, "child porn"), (4, 4, "child prostitution"), (5, 9, "child sex tourism")]


def test_directive_paragraph_suppresses_the_next_one() -> None:
    found = check_docx(make_docx(body=["opsc-terms: disable-next-line child-porn", "Quoted: child porn.",
                                       "Our text: child porn."]))
    assert [f.line for f in found] == [3]


def test_annotate_adds_comments_on_exactly_the_reported_words() -> None:
    import docx

    data = make_docx(body=["Police rescued three child prostitutes yesterday."], table=[["A child porn case"]],
                     header="child porn in a header")
    found = check_docx(data)
    out = io.BytesIO()
    result = annotate_docx(data, found, out)
    assert (result.added, result.skipped) == (2, 1)
    annotated = docx.Document(io.BytesIO(out.getvalue()))
    comments = list(annotated.comments)
    assert [c.text for c in comments] == [comment_text(f) for f in found[:2]]
    assert "Suggested:" in comments[0].text
    assert "CRC/C/156" in comments[0].text
    # The comment range wraps the reported words and nothing else; the text is unchanged.
    body = annotated.element.body
    xml = body.xml
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for comment_id, expected in ((0, "child prostitutes"), (1, "child porn")):
        start = next(e for e in body.iter(f"{ns}commentRangeStart") if e.get(f"{ns}id") == str(comment_id))
        texts, node, inside = [], start, True
        while inside:
            node = node.getnext() if node.getnext() is not None else None
            assert node is not None, xml
            if node.tag == f"{ns}commentRangeEnd":
                inside = False
            else:
                texts.extend(t.text or "" for t in node.iter(f"{ns}t"))
        assert "".join(texts) == expected
    assert read_docx(out.getvalue()).text == read_docx(data).text


def test_annotating_inside_a_formatted_run() -> None:
    import docx

    document = docx.Document()
    paragraph = document.add_paragraph("They found ")
    paragraph.add_run("child prostitutes and more").bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    found = check_docx(data)
    out = io.BytesIO()
    assert annotate_docx(data, found, out).added == 1
    runs = docx.Document(io.BytesIO(out.getvalue())).paragraphs[0].runs
    assert [r.text for r in runs if r.text] == ["They found ", "child prostitutes", " and more"]
    assert all(r.bold for r in runs if r.text and r.text != "They found ")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "encrypted or old-format"),
    (b"PK\x03\x04 this is not really a zip", "ZIP"),
    (b"plain text pretending", "ZIP"),
])
def test_unreadable_documents_raise_one_line_errors(data: bytes, message: str) -> None:
    with pytest.raises(WordError, match=message) as info:
        read_docx(data)
    assert "\n" not in str(info.value)


def test_a_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(WordError, match="not a Word document"):
        read_docx(buffer.getvalue())


def test_a_truncated_word_document() -> None:
    data = make_docx(body=["Some text."])
    with pytest.raises(WordError):
        read_docx(data[: len(data) // 2])
