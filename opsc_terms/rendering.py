"""Rendering a replacement in place: number, capitals, articles, and the place in the sentence.

A replacement is written for the words it replaces and for where they stand: before a
noun it must be a modifier ("child sexual abuse material charges", but "child sexual abuse
videos"), after "images of" it must not repeat the material, a verb phrase keeps its
tense and agrees with its subject, a possessive cannot follow "… in prostitution". When
the rule data has no form for the place, the replacement is still shown, as advice, with
the reason it cannot be applied ("no:KEY"); when it probably reads right but a person should
look, the reason is "unsafe:KEY". KEY names a note (``note.KEY`` in opsc_terms/labels.py).
The result is the input of :func:`opsc_terms.findings.applicability`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import Span
from .renderers import RENDERERS
from .renderers.en import indefinite_article
from .ruleset import Grammar, Replacement

__all__ = ["Rendered", "Slot", "has_postmodifier", "indefinite_article", "match_case", "render", "title_case"]

_PUNCTUATION = ".,;:!?()[]\"'«»“”‘’"
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
    words: tuple[str, ...] = ()  # every word of the match, lower case
    subject_plural: bool | None = None  # number of the subject of a verb phrase, when known
    article: Span | None = None  # a determiner just before the words that may have to change (source offsets)
    acronym: bool = False


@dataclass(frozen=True)
class Rendered:
    """One replacement as it should read in place of ``start:end`` of the source."""

    start: int
    end: int
    text: str
    grammar: str | None  # None: reads right; "unsafe:KEY"; "no:KEY" (KEY: a note in labels.py)
    base: str = ""  # the form chosen from the rule data, before capitals and articles


def render(replacement: Replacement, source: str, start: int, end: int, slot: Slot, grammar: Grammar) -> Rendered:
    """Render ``replacement`` for ``source[start:end]`` standing in ``slot``."""
    renderer = RENDERERS[grammar.renderer]
    original = source[start:end]
    determiner = source[slot.article[0]:slot.article[1]] if slot.article is not None else None
    # Said of a girl: the determiner is feminine, or a word has a feminine ending.
    feminine = (determiner is not None and renderer.gender_of(determiner) == "f") or (
        bool(grammar.feminine_endings)
        and any(word.strip(_PUNCTUATION).endswith(grammar.feminine_endings) for word in original.lower().split()))
    base, verdict = _choose_form(replacement, slot, grammar, feminine)
    text = base if slot.acronym else match_case(base, original, grammar)
    if verdict is None or not verdict.startswith("no:"):
        verdict = _place_problems(replacement, base, slot, grammar) or verdict
    if verdict is None and renderer.shared_adjective(original):
        verdict = "no:shared-adjective"
    if determiner is None or slot.article is None:
        return Rendered(start, end, text, verdict, base)
    if verdict is None and not slot.next_is_noun and (problem := renderer.countable_problem(determiner,
                                                                                               replacement.use)):
        verdict = f"no:{problem}"
    a_start, a_end = slot.article
    # A person said of a girl takes the feminine form, and so does its determiner.
    gender = "f" if feminine and (replacement.feminine or replacement.feminine_plural) else replacement.gender
    old_gender = renderer.gender_of(determiner)
    if verdict is None and gender and old_gender and gender != old_gender \
            and _next_word(source, end) in grammar.agreeing_verbs:
        verdict = "unsafe:agreement"
    new = renderer.determiner(determiner, text, gender, slot.plural, grammar.vowel_h_words)
    if new is None:
        return Rendered(start, end, text, verdict, base)
    if determiner.isupper() and len(determiner) > 1:
        new = new.upper()
    elif determiner[:1].isupper():
        new = new[:1].upper() + new[1:]
    # An elided determiner ("l'", "d'") is written against its noun; a full one is not.
    between = "" if new.endswith(("'", "’")) else (source[a_end:start] or " ")
    return Rendered(a_start, end, new + between + text, verdict, base)


_WORD_AFTER_RE = re.compile(r"\s*([^\W\d_]+)")


def _next_word(source: str, end: int) -> str:
    m = _WORD_AFTER_RE.match(source, end)
    return m.group(1).lower() if m else ""


def _choose_form(replacement: Replacement, slot: Slot, grammar: Grammar,
                 feminine: bool = False) -> tuple[str, str | None]:
    """The form for the slot and, when there is none that fits, why."""
    if replacement.forms:
        # The word before and the first word ("had prostituted"), the first word, then the
        # last word of the match ("prostituées" in "enfants prostituées").
        keys = ([f"{slot.before[-1]} {slot.first_word}"] if slot.before else []) + [slot.first_word,
                                                                                    *slot.words[-1:]]
        for key in keys:
            forms = replacement.verb_form(key)
            if forms is None:
                continue
            if len(forms) == 1:
                return forms[0], None
            if slot.subject_plural is None:
                return forms[0], "unsafe:subject"
            return forms[1 if slot.subject_plural else 0], None
        return replacement.text, "no:verb-tense"
    if replacement.use == "verb":
        return replacement.form(slot.plural, feminine), "no:verb-phrase"
    if (len(slot.before) == 2 and slot.before[1] in grammar.depiction_links
            and slot.before[0] in grammar.depiction_nouns):
        if replacement.depicted:
            return replacement.depicted, None
        if replacement.use == "material":
            return replacement.form(slot.plural, feminine), "no:material-named"
    if slot.hyphen_after:
        return replacement.form(slot.plural, feminine), "no:hyphen-after"
    if slot.next_is_noun:
        if slot.next_word in grammar.depiction_nouns and replacement.depicted:
            return replacement.depicted, None
        if replacement.modifier:
            return replacement.modifier, None
        return replacement.form(slot.plural, feminine), "no:modifier"
    return replacement.form(slot.plural, feminine), None


def _place_problems(replacement: Replacement, base: str, slot: Slot, grammar: Grammar) -> str | None:
    postmodified = has_postmodifier(base, grammar)
    if slot.possessive and postmodified:
        return "no:possessive"
    if slot.possessive == "plural" and not base.endswith("s"):
        return "no:possessive-apostrophe"
    if slot.hyphen_before:
        if " " in base:
            return "no:hyphen-before"
        return "unsafe:compound-end"
    if slot.coordinated and postmodified:
        return "no:coordination"
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
