"""Determiners that agree with a replacement, per language (the modules in opsc_terms/renderers/)."""

from __future__ import annotations

import pytest

from opsc_terms.rendering import Slot, render
from opsc_terms.ruleset import Grammar, Replacement

FR = Grammar(renderer="fr", postmodifiers=("de", "d'", "des", "du", "à", "dans", "sur"),
             agreeing_verbs=("est", "sont", "était", "fut", "reste"), feminine_endings=("ée", "ées"), head_first=True)
ES = Grammar(renderer="es", postmodifiers=("de", "del", "en", "para"), agreeing_verbs=("es", "fue", "está", "era"))


def rendered(sentence: str, term: str, replacement: Replacement, grammar: Grammar, determiner: str | None = None,
             plural: bool = False) -> tuple[str, str | None]:
    start = sentence.index(term)
    end = start + len(term)
    article = None
    if determiner is not None:
        a_start = sentence.rindex(determiner, 0, start)
        article = (a_start, a_start + len(determiner))
    words = tuple(w.lower() for w in term.split())
    r = render(replacement, sentence, start, end, Slot(plural=plural, article=article, first_word=words[0],
                                                      words=words), grammar)
    return sentence[:r.start] + r.text + sentence[r.end:], r.grammar


CSAM_FR = Replacement("matériel d'abus sexuels sur enfants", "material", gender="m")
EXPLOITATION_FR = Replacement("exploitation sexuelle des enfants à des fins de prostitution", "phenomenon", gender="f")


@pytest.mark.parametrize(("sentence", "term", "determiner", "replacement", "expected"), [
    ("Il lutte contre la pédopornographie.", "pédopornographie", "la", CSAM_FR,
     "Il lutte contre le matériel d'abus sexuels sur enfants."),
    ("La détention de la pédopornographie est punie.", "pédopornographie", "de la", CSAM_FR,
     "La détention du matériel d'abus sexuels sur enfants est punie."),
    ("Face à la pédopornographie, rien.", "pédopornographie", "à la", CSAM_FR,
     "Face au matériel d'abus sexuels sur enfants, rien."),
    ("Il dénonce la prostitution enfantine.", "prostitution enfantine", "la", EXPLOITATION_FR,
     "Il dénonce l'exploitation sexuelle des enfants à des fins de prostitution."),
    ("Le rapport parle du tourisme sexuel.", "tourisme sexuel", "du",
     Replacement("exploitation sexuelle des enfants dans le cadre des voyages et du tourisme", "phenomenon",
                 gender="f"),
     "Le rapport parle de l'exploitation sexuelle des enfants dans le cadre des voyages et du tourisme."),
    ("Des affaires de prostitution enfantine.", "prostitution enfantine", "de", EXPLOITATION_FR,
     "Des affaires d'exploitation sexuelle des enfants à des fins de prostitution."),
    ("CETTE PÉDOPORNOGRAPHIE", "PÉDOPORNOGRAPHIE", "CETTE", CSAM_FR, "CE MATÉRIEL D'ABUS SEXUELS SUR ENFANTS"),
])
def test_french_determiners_agree(sentence: str, term: str, determiner: str, replacement: Replacement,
                                  expected: str) -> None:
    assert rendered(sentence, term, replacement, FR, determiner)[0] == expected


def test_french_gender_change_before_an_agreeing_verb_is_not_safe() -> None:
    text, verdict = rendered("La pédopornographie est répandue.", "pédopornographie", CSAM_FR, FR, "La")
    assert text == "Le matériel d'abus sexuels sur enfants est répandue."
    assert verdict is not None
    assert verdict.startswith("unsafe:")


def test_french_person_forms_follow_the_determiner_and_the_participle() -> None:
    person = Replacement("enfant exploité à des fins de prostitution", "person",
                         plural="enfants exploités à des fins de prostitution",
                         feminine="enfant exploitée à des fins de prostitution",
                         feminine_plural="enfants exploitées à des fins de prostitution")
    assert rendered("Une enfant prostituée a parlé.", "enfant prostituée", person, FR, "Une")[0] == (
        "Une enfant exploitée à des fins de prostitution a parlé.")
    assert rendered("Des enfants prostituées ont parlé.", "enfants prostituées", person, FR, "Des", plural=True)[0] == (
        "Des enfants exploitées à des fins de prostitution ont parlé.")
    assert rendered("Des enfants prostitués ont parlé.", "enfants prostitués", person, FR, "Des", plural=True)[0] == (
        "Des enfants exploités à des fins de prostitution ont parlé.")


def test_french_shared_adjective_is_advice() -> None:
    _, verdict = rendered("la prostitution et la pornographie infantiles", "pornographie infantiles", CSAM_FR, FR)
    assert verdict is not None
    assert verdict.startswith("no:")


CSAM_ES = Replacement("material de abuso sexual infantil", "material", gender="m")
SECTT_ES = Replacement("explotación sexual de niñas, niños y adolescentes en los viajes y el turismo", "phenomenon",
                       gender="f")


@pytest.mark.parametrize(("sentence", "term", "determiner", "replacement", "expected"), [
    ("Luchan contra la pornografía infantil.", "pornografía infantil", "la", CSAM_ES,
     "Luchan contra el material de abuso sexual infantil."),
    ("La difusión de la pornografía infantil crece.", "pornografía infantil", "de la", CSAM_ES,
     "La difusión del material de abuso sexual infantil crece."),
    ("Se dedicaban a la pornografía infantil.", "pornografía infantil", "a la", CSAM_ES,
     "Se dedicaban al material de abuso sexual infantil."),
    ("El informe habla del turismo sexual infantil.", "turismo sexual infantil", "del", SECTT_ES,
     "El informe habla de la explotación sexual de niñas, niños y adolescentes en los viajes y el turismo."),
    ("Combaten el turismo sexual infantil.", "turismo sexual infantil", "el", SECTT_ES,
     "Combaten la explotación sexual de niñas, niños y adolescentes en los viajes y el turismo."),
])
def test_spanish_determiners_agree(sentence: str, term: str, determiner: str, replacement: Replacement,
                                   expected: str) -> None:
    assert rendered(sentence, term, replacement, ES, determiner)[0] == expected


def test_spanish_gender_change_before_an_agreeing_verb_is_not_safe() -> None:
    _, verdict = rendered("El turismo sexual infantil es considerado un delito.", "turismo sexual infantil",
                          SECTT_ES, ES, "El")
    assert verdict is not None
    assert verdict.startswith("unsafe:")


def test_english_articles_still_agree() -> None:
    en = Grammar(renderer="en")
    person = Replacement("child exploited in prostitution", "person")
    assert rendered("She met an underage prostitute.", "underage prostitute", person, en, "an")[0] == (
        "She met a child exploited in prostitution.")
    assert rendered("An underage prostitute spoke.", "underage prostitute", person, en, "An")[0] == (
        "A child exploited in prostitution spoke.")
