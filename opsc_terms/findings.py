"""Findings, their fixes, and how fixes are applied.

A :class:`Finding` is one reported occurrence. Its :class:`Fix` says what the reported
words should read and how far a tool may go on its own, as ruff does:

- ``safe``: applied by ``--fix``, the editor's Fix All and its preferred quick fix;
- ``unsafe``: applied only with ``--unsafe-fixes``, offered as a quick fix that is not
  preferred;
- ``display-only``: advice shown to the reader, never applied by any tool.

The level is decided once, by :func:`applicability`, from the occurrence's context (a
mention or a quotation is never rewritten), its markup, the document's format and whether
the rendered replacement reads right in its sentence. Every output reads that one field.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from .ruleset import Severity

Applicability = Literal["safe", "unsafe", "display-only"]
APPLICABILITIES: tuple[Applicability, ...] = ("safe", "unsafe", "display-only")


@dataclass(frozen=True)
class Edit:
    """Replace ``start:end`` of the source with ``text``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fix:
    """What the reported words should read, and whether a tool may write it.

    ``text`` is the whole reported span as it would read after the fix; ``edits`` are the
    changes that make it (inside the span, plus the underline of a reStructuredText title
    that must keep its length). ``note`` says, in a few words, why a fix is not safe.
    """

    text: str
    applicability: Applicability
    edits: tuple[Edit, ...]
    note: str | None = None

    def applies(self, *, unsafe: bool = False) -> bool:
        return self.applicability == "safe" or (unsafe and self.applicability == "unsafe")

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "applicability": self.applicability, "note": self.note,
                "edits": [asdict(e) for e in self.edits]}


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
    fix: Fix | None
    sources: tuple[str, ...]
    family: str
    category: str
    context: str | None = None
    path: str | None = None
    lang: str = "en"  # the language of the rules that judged it

    def fixable(self, *, unsafe: bool = False) -> bool:
        """Would ``--fix`` (or ``--fix --unsafe-fixes``) change this finding?"""
        return self.fix is not None and self.fix.applies(unsafe=unsafe)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (see README, "JSON output")."""
        data: dict[str, Any] = {
            "path": self.path, "rule": self.rule, "severity": self.severity, "message": self.message,
            "line": self.line, "column": self.column, "end_line": self.end_line, "end_column": self.end_column,
            "start": self.start, "end": self.end, "text": self.text, "replacements": list(self.replacements),
            "fix": self.fix.to_dict() if self.fix is not None else None, "sources": list(self.sources),
            "family": self.family, "category": self.category, "context": self.context, "lang": self.lang,
        }
        return data


# --------------------------------------------------------------------------- deciding


# Occurrences whose words stay as written, whatever the replacement: someone else's words,
# a word named as a word, a title, law in force.
LEFT_AS_WRITTEN = frozenset({
    "mention", "gloss", "quotation", "definition", "citation", "amendment", "title", "name", "work", "guidance",
    "denial", "offence", "clinical",
})


def applicability(*, context: str | None, grammar: str | None, quoted: bool, acronym: bool, automatic: bool,
                  crosses_markup: bool, writable: bool, advice: bool = False) -> tuple[Applicability, str | None]:
    """How far a tool may go with an occurrence's fix, and why not further (a note key:
    ``note.KEY`` in :mod:`opsc_terms.labels` holds its text in each language).

    - ``context``: what the judgement found the occurrence to be (None for a plain use);
    - ``grammar``: None when the rendered replacement reads right in its sentence,
      ``"unsafe:KEY"`` when it probably does, ``"no:KEY"`` when it cannot;
    - ``quoted``: the words stand inside quotation marks (scare quotes around a use are
      still reported, but the quoted bytes are never rewritten automatically);
    - ``acronym``: a short form, which may deserve another short form;
    - ``automatic``: the rule data names a fix that is right whatever the sentence means;
    - ``advice``: the rule data says its replacements are advice, never edits;
    - ``crosses_markup``: the reported words run across markup the fix would delete;
    - ``writable``: the document's format can take a fix in place (Word files cannot).
    """
    if context is not None and context in LEFT_AS_WRITTEN:
        return "display-only", context
    if grammar is not None and grammar.startswith("no:"):
        return "display-only", grammar[3:]
    if advice:
        return "display-only", "advice"
    if crosses_markup:
        return "display-only", "markup"
    if not writable:
        return "display-only", None  # the format is annotated for review, never rewritten
    if context is not None:  # capped at warning: legal register, a defining sentence, a title's subtitle
        return "unsafe", "capped"
    if quoted:
        return "unsafe", "quoted"
    if acronym:
        return "unsafe", "acronym"
    if grammar is not None:
        return "unsafe", grammar.split(":", 1)[-1]
    if not automatic:
        return "unsafe", "meaning"
    return "safe", None


# --------------------------------------------------------------------------- applying


def chosen_edits(findings: Iterable[Finding], *, unsafe: bool = False) -> list[tuple[Finding, tuple[Edit, ...]]]:
    """The fixes to apply, left to right, each whole or not at all.

    The one overlap rule: a fix is skipped when any of its edits overlaps (or touches the
    same point as) an edit of a fix already chosen; the earlier fix wins.
    """
    chosen: list[tuple[Finding, tuple[Edit, ...]]] = []
    # The edits taken so far, sorted. They never overlap or touch (but for insertions at
    # one point), so their ends are in order too: an edit is compared only with the few
    # taken edits around it, and a file with tens of thousands of fixes stays linear.
    starts: list[int] = []
    ends: list[int] = []

    def conflicts(a: int, b: int) -> bool:
        k = bisect_left(ends, a)  # taken edits that end before ``a`` cannot touch it
        while k < len(starts) and starts[k] <= b:
            if _overlaps(a, b, starts[k], ends[k]):
                return True
            k += 1
        return False

    for f in sorted(findings, key=lambda f: (f.start, f.end, f.rule)):
        if f.fix is None or not f.fix.applies(unsafe=unsafe):
            continue
        edits = f.fix.edits
        if any(conflicts(e.start, e.end) for e in edits):
            continue
        chosen.append((f, edits))
        for e in edits:
            at = bisect_right(starts, e.start)
            starts.insert(at, e.start)
            ends.insert(at, e.end)
    return chosen


def _overlaps(a: int, b: int, c: int, d: int) -> bool:
    if a == b and c == d:
        return False  # two insertions at one point (a title's underline growing twice) both apply
    if a == b or c == d:  # an insertion conflicts with an edit that covers or touches its point
        return c <= a <= d if a == b else a <= c <= b
    return a < d and c < b


def apply_fixes(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> str:
    """``text`` with the fixes of ``findings`` applied (safe ones; unsafe ones too with
    ``unsafe``); nothing outside their edits changes.

    Findings must belong to ``text``: a finding whose span no longer holds its words is an
    error, never a silent edit somewhere else.
    """
    edits: list[Edit] = []
    for f, fix_edits in chosen_edits(findings, unsafe=unsafe):
        if text[f.start:f.end] != f.text:
            raise ValueError(f"finding {f.rule} at {f.start}:{f.end} does not match the text "
                             f"({text[f.start:f.end]!r} != {f.text!r})")
        edits.extend(fix_edits)
    return apply_edits(text, edits)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    pieces: list[str] = []
    cursor = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        pieces.append(text[cursor:e.start])
        pieces.append(e.text)
        cursor = max(cursor, e.end)
    pieces.append(text[cursor:])
    return "".join(pieces)


def sort_findings(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path or "", f.start, f.end, f.rule))
