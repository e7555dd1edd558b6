"""The reviewed table of fixes: what each finding is, how far a tool may go, and what the text becomes.

tests/fixtures/fixes/<name> holds sentences written for this suite, one paragraph each,
grouped by what makes fixing them hard (quotations, guidance, compounds, possessives,
verbs with objects, agreement, capitals, markup in every format). <name>.expected lists
every finding with its applicability and suggestion, then the document after ``--fix``
and after ``--fix --unsafe-fixes``, each as a unified diff of the original, so a reviewer
reads exactly which bytes change.

After a deliberate change, regenerate with
``OPSC_TERMS_UPDATE_GOLDEN=1 python -m pytest tests/test_fix_table.py`` and review the
diff of the .expected files like code.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

import opsc_terms
from opsc_terms import Config, get_checker
from opsc_terms.documents import format_for
from opsc_terms.lint import lint_document

FIXTURES = Path(__file__).parent / "fixtures" / "fixes"
CASES = sorted(p for p in FIXTURES.iterdir() if p.suffix != ".expected")


def render_table(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    fmt = format_for(path.name) or "text"
    # The media profile: every rule, framing rules included.
    linted = lint_document(text, fmt, checker=get_checker(Config(profile="media")))
    out = ["# findings"]
    for f in linted.findings:
        level = f"{f.fix.applicability}" + (f": {f.fix.note}" if f.fix and f.fix.note else "") if f.fix else "no fix"
        suggestion = f" -> “{f.fix.text}”" if f.fix else ""
        context = f" ({f.context})" if f.context else ""
        out.append(f"{f.line}:{f.column} {f.rule} {f.severity}{context} “{f.text}”{suggestion} [{level}]")
    for title, unsafe in (("--fix", False), ("--fix --unsafe-fixes", True)):
        fixed = opsc_terms.fix(text, linted.findings, unsafe=unsafe)
        diff = list(difflib.unified_diff(text.splitlines(keepends=True), fixed.splitlines(keepends=True),
                                         fromfile=path.name, tofile=f"{path.name} ({title})", n=0))
        out.append(f"\n# {title}")
        out.append("".join(line if line.endswith("\n") else line + "\n" for line in diff).rstrip("\n")
                   or "(no change)")
    return "\n".join(out) + "\n"


def test_the_table_has_enough_sentences() -> None:
    paragraphs = sum(len([p for p in case.read_text(encoding="utf-8").split("\n\n") if p.strip()]) for case in CASES)
    assert paragraphs >= 150


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_fix_table(case: Path) -> None:
    expected_file = case.with_name(case.name + ".expected")
    actual = render_table(case)
    if os.environ.get("OPSC_TERMS_UPDATE_GOLDEN"):
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
