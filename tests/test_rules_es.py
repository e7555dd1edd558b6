"""The Spanish rule pack: its data, the ids it shares with English, and its judgement table.

The table holds sentences written for this suite (tests/fixtures/context_es/*.txt) with the
decision a reviewer approved, in the format of tests/test_context_table.py. After a
deliberate change in behaviour, regenerate with ``OPSC_TERMS_UPDATE_GOLDEN=1`` and review the
diff of the .expected files like code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pack_support import (
    examples_text,
    imprecise_citations,
    replacements_flagged,
    run_table,
    table_counts,
    uncited_sources,
    unreachable_examples,
    written_in,
)

from opsc_terms import Config, get_checker, load_builtin

LANG = "es"
PACK = load_builtin(LANG)
ENGLISH = load_builtin("en")
TABLES = sorted((Path(__file__).parent / "fixtures" / "context_es").glob("*.txt"))
# Rows of the Spanish reference with no English counterpart get ids of their own.
SPANISH_ONLY = {"virtual-child-pornography", "prostituted-child", "pederast"}


def test_ids_carry_over_from_english() -> None:
    """The same concept has the same id, so configuration and suppression comments carry over."""
    ids = {r.id for r in PACK.rules}
    assert ids - {r.id for r in ENGLISH.rules} == SPANISH_ONLY
    assert {"child-pornography", "child-prostitution", "child-prostitute", "child-sex-tourism", "paedophile",
            "sextortion", "agency-in-prostitution", "sex-with-child"} <= ids


def test_messages_and_rationales_are_in_spanish() -> None:
    for rule in PACK.rules:
        assert written_in(rule.message, LANG), (rule.id, rule.message)
        assert written_in(rule.rationale, LANG), (rule.id, rule.rationale[:80])


def test_every_source_names_a_listed_document() -> None:
    assert uncited_sources(PACK) == []


def test_citations_are_precise() -> None:
    assert imprecise_citations(PACK) == []


def test_no_replacement_is_itself_discouraged() -> None:
    assert replacements_flagged(PACK) == []


def test_prefilter_lets_every_bad_example_through() -> None:
    assert unreachable_examples(PACK) == []


@pytest.mark.parametrize(("pattern", "case"), [
    (r"\bdel material\b", "de la → del before a masculine replacement"),
    (r"\bal material\b", "a la → al"),
    (r"\b[Ee]l material\b", "la → el"),
    (r"\bla explotación sexual de niños en el contexto\b", "el → la before a feminine replacement"),
    (r"\bde la explotación sexual de niños en el contexto\b", "del → de la"),
    (r"\ba la explotación sexual de niños en el contexto\b", "al → a la"),
    (r"\bniña explotada\b", "feminine singular"),
    (r"\bniñas explotadas\b", "feminine plural"),
    (r"\bniños explotados\b", "masculine plural"),
])
def test_examples_show_agreement(pattern: str, case: str) -> None:
    """The rules' fixed examples show each kind of agreement a Spanish replacement needs."""
    assert any(re.search(pattern, text) for text in examples_text(PACK)), case


def test_titles_are_exempt_in_running_text() -> None:
    checker = get_checker(Config(language=LANG))
    for title in PACK.language.titles:
        for match in title.match:
            text = f"El informe cita {match} en detalle."
            assert [f.rule for f in checker.check(text) if f.severity != "info"] == [], (title.name, match)


def test_every_category_has_a_table() -> None:
    assert {p.stem for p in TABLES} >= {"quotations", "guidance", "denials", "mentions", "titles", "legal",
                                        "coverage"}


@pytest.mark.parametrize("table", TABLES, ids=[p.stem for p in TABLES])
def test_judgement_table(table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = run_table(table, LANG, tmp_path, monkeypatch)
    expected = table.with_suffix(".expected")
    if os.environ.get("OPSC_TERMS_UPDATE_GOLDEN"):
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("table", TABLES, ids=[p.stem for p in TABLES])
def test_each_table_has_exemptions_and_uses(table: Path) -> None:
    exempt, uses = table_counts(table.with_suffix(".expected").read_text(encoding="utf-8"))
    if table.stem == "coverage":
        assert uses >= 10, table.name
    else:
        assert exempt >= 5, table.name
        assert uses >= 5, table.name
