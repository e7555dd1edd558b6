"""The server's parts without a client: positions, settings and the disable comment."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsp_support import to_offset, to_position
from lsprotocol import types
from pygls.workspace.position_codec import PositionCodec

from opsc_terms import Config
from opsc_terms.lint import lint_document
from opsc_terms.lsp_server.actions import EditBuilder, Target, disable_action
from opsc_terms.lsp_server.linting import document_format
from opsc_terms.lsp_server.positions import LspTextDocument, PositionMap, lsp_lines
from opsc_terms.lsp_server.settings import CheckerPool, EditorSettings, parse_settings

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
TRICKY = "a😀b\r\nÉté 🚨\rx\fy\u2028z\u0085w\n\n𝔘 end"


# ---------------------------------------------------------------- positions


def test_lines_break_only_where_lsp_breaks_them() -> None:
    assert lsp_lines(TRICKY) == ["a😀b\r\n", "Été 🚨\r", "x\fy\u2028z\u0085w\n", "\n", "𝔘 end"]
    assert lsp_lines("") == []
    assert lsp_lines("one\n") == ["one\n"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_offset_round_trips_in_every_encoding(encoding: str) -> None:
    positions = PositionMap(TRICKY, PositionCodec(encoding))
    for offset in range(len(TRICKY) + 1):
        if TRICKY[offset - 1:offset + 1] == "\r\n":
            continue  # between the two characters of one line break: not a position
        position = positions.position(offset)
        assert position == to_position(TRICKY, offset, encoding), offset
        assert positions.offset(position) == offset
        assert to_offset(TRICKY, position, encoding) == offset


def test_positions_past_the_end_of_a_line_clamp_to_it() -> None:
    positions = PositionMap("ab😀\ncd", PositionCodec("utf-16"))
    assert positions.offset(types.Position(line=0, character=99)) == 3
    assert positions.offset(types.Position(line=7, character=0)) == len("ab😀\ncd")


def test_incremental_edits_use_lsp_lines() -> None:
    # After a form feed, pygls' own line count would be one ahead of the client's.
    document = LspTextDocument("file:///x.txt", "page 1\fpage 2\nchild prostitutes\n")
    document.apply_change(types.TextDocumentContentChangePartial(
        range=types.Range(start=types.Position(line=1, character=0), end=types.Position(line=1, character=5)),
        text="children"))
    assert document.source == "page 1\fpage 2\nchildren prostitutes\n"


PIECES = ["a", "b", " ", "\n", "\r", "\r\n", "😀", "é", "\f", "\u2028", "\x85"]


@settings(max_examples=300, deadline=None)
@given(encoding=st.sampled_from(ENCODINGS), text=st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
       edits=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1), st.lists(st.sampled_from(PIECES), max_size=4)),
                      min_size=1, max_size=8))
def test_incremental_changes_match_the_specification(encoding: str, text: str,
                                                     edits: list[tuple[float, float, list[str]]]) -> None:
    """Changes applied one after another give the text the LSP specification describes.

    Line breaks that a change joins ("\r" + "\n") or splits are the delicate part; the
    expected text comes from the independent model in lsp_support.
    """
    document = LspTextDocument("file:///x.txt", text, position_codec=PositionCodec(encoding))
    expected = text
    for a, b, pieces in edits:
        start, end = sorted((round(a * len(expected)), round(b * len(expected))))
        # A position between the "\r" and the "\n" of one line break does not exist.
        if 0 < start < len(expected) and expected[start - 1:start + 1] == "\r\n":
            start -= 1
        if 0 < end < len(expected) and expected[end - 1:end + 1] == "\r\n":
            end += 1
        new_text = "".join(pieces)
        document.apply_change(types.TextDocumentContentChangePartial(
            range=types.Range(start=to_position(expected, start, encoding), end=to_position(expected, end, encoding)),
            text=new_text))
        expected = expected[:start] + new_text + expected[end:]
        assert document.source == expected
    assert list(document.lines) == lsp_lines(expected)


def test_changes_outside_the_text_clamp_to_it() -> None:
    document = LspTextDocument("file:///x.txt", "ab😀\ncd", position_codec=PositionCodec("utf-16"))

    def change(line: int, character: int, end_line: int, end_character: int, text: str) -> None:
        document.apply_change(types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=line, character=character),
                              end=types.Position(line=end_line, character=end_character)), text=text))

    change(0, 99, 0, 99, "!")        # past the end of a line: at its end, before the break
    assert document.source == "ab😀!\ncd"
    change(9, 0, 9, 0, "?")          # past the last line: at the end of the text
    assert document.source == "ab😀!\ncd?"
    change(0, 3, 0, 3, "|")          # inside the surrogate pair of the emoji: after it
    assert document.source == "ab😀|!\ncd?"
    change(1, 2, 0, 1, "")           # a reversed range is the span between its ends
    assert document.source == "a?"
    document.apply_change(types.TextDocumentContentChangeWholeDocument(text="new\r\ntext"))
    change(1, 0, 1, 4, "words")
    assert document.source == "new\r\nwords"


# ---------------------------------------------------------------- settings


def test_settings_are_read_leniently() -> None:
    settings, problems = parse_settings({"opscTerms": {
        "profile": "media", "select": "child-pornography", "ignore": [], "severity": {"child-prostitute": "info"},
        "languages": ["markdown"], "debounceMs": 100, "interpreter": ["/usr/bin/python3"]}})
    assert problems == []
    assert settings == EditorSettings(profile="media", select=("child-pornography",),
                                      severity=(("child-prostitute", "info"),), languages=("markdown",),
                                      debounce_ms=100)
    assert parse_settings(None) == (EditorSettings(), [])


def test_bad_settings_are_named_and_dropped_one_by_one() -> None:
    settings, problems = parse_settings({"select": [1], "severity": {"x": "loud"}, "languages": "markdown",
                                         "debounceMs": True, "ignore": ["child-pornography"]})
    assert settings == EditorSettings(ignore=("child-pornography",))
    assert len(problems) == 4
    assert all(p.message.startswith("opscTerms settings") for p in problems)


def test_languages_match_by_format_across_editors() -> None:
    settings = EditorSettings()
    for language_id in ("plaintext", "text", "markdown", "html", "restructuredtext", "rst", "latex", "tex"):
        assert settings.checks(language_id), language_id
    assert not settings.checks("python")
    assert not settings.checks("asciidoc")
    assert not EditorSettings(languages=("markdown",)).checks("text")
    assert EditorSettings(languages=("asciidoc",)).checks("asciidoc")


def test_editor_settings_override_the_file_key_by_key() -> None:
    file = Config(profile="media", select=("a",), ignore=("b",), severity=(("r1", "info"), ("r2", "warning")))
    assert EditorSettings().apply(file) == file
    merged = EditorSettings(ignore=("c",), severity=(("r2", "error"), ("r3", "info"))).apply(file)
    assert merged.profile == "media"
    assert merged.select == ("a",)
    assert merged.ignore == ("c",)
    assert merged.severity == (("r1", "info"), ("r2", "error"), ("r3", "info"))


def test_a_bad_profile_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / ".opsc-terms.toml").write_text('ignore = ["child-pornography"]\n', encoding="utf-8")
    resolved = CheckerPool().resolve(tmp_path / "doc.txt", EditorSettings(profile="tabloid", select=("material",)))
    assert resolved.checker is not None
    assert resolved.checker.config.ignore == ("child-pornography",)
    assert resolved.checker.config.select == ("material",)
    assert resolved.checker.config.profile == "default"
    [problem] = resolved.problems
    assert problem.message.startswith("opscTerms settings: unknown profile 'tabloid'")


def test_a_broken_file_falls_back_to_the_defaults_and_says_so(tmp_path: Path) -> None:
    config = tmp_path / "opsc-terms.toml"
    config.write_text("select = [\n", encoding="utf-8")
    resolved = CheckerPool().resolve(tmp_path / "doc.txt", EditorSettings(ignore=("child-pornography",)))
    assert resolved.checker is not None
    assert resolved.checker.config == Config(ignore=("child-pornography",))
    [problem] = resolved.problems
    assert problem.key == str(config)
    assert problem.type == types.MessageType.Error


def test_excluded_files_are_not_checked(tmp_path: Path) -> None:
    (tmp_path / "opsc-terms.toml").write_text('exclude = ["archive/"]\n', encoding="utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "old.txt").write_text("x", encoding="utf-8")
    (tmp_path / "new.txt").write_text("x", encoding="utf-8")
    pool = CheckerPool()
    assert pool.resolve(tmp_path / "archive" / "old.txt", EditorSettings()).checker is None
    assert pool.resolve(tmp_path / "new.txt", EditorSettings()).checker is not None


# ---------------------------------------------------------------- disable comments

DOCUMENTS = {
    "plaintext": "Intro.\n  Police rescued three child prostitutes and found child pornography.\n",
    "markdown": "# Raid\n\nIntro line and\nPolice rescued three child prostitutes  \nand child pornography.\n",
    "html": "<p>Intro line and\nPolice rescued three child prostitutes\nand child pornography.</p>\n",
    "latex": "\\section{Raid}\nIntro line and\nPolice rescued three child prostitutes\nand child pornography.\n",
    "restructuredtext": "Raid\n====\n\nPolice rescued three child prostitutes\nand child pornography.\n",
}


def apply(text: str, action: types.CodeAction, positions: PositionMap) -> str:
    assert action.edit is not None
    assert action.edit.changes is not None
    [edit] = next(iter(action.edit.changes.values()))
    start, end = positions.offset(edit.range.start), positions.offset(edit.range.end)
    return text[:start] + edit.new_text + text[end:]


def disable(text: str, language: str, rule: str) -> str | None:
    fmt = document_format(language)
    [finding] = [f for f in lint_document(text, fmt).findings if f.rule == rule]
    positions = PositionMap(text, PositionCodec("utf-16"))
    target = Target(finding.rule, finding.start, finding.end, finding.text, finding.replacements, finding.fix, None)
    action = disable_action(target, fmt, EditBuilder("file:///doc", 1, text, positions, document_changes=False))
    return None if action is None else apply(text, action, positions)


@pytest.mark.parametrize("language", list(DOCUMENTS))
def test_the_disable_comment_silences_that_finding_only(language: str) -> None:
    text = DOCUMENTS[language]
    fmt = document_format(language)
    disabled = disable(text, language, "child-prostitute")
    assert disabled is not None
    before = [(f.rule, f.text) for f in lint_document(text, fmt).findings]
    after = [(f.rule, f.text) for f in lint_document(disabled, fmt).findings]
    assert after == [r for r in before if r[0] != "child-prostitute"]
    if language in ("markdown", "html", "latex"):
        # At the end of the line: no new line that could end a paragraph.
        assert disabled.count("\n") == text.count("\n")
    if language == "markdown":
        assert "prostitutes <!-- opsc-terms: disable-line child-prostitute -->  \n" in disabled
    if language == "plaintext":
        assert "\n  opsc-terms: disable-next-line child-prostitute\n  Police" in disabled


def test_restructuredtext_comments_only_go_above_a_paragraph() -> None:
    text = DOCUMENTS["restructuredtext"]
    assert disable(text, "restructuredtext", "child-prostitute") == text.replace(
        "Police", ".. opsc-terms: disable-next-line child-prostitute\n\nPolice")
    # Inside a paragraph a comment line would be read as text: no action.
    assert disable(text, "restructuredtext", "child-pornography") is None


@pytest.mark.parametrize(("text", "severity"), [
    ("Police found child pornography.", types.DiagnosticSeverity.Error),
    ("The term “child pornography” is outdated.", types.DiagnosticSeverity.Hint),
    ("He pleaded guilty to possessing child pornography.", types.DiagnosticSeverity.Warning),
])
def test_only_occurrences_that_need_no_change_are_hints(text: str, severity: types.DiagnosticSeverity) -> None:
    from opsc_terms.lsp_server.linting import severity_of

    [finding] = lint_document(text).findings
    assert severity_of(finding) == severity


def test_the_language_setting_reaches_the_configuration() -> None:
    settings, problems = parse_settings({"language": "auto", "profile": "media"})
    assert problems == []
    assert settings.apply(Config(language="en")).language == "auto"
    _, problems = parse_settings({"language": "../../etc"})
    assert problems
    assert "language" in problems[0].message
