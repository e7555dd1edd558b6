"""Checks shared by the tests of the rule packs and of their judgement tables."""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsc_terms import Config, get_checker
from opsc_terms.cli import cli
from opsc_terms.ruleset import RulePack


def stop_words(language: str) -> frozenset[str]:
    """The ``[detection]`` stop words of a shipped language, read from its data file."""
    raw = (resources.files("opsc_terms.rules") / language / "_language.toml").read_text(encoding="utf-8")
    return frozenset(tomllib.loads(raw)["detection"]["stop_words"])


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+'?", text.lower().replace("’", "'"))


def written_in(text: str, language: str, other: str = "en") -> bool:
    """More of the text's words are function words of ``language`` than of ``other``."""
    own, foreign = stop_words(language), stop_words(other)
    found = words(text)
    return sum(w in own for w in found) > sum(w in foreign for w in found)


def render(source: str, findings: list[dict[str, object]]) -> str:
    """``source`` with each finding printed under the line it starts on (see test_context_table)."""
    by_line: dict[int, list[dict[str, object]]] = defaultdict(list)
    for f in findings:
        by_line[int(str(f["line"]))].append(f)
    out: list[str] = []
    for number, line in enumerate(source.splitlines(), start=1):
        out.append(line)
        for f in sorted(by_line.get(number, []), key=lambda f: int(str(f["column"]))):
            text = " ".join(str(f["text"]).split())
            out.append(f"  {f['severity']:<8} {f['context'] or 'use':<11} [{f['rule']}] {text}")
    return "\n".join(out) + "\n"


def run_table(table: Path, language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The judgement table of ``table``, checked by the real command line in ``language``."""
    config = tmp_path / "opsc-terms.toml"
    config.write_text(f'language = "{language}"\n', encoding="utf-8")
    monkeypatch.chdir(table.parent)
    result = CliRunner().invoke(cli, ["check", "--config", str(config), "--format", "json", "--exit-zero",
                                      table.name])
    assert result.exit_code == 0, result.output
    return render(table.read_text(encoding="utf-8"), json.loads(result.stdout))


def table_counts(rendered: str) -> tuple[int, int]:
    """(exempted findings, reported uses) in a rendered judgement table."""
    findings = [line.split() for line in rendered.splitlines() if line.startswith("  ")]
    exempt = [f for f in findings if f[1] != "use"]
    uses = [f for f in findings if f[1] == "use" and f[0] in ("error", "warning")]
    return len(exempt), len(uses)


def replacements_flagged(pack: RulePack) -> list[tuple[str, str, list[str]]]:
    """Replacements that the pack itself reports at warning or error, in either profile."""
    flagged = []
    for profile in ("default", "media"):
        checker = get_checker(Config(language=pack.language.language, profile=profile))
        for rule in pack.rules:
            for rep in rule.replacements:
                for text in filter(None, (rep.text, rep.plural)):
                    hits = [f.rule for f in checker.check(text) if f.severity != "info"]
                    if hits:
                        flagged.append((rule.id, text, hits))
    return flagged


def unreachable_examples(pack: RulePack) -> list[tuple[str, str]]:
    """Bad examples that the keyword scan would skip, so that no rule ever sees them."""
    missed = []
    for profile in ("default", "media"):
        checker = get_checker(Config(language=pack.language.language, profile=profile))
        missed += [(rule.id, bad) for rule in checker.rules for bad in rule.examples.bad
                   if not checker.needs_engine(bad)]
    return missed


def uncited_sources(pack: RulePack) -> list[tuple[str, str]]:
    """Sources that do not start with the key of a document listed in ``[[documents]]``."""
    return [(rule.id, source) for rule in pack.rules for source in rule.sources
            if pack.document_for(source) is None]


def imprecise_citations(pack: RulePack) -> list[tuple[str, str]]:
    """UN documents are cited by paragraph or section; second-hand page numbers say where they come from."""
    bad = []
    for rule in pack.rules:
        for source in rule.sources:
            for symbol in ("CRC/C/156", "A/HRC/28/56", "A/HRC/49/51"):
                if source.startswith(symbol) and not re.match(
                        rf"{re.escape(symbol)}(?: \([^)]*\))?, (?:paras?\.|fns?\.|intitulé|título) ", source):
                    bad.append((rule.id, source))
            if re.search(r"\bpp?\. \d", source) and "as cited" not in source and "cité" not in source:
                bad.append((rule.id, source))
    return bad


def examples_text(pack: RulePack) -> list[str]:
    """Every example a rule shows after a fix: the ``fixed`` and ``suggested`` lists."""
    return [text for rule in pack.rules for text in (*rule.examples.fixed, *rule.examples.suggested)]
