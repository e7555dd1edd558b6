"""Golden fixtures: one document per format with the concise output a reviewer approved.

tests/fixtures/<format>/<name> is checked with ``--isolated --format concise`` from its own
folder and compared with <name>.expected. After a deliberate change in behaviour,
regenerate with ``OPSC_TERMS_UPDATE_GOLDEN=1 python -m pytest tests/test_cli_golden.py``
and review the diff of the .expected files like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from opsc_terms.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
# fixtures/fixes/ holds the fix table (tests/test_fix_table.py), not documents per format.
CASES = sorted(p for p in FIXTURES.glob("*/*") if p.parent.name != "fixes"
               and p.suffix != ".expected" and p.with_name(p.name + ".expected").exists())


def test_every_format_has_a_fixture() -> None:
    assert {p.parent.name for p in CASES} >= {"text", "markdown", "html", "restructuredtext", "latex", "docx"}


@pytest.mark.parametrize("document", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_concise_output_matches(document: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(document.parent)
    result = CliRunner().invoke(cli, ["check", "--isolated", "--format", "concise", document.name])
    assert result.exit_code in (0, 1), result.output
    expected_file = document.with_name(document.name + ".expected")
    if os.environ.get("OPSC_TERMS_UPDATE_GOLDEN"):
        expected_file.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == expected_file.read_text(encoding="utf-8")



@pytest.mark.parametrize("document", [p for p in CASES if p.suffix != ".docx"],
                         ids=[f"{p.parent.name}/{p.name}" for p in CASES if p.suffix != ".docx"])
def test_offsets_point_into_the_original_file(document: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--isolated", "--format", "json", str(document)])
    source = document.read_text(encoding="utf-8")
    findings = json.loads(result.stdout)
    assert findings
    for f in findings:
        assert source[f["start"]:f["end"]] == f["text"]
        line_start = sum(len(line) for line in source.splitlines(keepends=True)[:f["line"] - 1])
        assert line_start + f["column"] - 1 == f["start"]
