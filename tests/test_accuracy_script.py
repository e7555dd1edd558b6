"""scripts/accuracy.py: docs/accuracy.md comes from a run of the shared scorer, or from nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "accuracy.py"
EVAL = ROOT.parent / "shared" / "eval"


def test_without_the_shared_passages_nothing_is_written(tmp_path: Path) -> None:
    output = tmp_path / "accuracy.md"
    result = subprocess.run([sys.executable, str(SCRIPT), "--eval", str(tmp_path / "missing"),
                             "--output", str(output)], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "nothing written" in result.stdout
    assert not output.exists()


@pytest.mark.skipif(not (EVAL / "score.py").is_file(), reason="the shared scorer is not available")
def test_the_figures_come_from_a_run(tmp_path: Path) -> None:
    output = tmp_path / "accuracy.md"
    result = subprocess.run([sys.executable, str(SCRIPT), "--eval", str(EVAL), "--output", str(output),
                             "--no-alex"], capture_output=True, text=True, check=False, timeout=1200)
    assert result.returncode == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    assert "| | opsc-terms --lang en | opsc-terms --lang auto | naive term list |" in text
    for kind in ("plain-use", "title", "quoted-mention", "statutory-citation", "recommended", "near-miss"):
        assert f"| {kind} |" in text
    row = next(line for line in text.splitlines() if line.startswith("| recall"))
    cells = [float(cell) for cell in row.strip("| ").split(" | ")[1:]]
    recall, detected, naive = cells[:3]
    assert detected == recall  # English is detected as English
    assert recall > naive
