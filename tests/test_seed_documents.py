"""Optional: real UN documents from the shared reference folder, when it is present.

CRC/C/156 and A/HRC/49/51 use the discouraged terms only in titles, quotations and
parentheses, so they must not produce errors; A/HRC/28/56 still uses the old terms in its
own voice and must.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import opsc_terms

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason="the shared seed documents are not available")


def _severities(name: str) -> list[str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [f.severity for f in opsc_terms.check(text)]


def test_committee_guidelines_final_text_has_no_warnings() -> None:
    found = _severities("000_c2713670f4b35875.txt")
    assert found, "its quoted mentions are still noted at info level"
    assert set(found) == {"info"}


def test_special_rapporteur_2022_has_no_errors() -> None:
    assert "error" not in _severities("003_3ddb58d8e128592e.txt")


def test_special_rapporteur_2014_uses_old_terms_plainly() -> None:
    assert _severities("004_d5b61863a01639ae.txt").count("error") >= 20
