"""explain and rules: one text per rule everywhere, and docs/rules.md kept current."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsc_terms import load_builtin
from opsc_terms.cli import cli
from opsc_terms.explain import rule_markdown, rules_markdown
from opsc_terms.ruleset import available_languages

DOCS = Path(__file__).parents[1] / "docs" / "rules.md"


@pytest.mark.parametrize("language", available_languages())
def test_docs_rules_md_is_current(language: str) -> None:
    """docs/rules.md for English, docs/rules.LANG.md for each other language."""
    result = CliRunner().invoke(cli, ["rules", "--format", "markdown", "--isolated", "--lang", language])
    assert result.exit_code == 0
    assert result.stdout == rules_markdown(load_builtin(language))
    name = "rules.md" if language == "en" else f"rules.{language}.md"
    assert (DOCS.parent / name).read_text(encoding="utf-8") == result.stdout, (
        f"docs/{name} is out of date: run `opsc-terms rules --format markdown --isolated --lang {language} "
        f"> docs/{name}`")


def test_explain_prints_the_hover_text() -> None:
    pack = load_builtin("en")
    result = CliRunner().invoke(cli, ["explain", "--isolated", "child-prostitute"])
    assert result.exit_code == 0
    assert result.stdout == rule_markdown(pack, pack.rule("child-prostitute"))
    assert "CRC/C/156" in result.stdout


def test_explain_a_family_and_several_rules() -> None:
    pack = load_builtin("en")
    family = CliRunner().invoke(cli, ["explain", "--isolated", "tourism"]).stdout
    assert [line[3:] for line in family.splitlines() if line.startswith("## ")] == sorted(
        r.id for r in pack.rules if r.family == "tourism")
    both = CliRunner().invoke(cli, ["explain", "--isolated", "paedophile", "loverboy"]).stdout
    assert [line for line in both.splitlines() if line.startswith("## ")] == ["## paedophile", "## loverboy"]


def test_explain_unknown_rule() -> None:
    result = CliRunner().invoke(cli, ["explain", "--isolated", "child-prostitutes"])
    assert result.exit_code == 2
    assert result.stderr == "opsc-terms: unknown rule 'child-prostitutes'; did you mean 'child-prostitute'?\n"


def test_rules_table_and_json() -> None:
    pack = load_builtin("en")
    table = CliRunner().invoke(cli, ["rules", "--isolated"]).stdout.splitlines()
    assert len(table) == len(pack.rules)
    assert all(line.split()[0] in {r.id for r in pack.rules} for line in table)
    data = json.loads(CliRunner().invoke(cli, ["rules", "--isolated", "--format", "json"]).stdout)
    assert {r["id"] for r in data} == {r.id for r in pack.rules}
    assert next(r for r in data if r["id"] == "child-prostitute")["fix"] == "child exploited in prostitution"


def test_explain_as_text_has_no_markdown_syntax() -> None:
    pack = load_builtin("en")
    result = CliRunner().invoke(cli, ["explain", "--isolated", "--format", "text", "child-prostitute",
                                      "sex-with-child"])
    assert result.exit_code == 0
    out = result.stdout
    assert not [line for line in out.splitlines() if line.startswith(("#", "- "))]
    for syntax in ("**", "](", "`", "### "):
        assert syntax not in out, syntax
    assert "child-prostitute\n\navoid · default severity error · family Sexual exploitation" in out
    # The same text as the hover, paragraph by paragraph.
    assert " ".join(pack.rule("child-prostitute").rationale.split()) in " ".join(out.split())
    assert "  • CRC/C/156, para. 55 <https://undocs.org/CRC/C/156> — Committee on the Rights" in out
    assert max(len(line) for line in out.splitlines() if "<http" not in line) <= 80


def test_explain_on_a_terminal_is_text(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    master, slave = os.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")} | {"NO_COLOR": "1"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("opsc-terms")), "explain", "--isolated", "loverboy"],
                            cwd=tmp_path, stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    written = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        written += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0
    shown = written.decode().replace("\r\n", "\n")
    assert shown.startswith("loverboy\n\n")
    assert "## " not in shown
    assert "**" not in shown


def test_explain_names_each_document_once_and_shows_the_patterns() -> None:
    pack = load_builtin("en")
    for rule in pack.rules:
        text = rule_markdown(pack, rule)
        for doc in pack.language.documents:
            # A title is shown once at most, and never after a citation that already names it.
            assert text.count(doc.title) <= 1 + sum(source.count(doc.title) for source in rule.sources), (
                rule.id, doc.key)
        assert "phrasings described by patterns" not in text
    sex = rule_markdown(pack, pack.rule("sex-with-child"))
    assert "- [have/has/had/having sex with] … ‹child›\n" in sex
    assert "‹child› is one of child, minor, schoolgirl" in sex
    assert "‹age› is a number from 1 to 17" in sex
    minor = rule_markdown(pack, pack.rule("minor"))
    assert "- a/the/any/every/each/this/that/another/unaccompanied [minor] ‹punctuation›\n" in minor
    assert "(the reported words in brackets)" in minor
    ecpat = rule_markdown(pack, pack.rule("child-prostitute"))
    assert ecpat.count("Creating a Common Language to Address Child Sexual Exploitation") == 1
    assert ecpat.count("Committee on the Rights of the Child, Guidelines regarding") == 1


def test_rules_follow_the_configuration(tmp: Path) -> None:
    (tmp / "opsc-terms.toml").write_text(
        'ignore = ["predator"]\n\n[severity]\npaedophile = "error"\nminor = "warning"\n', encoding="utf-8")
    table = {line.split()[0]: line.split()[2] for line in CliRunner().invoke(cli, ["rules"]).stdout.splitlines()}
    assert table["predator"] == "off"            # ignored
    assert table["paedophile"] == "error"        # raised from warning
    assert table["minor"] == "warning"           # raised from info
    assert table["paedo"] == "off"               # a media rule, and the profile is default
    assert table["child-prostitute"] == "error"
    media = {line.split()[0]: line.split()[2]
             for line in CliRunner().invoke(cli, ["rules", "--profile", "media"]).stdout.splitlines()}
    assert media["paedo"] == "error"
    assert media["predator"] == "off"
    data = {r["id"]: r for r in json.loads(CliRunner().invoke(cli, ["rules", "--format", "json"]).stdout)}
    assert (data["predator"]["enabled"], data["paedophile"]["severity"]) == (False, "error")
    assert data["paedophile"]["default_severity"] == "warning"
    isolated = {line.split()[0]: line.split()[2]
                for line in CliRunner().invoke(cli, ["rules", "--isolated"]).stdout.splitlines()}
    assert (isolated["predator"], isolated["paedophile"]) == ("info", "warning")
