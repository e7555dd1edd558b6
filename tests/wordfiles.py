"""Build small Word documents for tests: body, table, header, footer, footnotes, tracked changes.

python-docx writes the body, tables, headers and footers; footnotes and tracked changes are
added to the package by hand, as Word would store them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(*, body: Sequence[str] = (), table: Sequence[Sequence[str]] = (), header: str = "",
              footer: str = "", footnotes: Sequence[str] = (), tracked: tuple[str, str, str] | None = None,
              italic: Sequence[tuple[str, str, str]] = ()) -> bytes:
    """A .docx file's bytes.

    ``italic`` are paragraphs of three runs (before, in italics, after).

    ``tracked`` is (before, deleted, inserted): a paragraph with a tracked deletion and a
    tracked insertion after the text ``before``.
    """
    import docx

    document = docx.Document()
    for text in body:
        document.add_paragraph(text)
    for before, slanted, after in italic:
        paragraph = document.add_paragraph(before)
        paragraph.add_run(slanted).italic = True
        paragraph.add_run(after)
    if table:
        t = document.add_table(rows=len(table), cols=max(len(row) for row in table))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                t.cell(r, c).text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    if tracked is not None:
        before, deleted, inserted = tracked
        paragraph = document.add_paragraph(before)
        xml = (f'<w:del xmlns:w="{W_NS}" w:id="90" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
               f'<w:delText xml:space="preserve">{deleted}</w:delText></w:r></w:del>')
        ins = (f'<w:ins xmlns:w="{W_NS}" w:id="91" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
               f'<w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>')
        from docx.oxml import parse_xml

        paragraph._p.append(parse_xml(xml))
        paragraph._p.append(parse_xml(ins))
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return _add_footnotes(data, footnotes) if footnotes else data


def _add_footnotes(data: bytes, notes: Sequence[str]) -> bytes:
    separators = ('<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                  '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                  '</w:r></w:p></w:footnote>')
    items = "".join(f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
                    f'</w:footnote>' for i, text in enumerate(notes, start=1))
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<w:footnotes xmlns:w="{W_NS}">{separators}{items}</w:footnotes>')
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", (
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>'))
            elif item.filename == "word/_rels/document.xml.rels":
                content = re.sub(rb"</Relationships>", (
                    b'<Relationship Id="rIdNotes1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/></Relationships>'), content)
            target.writestr(item, content)
        target.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


def bill() -> bytes:
    """The document behind tests/fixtures/docx/bill.docx."""
    return make_docx(
        body=["A Bill to protect children from sexual exploitation",
              "Section 1. Any person who procures a child prostitute commits an offence.",
              "Section 2. In this Act, “child pornography” means any depiction of a child engaged in sexual "
              "conduct.",
              "opsc-terms: disable-next-line child-sex-tourism",
              "Section 3. The heading of Part 4 (child sex tourism) stays until the next revision."],
        table=[["Former wording", "Wording in this Bill"], ["child porn", "child sexual abuse material"]],
        header="Draft Bill on child prostitution",
        footer="Page 1",
        footnotes=["Compare the earlier provisions on child sex tourism."],
        tracked=("Section 4. Offences involving ", "child pornography", "child sexual abuse material"),
    )


if __name__ == "__main__":  # python tests/wordfiles.py: regenerate the Word fixture
    from pathlib import Path

    (Path(__file__).parent / "fixtures" / "docx" / "bill.docx").write_bytes(bill())
