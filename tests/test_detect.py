"""Detecting the language of a document and of its paragraphs from function words."""

from __future__ import annotations

from collections import Counter

import pytest

from opsc_terms import detect

_WORDS = {
    "en": "the a an of and to in is are was were for with by that this it on as be",
    "fr": "le la les des du de et en un une est sont pour par dans que qui sur au aux ce",
    "es": "el la los las del de y en un una es son para por con que se al lo su",
}
PROFILES = {language: frozenset(words.split(" ")) for language, words in _WORDS.items()}

ENGLISH = "The report describes the sexual exploitation of children in the region and the response of the police."
FRENCH = "Le rapport décrit l'exploitation sexuelle des enfants dans la région et la réponse de la police."
SPANISH = "El informe describe la explotación sexual de los niños en la región y la respuesta de la policía."


def test_each_language_is_told_apart() -> None:
    assert detect.detect(ENGLISH, stop_words=PROFILES) == "en"
    assert detect.detect(FRENCH, stop_words=PROFILES) == "fr"
    assert detect.detect(SPANISH, stop_words=PROFILES) == "es"


def test_too_little_text_takes_the_default() -> None:
    assert detect.detect("Child porn!", default="fr", stop_words=PROFILES) == "fr"
    assert detect.detect("", stop_words=PROFILES) == "en"


def test_a_document_in_one_language_keeps_its_regions() -> None:
    text = FRENCH + "\n\n" + FRENCH
    regions = [(0, len(FRENCH)), (len(FRENCH) + 2, len(text))]
    language, parts = detect.paragraphs(text, regions, stop_words=PROFILES)
    assert language == "fr"
    assert parts == [(regions[0], "fr"), (regions[1], "fr")]


def test_a_paragraph_in_another_language_is_cut_out() -> None:
    text = "\n\n".join([FRENCH, FRENCH, ENGLISH, FRENCH])
    language, parts = detect.paragraphs(text, stop_words=PROFILES)
    assert language == "fr"
    assert [lang for _, lang in parts] == ["fr", "en", "fr"]
    assert [text[s:e] for (s, e), _ in parts][1] == ENGLISH


def test_a_short_paragraph_keeps_the_document_language() -> None:
    text = "\n\n".join([SPANISH, "Child porn.", SPANISH])
    _, parts = detect.paragraphs(text, stop_words=PROFILES)
    assert {lang for _, lang in parts} == {"es"}


def test_shipped_profiles_cover_every_language_with_rules() -> None:
    from opsc_terms.ruleset import available_languages

    assert set(detect.profiles()) == set(available_languages())
    assert all(len(words) >= 100 for words in detect.profiles().values())


def test_a_headline_is_told_by_its_letters_and_the_words_of_the_rules() -> None:
    """Few function words: letters only one language uses, and the rule words of one
    language, settle it (with the shipped language data)."""
    from opsc_terms.ruleset import available_languages

    if not {"fr", "es"} <= set(available_languages()):
        return
    assert detect.detect("Procès à Lyon : pédopornographie") == "fr"
    assert detect.detect("Niños rescatados: prostitución infantil") == "es"
    assert detect.detect("Teacher Jailed Over Child Pornography") == "en"


@pytest.mark.parametrize("text", [
    "Point 1. The plan.\n\nPoint 2. The son of the man, plus a car.\n\nPoint 3. A summary point.",
    "Era of the solo sea voyage: a son, an embargo, a point, plus a car.",
    "AI tools: point by point, plus or minus, par for the course.",
])
def test_english_words_that_are_french_or_spanish_function_words_stay_english(text: str) -> None:
    assert detect.paragraphs(text)[0] == "en"


def test_stop_words_are_counted_next_to_punctuation() -> None:
    """Words are read between white space; marks stuck to a word do not hide it."""
    bare = detect.scores("el niño y la niña de la casa", stop_words=PROFILES)
    marked = detect.scores("¿el niño? (y) «la» niña, de la casa.", stop_words=PROFILES)
    assert bare == marked
    assert marked["es"] == 5


@pytest.mark.parametrize("parts", [
    [ENGLISH, FRENCH, ENGLISH],
    [FRENCH, FRENCH, SPANISH, "Child porn."],
    ["Procès à Lyon : pédopornographie", "Court."],
    ["", ENGLISH],
])
def test_evidence_of_parts_adds_up_to_the_whole(parts: list[str]) -> None:
    """A document read a section at a time gets the language it gets read whole."""
    text = "\n\n".join(parts)
    pieces = [detect.evidence(p) for p in parts]
    whole = detect.evidence(text)
    summed = detect.combined(pieces)
    assert summed.counts == whole.counts
    assert summed.paragraphs == whole.paragraphs
    assert detect.document_language(summed) == detect.paragraphs(text)[0]


def test_a_paragraph_longer_than_a_window_is_counted_whole() -> None:
    """A file that is one long line is counted a window at a time, without losing or
    splitting a word at the edges."""
    one = detect.scores(FRENCH + " ", stop_words=PROFILES)
    repeats = 2 * detect._WINDOW // len(FRENCH) + 7
    long = detect.scores((FRENCH + " ") * repeats, stop_words=PROFILES)
    assert long == Counter({language: n * repeats for language, n in one.items()})
