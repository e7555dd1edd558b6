"""Rendering a replacement in place: number, capitals, articles, and the place in the sentence.

A replacement is written for the words it replaces and for where they stand: before a
noun it must be a modifier ("child sexual abuse material charges", but "child sexual abuse
videos"), after "images of" it must not repeat the material, a verb phrase keeps its
tense and agrees with its subject, a possessive cannot follow "… in prostitution". When
the rule data has no form for the place, the replacement is still shown, as advice, with
the reason it cannot be applied ("no: …"); when it probably reads right but a person should look, the reason starts with
"unsafe: …". The result is the input of :func:`opsc_terms.findings.applicability`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Span
from .ruleset import Grammar, Replacement

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Slot:
    """Where the reported words stand, as far as a replacement must agree with it."""

    plural: bool = False
    possessive: bool | str = False  # True for "'s", "plural" for a bare apostrophe ("prostitutes'")
    next_is_noun: bool = False  # the words describe the next word ("child porn videos")
    next_word: str = ""  # that word, lower case
    hyphen_after: bool = False  # a hyphen joins them to the next word ("child-porn-sharing")
    hyphen_before: bool = False  # ... or to the word before
    coordinated: bool = False  # "and"/"or" follows: the phrase may be shared ("X and Y network")
    before: tuple[str, ...] = ()  # up to two words before, lower case, nearest last
    first_word: str = ""  # the first word of the match, lower case
    subject_plural: bool | None = None  # number of the subject of a verb phrase, when known
    article: Span | None = None  # a preceding "a"/"an" (source offsets)
    acronym: bool = False


@dataclass(frozen=True)
class Rendered:
    """One replacement as it should read in place of ``start:end`` of the source."""

    start: int
    end: int
    text: str
    grammar: str | None  # None: reads right; "unsafe: why"; "no: why"
    base: str = ""  # the form chosen from the rule data, before capitals and articles


def render(replacement: Replacement, source: str, start: int, end: int, slot: Slot, grammar: Grammar) -> Rendered:
    """Render ``replacement`` for ``source[start:end]`` standing in ``slot``."""
    original = source[start:end]
    base, verdict = _choose_form(replacement, slot, grammar)
    text = base if slot.acronym else match_case(base, original, grammar)
    if verdict is None or not verdict.startswith("no:"):
        verdict = _place_problems(replacement, base, slot, grammar) or verdict
    if slot.article is not None and replacement.use in ("phenomenon", "other") and not slot.next_is_noun \
            and verdict is None:
        # "an affair with" -> "a sexual abuse of": the article belongs to a countable noun.
        verdict = "no: the article before the words would have to change too"
    if slot.article is not None:
        a_start, a_end = slot.article
        old = source[a_start:a_end]
        new = indefinite_article(text)
        if old.lower() != new:
            new = new.upper() if old.isupper() and len(old) > 1 else (new.capitalize() if old[0].isupper() else new)
            return Rendered(a_start, end, new + source[a_end:start] + text, verdict, base)
    return Rendered(start, end, text, verdict, base)


def _choose_form(replacement: Replacement, slot: Slot, grammar: Grammar) -> tuple[str, str | None]:
    """The form for the slot and, when there is none that fits, why."""
    if replacement.forms:
        keys = ([f"{slot.before[-1]} {slot.first_word}"] if slot.before else []) + [slot.first_word]
        for key in keys:
            forms = replacement.verb_form(key)
            if forms is None:
                continue
            if len(forms) == 1:
                return forms[0], None
            if slot.subject_plural is None:
                return forms[0], "unsafe: check that the verb agrees with its subject"
            return forms[1 if slot.subject_plural else 0], None
        return replacement.text, "no: the verb's tense and subject need rewording by hand"
    if replacement.use == "verb":
        return replacement.form(slot.plural), "no: a verb phrase needs rewording by hand"
    if len(slot.before) == 2 and slot.before[1] == "of" and slot.before[0] in grammar.depiction_nouns:
        if replacement.depicted:
            return replacement.depicted, None
        if replacement.use == "material":
            return replacement.form(slot.plural), "no: the words before already name the material"
    if slot.hyphen_after:
        return replacement.form(slot.plural), "no: a hyphen joins the term to the next word"
    if slot.next_is_noun:
        if slot.next_word in grammar.depiction_nouns and replacement.depicted:
            return replacement.depicted, None
        if replacement.modifier:
            return replacement.modifier, None
        return replacement.form(slot.plural), "no: the term describes the next word"
    return replacement.form(slot.plural), None


def _place_problems(replacement: Replacement, base: str, slot: Slot, grammar: Grammar) -> str | None:
    postmodified = has_postmodifier(base, grammar)
    if slot.possessive and postmodified:
        return "no: a possessive cannot follow this wording"
    if slot.possessive == "plural" and not base.endswith("s"):
        return "no: the possessive apostrophe would have to change too"
    if slot.hyphen_before:
        if " " in base:
            return "no: a hyphen joins the term to the word before"
        return "unsafe: the term ends a hyphenated compound"
    if slot.coordinated and postmodified:
        return "no: the words joined to it by “and” or “or” may share what follows"
    return None


def has_postmodifier(phrase: str, grammar: Grammar) -> bool:
    """Does the phrase end in a qualifier ("… of children", "… in prostitution")?

    Such a phrase cannot stand before a noun or take a possessive.
    """
    words = phrase.lower().split()
    return any(w in grammar.postmodifiers for w in words[1:])


def match_case(replacement: str, original: str, grammar: Grammar) -> str:
    """Write ``replacement`` in the capitals of ``original``: ALL CAPS, Title Case or a capital first letter."""
    letters = [c for c in original if c.isalpha()]
    if not letters:
        return replacement
    words = _WORD_RE.findall(original)
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if len(words) > 1 and all(w[0].isupper() for w in words if w.lower() not in grammar.small_title_words):
        return title_case(replacement, grammar)
    if letters[0].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def title_case(text: str, grammar: Grammar) -> str:
    out = []
    for i, word in enumerate(text.split(" ")):
        if word.isupper() and len(word) > 1:  # an acronym stays as it is
            out.append(word)
        elif i > 0 and word.lower() in grammar.small_title_words:
            out.append(word.lower())
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(out)


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
