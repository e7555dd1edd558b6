"""Adopting the checker on an existing corpus: baselines, suppression comments, Word review copies."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_support import run
from wordfiles import make_docx

OLD = ("Archive, 2009.\n\nThe unit rescued three child prostitutes from a hotel.\n\n"
       "A tabloid wrote about child pornography rings.\n")


# --------------------------------------------------------------------------- baselines


def test_baseline_reports_only_new_findings(tmp: Path) -> None:
    doc = tmp / "corpus" / "old.txt"
    doc.parent.mkdir()
    doc.write_text(OLD, encoding="utf-8")
    recorded = run("check", "--write-baseline", "baseline.json", "corpus")
    assert recorded.exit_code == 0
    assert recorded.stderr == "Recorded 2 findings in baseline.json.\n"
    entries = json.loads((tmp / "baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["path"], e["rule"], e["text"]) for e in entries] == [
        ("corpus/old.txt", "child-pornography", "child pornography"),
        ("corpus/old.txt", "child-prostitute", "child prostitutes")]

    clean = run("check", "--baseline", "baseline.json", "corpus")
    assert clean.exit_code == 0
    assert "2 findings already in the baseline not shown." in clean.stdout

    # Unrelated edits (lines added above, text re-wrapped) leave the old findings recognised;
    # a new sentence with the same term is reported, and so is a second copy of an old one.
    edited = ("New preface.\n\nMore lines.\n\n" + OLD.replace("from a hotel", "from\na hotel")
              + "\nToday police found more child prostitutes.\n"
              + "\nA tabloid wrote about child pornography rings.\n")
    doc.write_text(edited, encoding="utf-8")
    result = run("check", "--format", "concise", "--baseline", "baseline.json", "corpus")
    assert result.exit_code == 1
    assert [line.split(": ")[0] for line in result.stdout.splitlines()] == ["corpus/old.txt:12:25",
                                                                           "corpus/old.txt:14:23"]


def test_baseline_paths_are_relative_to_the_baseline_file(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp / "docs").mkdir()
    (tmp / "docs" / "a.txt").write_text(OLD, encoding="utf-8")
    run("check", "--write-baseline", "docs/.baseline.json", "docs")
    monkeypatch.chdir(tmp / "docs")
    assert run("check", "--baseline", ".baseline.json", "a.txt").exit_code == 0


@pytest.mark.parametrize(("content", "message"), [
    (None, "baseline.json: baseline file not found (create it with --write-baseline)"),
    ("{not json", "baseline.json: not an opsc-terms baseline"),
    ('{"version": 99, "findings": []}', "baseline.json: not an opsc-terms baseline (unsupported version 99)"),
])
def test_unusable_baseline(tmp: Path, content: str | None, message: str) -> None:
    (tmp / "a.txt").write_text(OLD, encoding="utf-8")
    if content is not None:
        (tmp / "baseline.json").write_text(content, encoding="utf-8")
    result = run("check", "--baseline", "baseline.json", "a.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("opsc-terms: " + message)


def test_no_baseline_is_written_when_a_path_cannot_be_read(tmp: Path) -> None:
    (tmp / "a.txt").write_text(OLD, encoding="utf-8")
    result = run("check", "--write-baseline", "baseline.json", "a.txt", "missing.txt")
    assert result.exit_code == 2
    assert not (tmp / "baseline.json").exists()


# --------------------------------------------------------------------------- suppression comments


@pytest.mark.parametrize(("name", "text"), [
    ("a.txt", "opsc-terms: disable-next-line child-prostitute\nQuoted: child prostitutes.\nOurs: child prostitutes.\n"),
    ("a.md", "<!-- opsc-terms: disable-next-line child-prostitute -->\nQuoted: child prostitutes.\n\n"
             "Ours: child prostitutes.\n"),
    ("a.html", "<!-- opsc-terms: disable prostitution -->\n<p>Quoted: child prostitutes.</p>\n"
               "<!-- opsc-terms: enable prostitution -->\n<p>Ours: child prostitutes.</p>\n"),
    ("a.rst", ".. opsc-terms: disable-next-line child-prostitute\n\nQuoted: child prostitutes.\n\n"
              "Ours: child prostitutes.\n"),
    ("a.tex", "% opsc-terms: disable-next-line\nQuoted: child prostitutes.\n\nOurs: child prostitutes.\n"),
])
def test_suppression_comments_in_every_format(tmp: Path, name: str, text: str) -> None:
    (tmp / name).write_text(text, encoding="utf-8")
    result = run("check", "--format", "concise", name)
    assert len(result.stdout.splitlines()) == 1
    assert "Ours" in text.splitlines()[int(result.stdout.split(":")[1]) - 1]


# --------------------------------------------------------------------------- Word review copies


def test_annotate_writes_a_reviewed_copy(tmp: Path) -> None:
    import docx

    (tmp / "bill.docx").write_bytes(make_docx(body=["Section 1. A child prostitute is a victim.",
                                                    "Section 2. Offences involving child porn."],
                                              footer="Draft on child prostitution"))
    original = (tmp / "bill.docx").read_bytes()
    result = run("check", "bill.docx", "--annotate", "reviewed.docx")
    assert result.exit_code == 1
    assert "Wrote reviewed.docx with 2 comments; 1 in headers, footers or notes could not carry a comment." in (
        result.stderr)
    assert (tmp / "bill.docx").read_bytes() == original
    comments = list(docx.Document(io.BytesIO((tmp / "reviewed.docx").read_bytes())).comments)
    assert [c.text.split("]")[0] for c in comments] == ["[child-prostitute", "[child-porn"]
    assert all(c.author == "opsc-terms" for c in comments)


def test_annotate_needs_one_word_document_and_a_new_file(tmp: Path) -> None:
    (tmp / "bill.docx").write_bytes(make_docx(body=["A child prostitute."]))
    (tmp / "a.txt").write_text("text", encoding="utf-8")
    for args in (["a.txt"], ["bill.docx", "a.txt"]):
        result = run("check", *args, "--annotate", "out.docx")
        assert result.exit_code == 2
        assert result.stderr == "opsc-terms: --annotate needs exactly one Word document (.docx) to check\n"
    result = run("check", "bill.docx", "--annotate", "bill.docx")
    assert result.exit_code == 2
    assert "name a new file" in result.stderr
    assert not (tmp / "out.docx").exists()


def test_annotate_writes_nothing_for_a_damaged_document(tmp: Path) -> None:
    (tmp / "bill.docx").write_bytes(b"PK\x03\x04 broken")
    result = run("check", "bill.docx", "--annotate", "reviewed.docx")
    assert result.exit_code == 2
    assert not (tmp / "reviewed.docx").exists()


def test_fix_leaves_word_documents_alone(tmp: Path) -> None:
    (tmp / "bill.docx").write_bytes(make_docx(body=["A child prostitute."]))
    original = (tmp / "bill.docx").read_bytes()
    result = run("check", "--fix", "bill.docx")
    assert (tmp / "bill.docx").read_bytes() == original
    assert "use --annotate" in result.stderr


def test_text_output_for_word_shows_paragraph_numbers(tmp: Path) -> None:
    (tmp / "bill.docx").write_bytes(make_docx(body=["Title", "Section 1. A child prostitute is a victim."]))
    out = run("check", "bill.docx").stdout.splitlines()
    # a numbered section is statutory wording: at most a warning
    assert out[0].startswith("bill.docx:2:14: warning [child-prostitute]")
    assert "¶2 | Section 1. A child prostitute is a victim." in out


def test_fix_leaves_baselined_findings_as_they_are(tmp: Path) -> None:
    doc = tmp / "old.txt"
    doc.write_text(OLD, encoding="utf-8")
    assert run("check", "--write-baseline", "baseline.json", "old.txt").exit_code == 0
    doc.write_text(OLD + "\nToday police found more child prostitutes.\n", encoding="utf-8")
    fixed = run("check", "--baseline", "baseline.json", "--fix", "old.txt")
    assert fixed.exit_code == 0, fixed.output
    text = doc.read_text(encoding="utf-8")
    # The recorded finding keeps its words; only the new one is fixed.
    assert "rescued three child prostitutes from a hotel" in text
    assert "Today police found more children exploited in prostitution." in text


def test_word_documents_offer_advice_not_fixes(tmp: Path) -> None:
    (tmp / "bill.docx").write_bytes(make_docx(body=["Police rescued three child prostitutes."]))
    text = run("check", "bill.docx")
    assert "→ children exploited in prostitution (advice)" in text.stdout
    assert "fixable" not in text.stdout
    assert "--fix" not in text.stdout
    sarif = json.loads(run("check", "--format", "sarif", "bill.docx").stdout)
    [result] = sarif["runs"][0]["results"]
    assert "fixes" not in result
    assert result["properties"]["fix"]["applicability"] == "display-only"
