"""explain and rules: one text per rule everywhere, and docs/rules.md kept current."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from opsc_terms import load_builtin
from opsc_terms.cli import cli
from opsc_terms.explain import rule_markdown, rules_markdown

DOCS = Path(__file__).parents[1] / "docs" / "rules.md"


def test_docs_rules_md_is_current() -> None:
    result = CliRunner().invoke(cli, ["rules", "--format", "markdown", "--isolated"])
    assert result.exit_code == 0
    assert result.stdout == rules_markdown(load_builtin("en"))
    assert DOCS.read_text(encoding="utf-8") == result.stdout, (
        "docs/rules.md is out of date: run `opsc-terms rules --format markdown --isolated > docs/rules.md`")


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
