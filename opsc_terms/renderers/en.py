"""English: "a"/"an" before the replacement; nothing else agrees in gender."""

from __future__ import annotations


def indefinite_article(phrase: str) -> str:
    """'a' or 'an' for the phrase, by its first sound (good enough for the replacements we ship)."""
    word = phrase.strip().split(" ")[0] if phrase.strip() else ""
    if not word:
        return "a"
    if word.isupper() and len(word) > 1:  # an acronym read letter by letter
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    lower = word.lower()
    if lower.startswith(("hour", "honest", "honour", "honor", "heir")):
        return "an"
    if lower.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ewe", "ur")):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def determiner(old: str, replacement: str, gender: str | None, plural: bool,
               vowel_h_words: tuple[str, ...]) -> str | None:
    if old.lower() not in ("a", "an"):
        return None
    new = indefinite_article(replacement)
    return None if new == old.lower() else new


def gender_of(determiner: str) -> str | None:
    return None


def shared_adjective(words: str) -> bool:
    return False


def countable_problem(determiner: str, use: str) -> str | None:
    """"an affair with" -> "a sexual abuse of": an uncountable replacement after "a"/"an"."""
    if determiner.lower() in ("a", "an") and use in ("phenomenon", "other"):
        return "article"
    return None
