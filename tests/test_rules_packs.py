"""The French and Spanish rule packs: their data, the ids they share with English, and their
judgement tables.

Each table holds sentences written for this suite (tests/fixtures/context_<lang>/*.txt) with
the decision a reviewer approved, in the format of tests/test_context_table.py. After a
deliberate change in behaviour, regenerate with ``OPSC_TERMS_UPDATE_GOLDEN=1`` and review the
diff of the .expected files like code.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
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

ENGLISH = load_builtin("en")
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Pack:
    """What the tests expect of one language's pack."""

    own_ids: frozenset[str]  # rows of the language's reference with no English counterpart
    agreement: tuple[tuple[str, str], ...]  # (pattern a fixed example must show, the case it shows)
    citing: str  # a sentence that cites a title, "{}" standing for the title


PACKS = {
    "fr": Pack(
        own_ids=frozenset({"virtual-child-pornography", "juvenile-pornography", "child-prostitution-and-pornography",
                           "michetonnage"}),
        agreement=(
            (r"\bdu matériel\b", "de la → du before a masculine replacement"),
            (r"\bau matériel\b", "à la → au"),
            (r"\ble matériel\b", "la → le"),
            (r"\bl'exploitation\b", "elision of the article before a vowel"),
            (r"\bd'extorsion\b", "elision of de before a vowel"),
            (r"\benfants? exploitée\b", "feminine singular"),
            (r"\benfants exploitées\b", "feminine plural"),
            (r"\benfants exploités\b", "masculine plural"),
        ),
        citing="Le rapport cite {} en détail.",
    ),
    "es": Pack(
        own_ids=frozenset({"virtual-child-pornography", "prostituted-child", "pederast"}),
        agreement=(
            (r"\bdel material\b", "de la → del before a masculine replacement"),
            (r"\bal material\b", "a la → al"),
            (r"\b[Ee]l material\b", "la → el"),
            (r"\bla explotación sexual de niños en el contexto\b", "el → la before a feminine replacement"),
            (r"\bde la explotación sexual de niños en el contexto\b", "del → de la"),
            (r"\ba la explotación sexual de niños en el contexto\b", "al → a la"),
            (r"\bniña explotada\b", "feminine singular"),
            (r"\bniñas explotadas\b", "feminine plural"),
            (r"\bniños explotados\b", "masculine plural"),
        ),
        citing="El informe cita {} en detalle.",
    ),
}
LANGUAGES = sorted(PACKS)
TABLES = [(lang, table) for lang in LANGUAGES for table in sorted((FIXTURES / f"context_{lang}").glob("*.txt"))]
TABLE_IDS = [f"{lang}-{table.stem}" for lang, table in TABLES]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_ids_carry_over_from_english(lang: str) -> None:
    """The same concept has the same id, so configuration and suppression comments carry over."""
    ids = {r.id for r in load_builtin(lang).rules}
    assert ids - {r.id for r in ENGLISH.rules} == PACKS[lang].own_ids
    assert {"child-pornography", "child-prostitution", "child-prostitute", "child-sex-tourism", "paedophile",
            "sextortion", "agency-in-prostitution", "sex-with-child"} <= ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_messages_and_rationales_are_in_the_pack_language(lang: str) -> None:
    for rule in load_builtin(lang).rules:
        assert written_in(rule.message, lang), (rule.id, rule.message)
        assert written_in(rule.rationale, lang), (rule.id, rule.rationale[:80])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_source_names_a_listed_document(lang: str) -> None:
    assert uncited_sources(load_builtin(lang)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_citations_are_precise(lang: str) -> None:
    assert imprecise_citations(load_builtin(lang)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_replacement_is_itself_discouraged(lang: str) -> None:
    assert replacements_flagged(load_builtin(lang)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_prefilter_lets_every_bad_example_through(lang: str) -> None:
    assert unreachable_examples(load_builtin(lang)) == []


@pytest.mark.parametrize(("lang", "pattern", "case"),
                         [(lang, p, c) for lang in LANGUAGES for p, c in PACKS[lang].agreement])
def test_examples_show_agreement(lang: str, pattern: str, case: str) -> None:
    """The rules' fixed examples show each kind of agreement a replacement in the language needs."""
    assert any(re.search(pattern, text) for text in examples_text(load_builtin(lang))), case


@pytest.mark.parametrize("lang", LANGUAGES)
def test_titles_are_exempt_in_running_text(lang: str) -> None:
    checker = get_checker(Config(language=lang))
    for title in load_builtin(lang).language.titles:
        for match in title.match:
            text = PACKS[lang].citing.format(match)
            assert [f.rule for f in checker.check(text) if f.severity != "info"] == [], (title.name, match)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_category_has_a_table(lang: str) -> None:
    assert {t.stem for one, t in TABLES if one == lang} >= {"quotations", "guidance", "denials", "mentions",
                                                          "titles", "legal", "coverage"}


@pytest.mark.parametrize(("lang", "table"), TABLES, ids=TABLE_IDS)
def test_judgement_table(lang: str, table: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = run_table(table, lang, tmp_path, monkeypatch)
    expected = table.with_suffix(".expected")
    if os.environ.get("OPSC_TERMS_UPDATE_GOLDEN"):
        expected.write_text(rendered, encoding="utf-8")
    assert rendered == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize(("lang", "table"), TABLES, ids=TABLE_IDS)
def test_each_table_has_exemptions_and_uses(lang: str, table: Path) -> None:
    exempt, uses = table_counts(table.with_suffix(".expected").read_text(encoding="utf-8"))
    if table.stem == "coverage":
        assert uses >= 10, table.name
    else:
        assert exempt >= 5, table.name
        assert uses >= 5, table.name
