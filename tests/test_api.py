"""The Python API: findings, offsets and positions, configuration, laziness, caching."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import opsc_terms
from opsc_terms import Config, get_checker


def test_finding_fields() -> None:
    text = "Intro.\nPolice rescued three child prostitutes."
    [f] = opsc_terms.check(text)
    assert (f.rule, f.severity, f.family, f.category, f.context) == (
        "child-prostitute", "error", "prostitution", "avoid", None)
    assert text[f.start:f.end] == f.text == "child prostitutes"
    assert (f.line, f.column, f.end_line, f.end_column) == (2, 22, 2, 39)
    assert f.fix is not None
    assert f.replacements[0] == f.fix.text == "children exploited in prostitution"
    assert f.fix.applicability == "safe"
    assert "CRC/C/156, para. 55" in f.sources
    assert "children exploited in prostitution" in f.message
    data = f.to_dict()
    assert list(data)[:14] == ["path", "rule", "severity", "message", "line", "column", "end_line", "end_column",
                               "start", "end", "text", "replacements", "fix", "sources"]


def test_positions_count_characters_not_bytes_or_utf16_units() -> None:
    text = "😀 ünïcode line\r\n\tthe child porn 😀 case"
    [f] = opsc_terms.check(text)
    assert text[f.start:f.end] == "child porn"
    assert (f.line, f.column) == (2, 6)
    assert (f.end_line, f.end_column) == (2, 16)


def test_span_across_lines_reports_both_ends() -> None:
    text = "We found child\npornography."
    [f] = opsc_terms.check(text)
    assert (f.line, f.column, f.end_line, f.end_column) == (1, 10, 2, 12)


def test_select_ignore_and_severity() -> None:
    text = "Child pornography and sextortion."
    assert {f.rule for f in opsc_terms.check(text, config=Config(select=("material",)))} == {"child-pornography"}
    assert {f.rule for f in opsc_terms.check(text, config=Config(ignore=("sextortion",)))} == {"child-pornography"}
    assert {f.rule for f in opsc_terms.check(text, config=Config(select=("child-*",)))} == {"child-pornography"}
    softer = opsc_terms.check(text, config=Config(severity=(("child-pornography", "warning"),)))
    assert [f.severity for f in softer] == ["warning", "warning"]


def test_allow_phrases_are_never_reported() -> None:
    config = Config(allow=("child pornography offence",))
    text = "He was charged with a child pornography offence, and child pornography was found."
    assert [f.start for f in opsc_terms.check(text, config=config)] == [text.rindex("child pornography")]


def test_profile_argument_overrides_config() -> None:
    text = "The paedo was jailed."
    assert opsc_terms.check(text, config=Config(profile="media"), profile="default") == []
    assert [f.rule for f in opsc_terms.check(text, profile="media")] == ["paedo"]


def test_unknown_profile_and_language_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="unknown profile 'tabloid'"):
        opsc_terms.check("text", profile="tabloid")
    with pytest.raises(opsc_terms.RuleLoadError, match="no rules for language 'xx'"):
        opsc_terms.check("text", lang="xx")


def test_clean_text_never_imports_spacy() -> None:
    code = textwrap.dedent("""
        import sys, opsc_terms
        assert opsc_terms.check("A report on child sexual abuse material and its victims.") == []
        print("spacy" in sys.modules)
        opsc_terms.check("A report on child prostitution.")
        print("spacy" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


def test_edit_rechecks_only_the_changed_block(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = get_checker(Config(select=("material", "prostitution")))
    paragraphs = [f"Paragraph {i} mentions child pornography once." for i in range(40)]
    checker.check("\n\n".join(paragraphs))
    engine = checker._get_engine()
    seen: list[int] = []
    original = engine.run

    def spy(text: str, blocks: list[object]) -> object:
        seen.append(len(blocks))
        return original(text, blocks)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "run", spy)
    paragraphs[7] = "Paragraph 7 now mentions child prostitutes instead."
    edited = "\n\n".join(paragraphs)
    findings = checker.check(edited)
    assert seen == [1]
    assert len(findings) == 40
    assert all(edited[f.start:f.end] == f.text for f in findings)
