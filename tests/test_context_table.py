"""The judgement table: sentences written for this suite, with the decision a reviewer approved.

Each tests/fixtures/context/<category>.txt holds sentences separated by blank lines (lines
starting with "#" are headings and hold no terms). The real command line checks the file
and the findings are printed under the line they start on, so the .expected file reads
as a table of sentence -> decision:

    They are victims, not child prostitutes.
      info     denial      [child-prostitute] child prostitutes

"use" marks a plain use at the rule's severity. After a deliberate change in behaviour,
regenerate with ``OPSC_TERMS_UPDATE_GOLDEN=1 python -m pytest tests/test_context_table.py``
and review the diff of the .expected files like code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from pack_support import render, table_counts

from opsc_terms.cli import cli

TABLES = sorted((Path(__file__).parent / "fixtures" / "context").glob("*.txt"))


def test_every_category_has_a_table() -> None:
    assert {p.stem for p in TABLES} >= {"quotations", "guidance", "denials", "mentions", "titles", "legal",
                                        "coverage"}


@pytest.mark.parametrize("table", TABLES, ids=[p.stem for p in TABLES])
def test_judgement_table(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(table.parent)
    result = CliRunner().invoke(cli, ["check", "--isolated", "--format", "json", "--exit-zero", table.name])
    assert result.exit_code == 0, result.output
    rendered = render(table.read_text(encoding="utf-8"), json.loads(result.stdout))
    expected = table.with_suffix(".expected")
    if os.environ.get("OPSC_TERMS_UPDATE_GOLDEN"):
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES, ids=[p.stem for p in TABLES])
def test_each_table_has_exemptions_and_uses(table: Path) -> None:
    """Every category shows at least five exempted sentences and five uses that must stay
    reported next to them, so a new exemption cannot quietly swallow real uses."""
    exempt, uses = table_counts(table.with_suffix(".expected").read_text(encoding="utf-8"))
    if table.stem == "coverage":  # the new findings are the uses; silent sentences sit beside them
        assert uses >= 10, table.name
        return
    assert exempt >= 5, table.name
    assert uses >= 5, table.name
