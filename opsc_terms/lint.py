"""Checking a document: the one place where reading, checking and suppression meet.

:func:`lint_document` reads a source in its format, checks its prose, drops what the
document's suppression comments turn off, and settles what each fix edits. The command
line, the language server, the Python API and the spaCy component all call it, so a
document gets the same findings and the same fixes whichever face it is seen through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from . import detect, documents
from .checker import Checker
from .config import Config
from .documents import Directive, Prose
from .files import DEFAULT_MAX_FILE_SIZE
from .findings import Edit, Finding, apply_fixes, chosen_edits
from .lines import LineIndex, Span, line_starts


@dataclass(frozen=True)
class LintedDocument:
    """A checked document: what was read, and its findings in order of position."""

    prose: Prose
    findings: tuple[Finding, ...]
    format: documents.Format
    # Rule names in suppression comments that no rule or family answers to: (directive, name).
    unknown_rules: tuple[tuple[Directive, str], ...] = ()


def lint_document(source: str | bytes, fmt: str = "text", config: Config | None = None, *,
                  path: str | None = None, checker: Checker | None = None,
                  max_size: int = DEFAULT_MAX_FILE_SIZE) -> LintedDocument:
    """Check one document.

    ``source`` is the text (or, for Word documents, the file's bytes; bytes of a text
    format are decoded as UTF-8/16/32). ``fmt`` is a format name (see
    :data:`opsc_terms.documents.FORMATS`); ``config`` chooses the rules unless a
    ``checker`` built for it is given. With the language ``"auto"`` (the default), the
    document's language is detected, and so is each paragraph's where a document mixes
    languages: each part is checked with its own language's rules. Raises
    :class:`~opsc_terms.documents.DocumentError` for a document that cannot be read.
    ``max_size`` caps the text a Word document may inflate to.
    """
    from . import get_checker

    if checker is None:
        checker = get_checker(config)
    config = checker.config
    form = documents.get_format(fmt)
    prose = documents.read(source, form.name, max_size=max_size)
    checkers: list[tuple[Checker, tuple[Span, ...]]] = [(checker, prose.regions)]
    if config.language == "auto":
        _, parts = detect.paragraphs(prose.text, prose.regions)
        by_language: dict[str, list[Span]] = {}
        for span, language in parts:
            by_language.setdefault(language, []).append(span)
        checkers = [(checker if language == checker.pack.language.language
                     else get_checker(config.with_overrides(language=language)), tuple(spans))
                    for language, spans in by_language.items()] or checkers
    findings: list[Finding] = []
    known = {"all"}
    for one, regions in checkers:
        findings += one.check(prose.text, regions=regions, masks=prose.masks, path=path, writable=form.writable)
        known |= {r.id for r in one.pack.rules} | {fam.id for fam in one.pack.families}
    if len(checkers) > 1:
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
    findings = apply_directives(findings, prose)
    if prose.adornments:
        findings = [_with_adornments(f, prose) for f in findings]
    unknown = tuple((d, name) for d in prose.directives for name in d.rules if name not in known)
    return LintedDocument(prose, tuple(findings), form, unknown)


def unknown_rule_notes(linted: LintedDocument, checker: Checker) -> list[tuple[int, int, str]]:
    """(start, end, message) for each rule name in a suppression comment that no rule or
    family answers to, with the closest known name when there is one.

    A misspelt name would otherwise turn nothing off, silently; ruff warns about unknown
    codes in ``noqa`` comments the same way. The span is the name itself.
    """
    if not linted.unknown_rules:
        return []
    import difflib

    names = sorted({r.id for r in checker.pack.rules} | {f.id for f in checker.pack.families})
    text = linted.prose.text
    notes = []
    for directive, name in linted.unknown_rules:
        at = text.find(name, directive.start, directive.offset) if directive.start >= 0 else -1
        start, end = (at, at + len(name)) if at >= 0 else (directive.offset, directive.offset)
        shown = name if len(name) <= 60 else name[:59] + "…"
        hint = difflib.get_close_matches(name, names, n=1)
        notes.append((start, end, f"unknown rule {shown!r} in a suppression comment"
                                  + (f"; did you mean {hint[0]!r}?" if hint else " (see `opsc-terms rules`)")))
    return notes


@dataclass(frozen=True)
class FixedDocument:
    """A document after its fixes: the new text, how many fixes went in, what is left."""

    text: str
    fixed: int
    passes: int
    remaining: LintedDocument


def fix_document(source: str, fmt: str = "text", config: Config | None = None, *, path: str | None = None,
                 checker: Checker | None = None, unsafe: bool = False,
                 keep: Callable[[str, list[Finding]], list[Finding]] | None = None,
                 max_passes: int = 10) -> FixedDocument:
    """Apply a document's fixes until none is left (as ruff does), checking again after each pass.

    One pass is almost always enough; another is needed only when a fix changes what its
    neighbour's fix depends on (the word after a term decides its form). ``keep`` filters
    the findings of each pass (a baseline's recorded findings are neither reported nor
    fixed).
    """
    if checker is None:
        from . import get_checker

        checker = get_checker(config)
    text, fixed, passes = source, 0, 0
    while True:
        linted = lint_document(text, fmt, checker=checker, path=path)
        findings = keep(text, list(linted.findings)) if keep is not None else list(linted.findings)
        chosen = chosen_edits(findings, unsafe=unsafe)
        if not chosen or passes >= max_passes:
            return FixedDocument(text, fixed, passes, replace(linted, findings=tuple(findings)))
        text = apply_fixes(text, findings, unsafe=unsafe)
        fixed += len(chosen)
        passes += 1


# --------------------------------------------------------------------------- suppression comments


def apply_directives(findings: Iterable[Finding], prose: Prose) -> list[Finding]:
    """Drop the findings that the document's suppression comments turn off.

    ``disable``/``enable`` act from the end of the comment onwards; the last one that names
    a finding's rule (or its family, or no rule at all) before the finding decides.
    ``disable-next-line`` applies to the next non-blank line after the comment (reStructuredText
    needs a blank line after a comment), ``disable-line`` to the comment's own line.
    """
    findings = list(findings)
    if not prose.directives or not findings:
        return findings
    directives = sorted(prose.directives, key=lambda d: d.offset)
    lines = LineIndex(prose.text)
    starts = line_starts(prose.text)
    by_line: dict[int, list[Directive]] = {}
    for d in directives:
        if d.action == "disable-next-line":
            by_line.setdefault(_next_nonblank_line(prose.text, starts, lines.position(d.offset)[0]), []).append(d)
        elif d.action == "disable-line":
            by_line.setdefault(lines.position(d.offset)[0], []).append(d)
    # One sweep: the latest disable/enable for each name (a rule, a family, or every rule),
    # so thousands of comments cost no more than one pass over them.
    ranges = [d for d in directives if d.action in ("disable", "enable")]
    latest: dict[str, tuple[int, str]] = {}
    kept = []
    next_range = 0
    for f in sorted(findings, key=lambda f: f.start):
        while next_range < len(ranges) and ranges[next_range].offset <= f.start:
            d = ranges[next_range]
            for name in d.rules or ("*",):
                latest["*" if name == "all" else name] = (next_range, d.action)
            next_range += 1
        if any(_names(d, f) for d in by_line.get(f.line, ())):
            continue
        decisive = max((latest[k] for k in (f.rule, f.family, "*") if k in latest), default=None)
        if decisive is None or decisive[1] != "disable":
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end, f.rule))


def _next_nonblank_line(text: str, starts: list[int], line: int) -> int:
    """The first line after ``line`` (1-based) that holds more than whitespace."""
    number = line + 1
    while number <= len(starts):
        start = starts[number - 1]
        end = starts[number] if number < len(starts) else len(text)
        if text[start:end].strip():
            return number
        number += 1
    return number


def _names(d: Directive, f: Finding) -> bool:
    return not d.rules or f.rule in d.rules or f.family in d.rules or "all" in d.rules


# --------------------------------------------------------------------------- titles with underlines


def _with_adornments(f: Finding, prose: Prose) -> Finding:
    """A fix in a reStructuredText title also lengthens its underline (and overline).

    A title longer than its underline is an error in reStructuredText, so a fix that makes
    the title longer adds the same number of adornment characters. A shorter title keeps
    its underline, which is still valid.
    """
    if f.fix is None:
        return f
    for a in prose.adornments:
        if not (a.title[0] <= f.start and f.end <= a.title[1]):
            continue
        growth = len(f.fix.text) - (f.end - f.start)
        if growth <= 0:
            return f
        extra = tuple(Edit(end, end, a.char * growth) for _, end in a.lines)
        return replace(f, fix=replace(f.fix, edits=f.fix.edits + extra))
    return f
