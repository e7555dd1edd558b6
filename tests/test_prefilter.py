"""The keyword prefilter never hides a match: every term of every rule is reachable.

The prefilter decides which text reaches spaCy at all, so a form it misses is a finding
silently lost. Its keywords are derived from the lemma table and the pack's variants;
these tests check that derivation against the engine itself, for every term of every rule
of every profile, in the forms writers use: plural, possessive, capitals.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from opsc_terms import Checker, Config
from opsc_terms.prefilter import Normaliser, Prefilter, lookup_table, stop_words
from opsc_terms.ruleset import Grammar, load_builtin


def _plural(word: str) -> str:
    """An English plural, written out independently of the code under test."""
    irregular = {"child": "children", "woman": "women", "man": "men", "person": "people"}
    if word.lower() in irregular:
        return irregular[word.lower()]
    if word.endswith("s") and not word.endswith("ss"):
        return word  # written in the plural already ("child pornos")
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def variants(term: str) -> list[str]:
    """The term in the plural (each word in turn), possessive, plural possessive, and capitals."""
    words = term.split()
    out = [term, term.upper(), term.title(), term + "'s", term + "’s"]
    for i, word in enumerate(words):
        plural = [*words[:i], _plural(word), *words[i + 1:]]
        out += [" ".join(plural), " ".join(plural) + "'", " ".join(plural) + "’"]
    return out


@pytest.fixture(scope="module")
def checker() -> Checker:
    # The media profile extends the default one: it holds every rule.
    return Checker(Config(profile="media"))


def test_the_media_profile_holds_every_rule(checker: Checker) -> None:
    assert {r.id for r in checker.rules} == {r.id for r in load_builtin("en").rules}


def _reach(checker: Checker, forms: Callable[[str], list[str]], sentence: str) -> tuple[list[str], int, int]:
    """Each form of each term, in ``sentence`` (with "{}" for the form): the forms the engine
    matches but the prefilter would skip, how many the engine matches, and how many there are."""
    engine = checker._get_engine()
    missed: list[str] = []
    matched = total = 0
    for rule in checker.rules:
        for term in rule.terms:
            for text in forms(term):
                checked = sentence.format(text)
                total += 1
                if not any(m.rule.id == rule.id for m in engine.matchers.find(engine.nlp(checked), patterns=())):
                    continue
                matched += 1
                if not checker.prefilter.search(checked):
                    missed.append(f"{rule.id}: {text!r}")
    return missed, matched, total


def test_every_term_is_found_in_every_form_the_engine_matches(checker: Checker) -> None:
    missed, matched, total = _reach(checker, variants, "They spoke of {} yesterday.")
    assert not missed
    # The engine matches most of these forms, so the check above is not empty.
    assert matched > 0.6 * total


def test_plurals_and_possessives_of_every_term_reach_the_engine(checker: Checker) -> None:
    for rule in checker.rules:
        for term in rule.terms:
            if term.isupper():
                continue
            *head, last = term.split()
            for text in (term, " ".join([*head, _plural(last)]), term + "'s", " ".join([*head, _plural(last)]) + "'"):
                assert checker.prefilter.search(f"They spoke of {text} yesterday."), (rule.id, text)


def test_pattern_keywords_cover_each_patterns_bad_examples(checker: Checker) -> None:
    for rule in checker.rules:
        if rule.patterns and not rule.terms:
            for example in rule.examples.bad:
                assert checker.prefilter.search(example), (rule.id, example)


def test_forms_come_from_the_lemma_table_and_the_variants() -> None:
    norm = Normaliser(lookup_table("en"), {"paedophile": "pedophile"}, load_builtin("en").language.grammar, "en")
    forms = norm.forms("pedophile")
    assert {"pedophile", "pedophiles", "paedophile", "paedophiles"} <= forms
    assert norm.forms("child") >= {"child", "children"}
    assert all(norm(f) == "pedophile" for f in forms)
    # A word the table does not know still gets the plural the normaliser strips.
    assert norm.forms("sextortion") >= {"sextortion", "sextortions"}


def test_a_term_added_as_data_is_reachable_without_code() -> None:
    # An irregular plural is language data ([grammar] irregular_plurals); its singular
    # comes from the lookup table.
    norm = Normaliser(lookup_table("en"), {}, Grammar(irregular_plurals=("mice",)), "en")
    prefilter = Prefilter(norm.forms(norm("mouse")))
    assert prefilter.search("Three mice were found.")
    assert not Prefilter(Normaliser(lookup_table("en"), {}).forms("mouse")).search("Three mice were found.")


def test_stop_words_come_from_spacys_data() -> None:
    stop = stop_words("en")
    assert {"with", "of", "became"} <= stop
    assert "prostitute" not in stop
    assert stop_words("no-such-language") == frozenset()


def test_the_token_pattern_prefilter_never_changes_what_patterns_match(checker: Checker) -> None:
    """Patterns run only where every word they require is present; that skips most
    sentences and must never skip a match. Compared with all patterns run everywhere."""
    engine = checker._get_engine()
    matchers = engine.matchers
    sentences = [example for rule in checker.rules if rule.patterns
                 for example in (*rule.examples.bad, *rule.examples.good)]
    # And each sentence with its words shuffled into other orders, and cut in half.
    sentences += [" ".join(reversed(s.split())) for s in sentences] + [s[: len(s) // 2] for s in sentences]
    docs = [engine.nlp(s) for s in sentences]
    every_rule = [r.id for r in checker.rules if r.patterns]
    filtered = [matchers.find(doc, patterns=every_rule) for doc in docs]
    saved = matchers.requirements
    try:
        matchers.requirements = {rule: [[] for _ in patterns] for rule, patterns in saved.items()}
        unfiltered = [matchers.find(doc, patterns=every_rule) for doc in docs]
    finally:
        matchers.requirements = saved
    assert filtered == unfiltered
    assert sum(map(len, unfiltered)) > 20  # the sentences do hold pattern matches


def _romance_plural(word: str, language: str) -> str:
    """A French or Spanish plural, written out independently of the code under test."""
    lower = word.lower()
    if lower.endswith(("s", "x", "z")):
        return word
    if language == "fr":
        if lower.endswith("al"):
            return word[:-2] + "aux"
        if lower.endswith(("eau", "eu")):
            return word + "x"
        return word + "s"
    if lower[-1] in "aeiouáéó":
        return word + "s"
    return word + "es"


@pytest.fixture(scope="module", params=["fr", "es"])
def romance(request: pytest.FixtureRequest) -> Checker:
    return Checker(Config(language=request.param, profile="media"))


def test_every_french_and_spanish_term_is_found_in_the_forms_the_engine_matches(romance: Checker) -> None:
    language = romance.pack.language.language

    def forms(term: str) -> list[str]:
        words = term.split()
        out = [term, term.upper(), term.capitalize(), " ".join(_romance_plural(w, language) for w in words)]
        return out + [" ".join([*words[:i], _romance_plural(w, language), *words[i + 1:]])
                      for i, w in enumerate(words)]

    sentence = "Ils ont parlé de {} hier." if language == "fr" else "Hablaron de {} ayer."
    missed, matched, total = _reach(romance, forms, sentence)
    assert not missed
    assert matched > 0.6 * total


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_every_bad_example_of_every_language_reaches_the_engine(language: str) -> None:
    checker = Checker(Config(language=language, profile="media"))
    for rule in checker.rules:
        for example in rule.examples.bad:
            assert checker.prefilter.search(example), (rule.id, example)
