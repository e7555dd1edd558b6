"""Findings: what is reported, replacements rendered to read right in place, and fixes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .ruleset import Replacement, Rule, Severity

# A replacement that ends in a prepositional phrase ("children exploited in prostitution")
# cannot stand before a noun or take a possessive; applying it there would not read right.
_POSTMODIFIER_RE = re.compile(r"\b(?:of|in|for|with|who|that|by|to|from|at)\b", re.IGNORECASE)
_SMALL_TITLE_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True)
class Finding:
    """One reported occurrence. Offsets are ``str`` indices into the checked text."""

    rule: str
    severity: Severity
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    replacements: tuple[str, ...]
    fix: str | None
    sources: tuple[str, ...]
    family: str
    category: str
    context: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (see README, "JSON output")."""
        data = asdict(self)
        data["replacements"] = list(self.replacements)
        data["sources"] = list(self.sources)
        order = ["path", "rule", "severity", "message", "line", "column", "end_line", "end_column", "start",
                 "end", "text", "replacements", "fix", "sources", "family", "category", "context"]
        return {key: data[key] for key in order}


@dataclass(frozen=True)
class Rendering:
    """A replacement as it should appear in place of a given source span."""

    start: int
    end: int
    text: str
    safe: bool


def render(replacement: Replacement, source: str, start: int, end: int, *, plural: bool,
           article: tuple[int, int] | None, next_is_word: bool, possessive: bool,
           acronym: bool = False) -> Rendering:
    """Render ``replacement`` to replace ``source[start:end]``: number, case, a/an agreement.

    ``safe`` is False when the result would not read right without rewording the
    sentence (a post-modified phrase before a noun or before a possessive).
    """
    original = source[start:end]
    # An acronym's capitals say nothing about how the spelled-out replacement is written,
    # and a writer who chose a short form may want another short form: never automatic.
    text = replacement.form(plural) if acronym else _match_case(replacement.form(plural), original)
    safe = not acronym
    if (next_is_word or possessive) and _POSTMODIFIER_RE.search(replacement.form(plural)):
        safe = False
    if article is not None:
        a_start, a_end = article
        old = source[a_start:a_end]
        new = indefinite_article(text)
        if old.lower() != new:
            new = new.upper() if old.isupper() and len(old) > 1 else (new.capitalize() if old[0].isupper() else new)
            between = source[a_end:start]
            return Rendering(a_start, end, new + between + text, safe)
    return Rendering(start, end, text, safe)


@dataclass(frozen=True)
class Rendered:
    """All replacements of one occurrence, each for the same reported span."""

    start: int
    end: int
    replacements: tuple[str, ...]
    fix: str | None


def render_occurrence(rule: Rule, source: str, start: int, end: int, *, plural: bool,
                      article: tuple[int, int] | None, next_is_word: bool, possessive: bool,
                      mention: bool, acronym: bool = False) -> Rendered:
    """Render every replacement of ``rule`` for ``source[start:end]``, preferred first.

    The reported span takes in a preceding "a"/"an" when the preferred replacement needs a
    different article, so a fix never edits outside the span it reports.
    """
    preferred = rule.preferred
    ordered = ([preferred] if preferred is not None else []) + [r for r in rule.replacements
                                                                  if r is not preferred]
    if not ordered:
        return Rendered(start, end, (), None)

    def one(rep: Replacement, art: tuple[int, int] | None) -> Rendering:
        return render(rep, source, start, end, plural=plural, article=art, next_is_word=next_is_word,
                      possessive=possessive, acronym=acronym)

    first = one(ordered[0], article)
    span_start = first.start
    texts = [first.text]
    for rep in ordered[1:]:
        r = one(rep, article if span_start < start else None)
        texts.append(r.text if r.start == span_start else source[span_start:start] + r.text)
    fix = texts[0] if rule.fix is not None and not mention and first.safe else None
    return Rendered(span_start, end, tuple(dict.fromkeys(texts)), fix)


def _match_case(replacement: str, original: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if not letters:
        return replacement
    words = _WORD_RE.findall(original)
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return replacement.upper()
    if len(words) > 1 and all(w[0].isupper() for w in words if w.lower() not in _SMALL_TITLE_WORDS):
        return _title_case(replacement)
    if letters[0].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _title_case(text: str) -> str:
    out = []
    for i, word in enumerate(text.split(" ")):
        if word.isupper() and len(word) > 1:  # an acronym stays as it is
            out.append(word)
        elif i > 0 and word.lower() in _SMALL_TITLE_WORDS:
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


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> str:
    """Apply the fixes of ``findings`` to ``text``; nothing outside their spans changes.

    With ``unsafe`` the first replacement is applied where no safe fix exists. Findings
    must belong to ``text`` (their ``text`` must equal the span); overlapping fixes are
    applied left to right and later overlapping ones skipped.
    """
    edits: list[tuple[int, int, str]] = []
    for f in sorted(findings, key=lambda f: (f.start, f.end)):
        replacement = f.fix if f.fix is not None else (f.replacements[0] if unsafe and f.replacements
                                                         and f.context is None else None)
        if replacement is None:
            continue
        if text[f.start:f.end] != f.text:
            raise ValueError(f"finding {f.rule} at {f.start}:{f.end} does not match the text "
                             f"({text[f.start:f.end]!r} != {f.text!r})")
        if edits and f.start < edits[-1][1]:
            continue
        edits.append((f.start, f.end, replacement))
    pieces: list[str] = []
    cursor = 0
    for start, end, replacement in edits:
        pieces.append(text[cursor:start])
        pieces.append(replacement)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def compose_message(rule: Rule, original: str, preferred: str | None, context: str | None,
                    note: str | None) -> str:
    if context is not None:
        prefer = f" (prefer “{preferred}” in your own words)" if preferred else ""
        return f"“{original}” is {note}: no change needed{prefer}."
    if preferred:
        return f"{rule.message} Use “{preferred}”."
    return rule.message


def sort_findings(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path or "", f.start, f.end, f.rule))
