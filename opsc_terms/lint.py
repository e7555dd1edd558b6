"""Checking a document: the one place where reading, checking and suppression meet.

:func:`lint_document` reads a source in its format, checks its prose, drops what the
document's suppression comments turn off, and settles what each fix edits. The command
line, the language server, the Python API and the spaCy component all call it, so a
document gets the same findings and the same fixes whichever face it is seen through.

:class:`DocumentLint` is the same pipeline for a document that changes a little at a
time (the language server's open documents): it keeps the document's sections with their
findings and, after a change, reads and checks only the sections the change touched. Its
findings equal :func:`lint_document`'s on the same text.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate, pairwise
from typing import Any

from . import detect, documents, sections
from .checker import Checker, CheckTimeout, work_clock
from .config import Config
from .documents import Directive, Prose
from .files import DEFAULT_MAX_FILE_SIZE
from .findings import Edit, Finding, apply_fixes, chosen_edits
from .lines import LineIndex, Span, line_starts
from .ruleset import available_languages


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
                  deadline: float | None = None, max_size: int = DEFAULT_MAX_FILE_SIZE) -> LintedDocument:
    """Check one document.

    ``source`` is the text (or, for Word documents, the file's bytes; bytes of a text
    format are decoded as UTF-8/16/32). ``fmt`` is a format name (see
    :data:`opsc_terms.documents.FORMATS`); ``config`` chooses the rules unless a
    ``checker`` built for it is given. With the language ``"auto"`` (the default), the
    document's language is detected, and so is each paragraph's where a document mixes
    languages: each part is checked with its own language's rules. Raises
    :class:`~opsc_terms.documents.DocumentError` for a document that cannot be read, and
    :class:`~opsc_terms.checker.CheckTimeout` past ``deadline`` (a time of
    :func:`~opsc_terms.checker.work_clock`, the thread's processor time). ``max_size``
    caps the text a Word document may inflate to.
    """
    from . import get_checker

    if checker is None:
        checker = get_checker(config)
    config = checker.config
    form = documents.get_format(fmt)
    prose = documents.read(source, form.name, max_size=max_size)
    checkers = _checkers_by_language(prose, config, checker)
    findings: list[Finding] = []
    for one, regions in checkers:
        findings += one.check(prose.text, regions=regions, masks=prose.masks, path=path, writable=form.writable,
                              deadline=deadline, emphasis=prose.emphasis)
    if len(checkers) > 1:
        findings.sort(key=lambda f: (f.start, f.end, f.rule))
    findings = apply_directives(findings, prose)
    if prose.adornments:
        findings = [_with_adornments(f, prose) for f in findings]
    return LintedDocument(prose, tuple(findings), form, _unknown_rules([c for c, _ in checkers], prose.directives))


def _checkers_by_language(prose: Prose, config: Config, checker: Checker,
                          document: str | None = None) -> list[tuple[Checker, tuple[Span, ...]]]:
    """The checker for each language of ``prose`` with the regions written in it: one
    checker for the whole text unless the configured language is ``"auto"``. ``document``
    is the language of the document ``prose`` is a part of (detected when not given)."""
    checkers: list[tuple[Checker, tuple[Span, ...]]] = [(checker, tuple(prose.regions))]
    if config.language != "auto":
        return checkers
    from . import get_checker  # the package's cache of checkers (it imports this module)

    _, parts = detect.paragraphs(prose.text, prose.regions, document=document)
    by_language: dict[str, list[Span]] = {}
    for span, language in parts:
        by_language.setdefault(language, []).append(span)
    return [(checker if language == checker.pack.language.language
             else get_checker(config.with_overrides(language=language)), tuple(spans))
            for language, spans in by_language.items()] or checkers


def unknown_rule_notes(text: str, unknown_rules: Sequence[tuple[Directive, str]],
                       checker: Checker) -> list[tuple[int, int, str]]:
    """(start, end, message) for each rule name in a suppression comment that no rule or
    family answers to (``unknown_rules`` of a checked ``text``), with the closest known
    name when there is one.

    A misspelt name would otherwise turn nothing off, silently; ruff warns about unknown
    codes in ``noqa`` comments the same way. The span is the name itself.
    """
    if not unknown_rules:
        return []
    import difflib

    names = sorted({r.id for r in checker.pack.rules} | {f.id for f in checker.pack.families})
    notes = []
    for directive, name in unknown_rules:
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


# --------------------------------------------------------------------------- a document kept between edits


@dataclass(eq=False)
class Section:
    """A part of a document, read and checked on its own (see :mod:`opsc_terms.sections`).

    ``findings`` and ``directives`` are relative to the section: offsets from its start,
    lines from its first line (1). The findings are those before suppression comments,
    which act across sections. ``memo`` keeps what a consumer derives from the findings
    (the language server keeps their serialised diagnostics there), so that work is done
    once per section, not once per edit.
    """

    length: int
    breaks: int  # line breaks inside the section: the next one starts that many lines further
    findings: tuple[Finding, ...]
    directives: tuple[Directive, ...] = ()
    # What tells the section's language (with the language "auto"): the document's
    # language is decided from the sum over its sections, as for the whole text.
    evidence: detect.Evidence | None = None
    memo: dict[Any, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionedDocument:
    """One version of a document as :class:`DocumentLint` checked it.

    :attr:`findings` equals ``lint_document(text, format).findings``; it is built on first
    use, so a consumer that only needs each section's findings never pays for it.
    """

    text: str
    format: documents.Format
    sections: tuple[Section, ...]
    starts: tuple[int, ...]  # offset of each section
    first_lines: tuple[int, ...]  # number of the line (from 1) each section starts on
    checker: Checker
    path: str | None = None
    settled: bool = False  # read whole by lint_document: the one section's findings are final
    whole_unknown: tuple[tuple[Directive, str], ...] = ()

    @property
    def suppressed(self) -> bool:
        """Do suppression comments decide which findings are kept?"""
        return not self.settled and any(s.directives for s in self.sections)

    def located(self) -> list[tuple[int, int, Finding]]:
        """(section index, index in the section, finding in the document) for every finding
        kept, in the order of :attr:`findings`."""
        out: list[tuple[int, int, Finding]] = []
        for k, section in enumerate(self.sections):
            if section.findings:
                start, line = self.starts[k], self.first_lines[k] - 1
                out.extend((k, i, _moved(f, start, line, self.path)) for i, f in enumerate(section.findings))
        if self.suppressed:
            kept = {id(f) for f in apply_directives([f for _, _, f in out], self._prose())}
            out = sorted((x for x in out if id(x[2]) in kept), key=lambda x: (x[2].start, x[2].end, x[2].rule))
        return out

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for _, _, f in self.located())

    @cached_property
    def directives(self) -> tuple[Directive, ...]:
        return tuple(replace(d, offset=d.offset + start, start=d.start + start if d.start >= 0 else -1)
                     for section, start in zip(self.sections, self.starts, strict=True) for d in section.directives)

    @cached_property
    def unknown_rules(self) -> tuple[tuple[Directive, str], ...]:
        if self.settled:
            return self.whole_unknown
        if not self.directives:
            return ()
        return _unknown_rules(_all_checkers(self.checker), self.directives)

    def _prose(self) -> Prose:
        return Prose(self.text, (), directives=self.directives, format=self.format.name)


class DocumentLint:
    """A document checked again after every change, re-reading only what changed.

    :meth:`update` takes the document's whole new text. The part that differs from the
    previous text is found by comparing the two (in C, a fraction of a millisecond for
    a long document); only the sections it touches are read and checked again, and the
    sections before and after it are kept as they were. Formats without safe cuts (see
    :mod:`opsc_terms.sections`) are checked whole with :func:`lint_document`. Either way
    the findings equal those of :func:`lint_document` on the same text.

    Not safe for use from several threads at once; one instance serves one document.
    """

    def __init__(self, fmt: str, checker: Checker, *, path: str | None = None, min_size: int = 16_384,
                 section_size: int = sections.SECTION) -> None:
        self.format = documents.get_format(fmt)
        self.checker = checker
        self.path = path
        self.min_size = min_size  # shorter documents are read whole: it is as fast
        self.section_size = section_size  # characters a section grows to before it is cut
        self._text: str | None = None
        self._sections: list[Section] = []
        self._lengths: list[int] = []
        self._settled = False
        self._unknown: tuple[tuple[Directive, str], ...] = ()
        self._result: SectionedDocument | None = None
        self._language: str | None = None  # the document's language the sections were checked for

    def update(self, text: str, *, deadline: float | None = None) -> SectionedDocument:
        """Check ``text``, the document's current text.

        ``deadline`` (a :func:`~opsc_terms.checker.work_clock` time) bounds the work: past it,
        :class:`~opsc_terms.checker.CheckTimeout` is raised between two steps and the
        previous version stays the current one.
        """
        if self._result is not None and text == self._text:
            return self._result
        cutter = sections.cutter(self.format.name, text, self.section_size) if len(text) >= self.min_size else None
        if cutter is None:
            self._whole(text, deadline)
        elif self._text is None or self._settled:
            bounds = [0, *(cutter(text, 0, len(text)) or ()), len(text)]
            self._replace(text, 0, len(self._sections), bounds, deadline)
        else:
            self._splice(text, cutter, deadline)
        self._text = text
        starts = tuple(accumulate(self._lengths, initial=0))[:-1]
        first_lines = tuple(accumulate((s.breaks for s in self._sections), initial=1))[:-1]
        self._result = SectionedDocument(text, self.format, tuple(self._sections), starts, first_lines, self.checker,
                                         self.path, self._settled, self._unknown)
        return self._result

    def _whole(self, text: str, deadline: float | None) -> None:
        _check_deadline(deadline)
        linted = lint_document(text, self.format.name, checker=self.checker, deadline=deadline)
        self._sections = [Section(len(text), _breaks(text), linted.findings)]
        self._lengths = [len(text)]
        self._settled = True
        self._unknown = linted.unknown_rules

    def _splice(self, text: str, cutter: sections.Cutter, deadline: float | None) -> None:
        old = self._text
        assert old is not None
        prefix = _common_prefix(old, text)
        suffix = _common_suffix(old, text, min(len(old), len(text)) - prefix)
        old_end, delta = len(old) - suffix, len(text) - len(old)
        starts = list(accumulate(self._lengths, initial=0))[:-1]
        # From the section before the one the change starts in: the cut that starts the
        # latter depends on the lines around it, which the change may have touched.
        first = max(bisect_right(starts, prefix) - 2, 0)
        if first and sections.head(self.format.name, old) != sections.head(self.format.name, text):
            first = 0  # a line far below opened or closed front matter at the top
        last = bisect_right(starts, old_end)  # the first section that starts after the change
        step = 1
        while True:
            end = starts[last] + delta if last < len(starts) else len(text)
            cuts = cutter(text, starts[first], end)
            if cuts is not None:
                break
            # The old cut is no longer one (a code fence opened above it, say): take in more.
            last, step = min(len(starts), last + step), step * 2
        # Sections the change did not touch keep what was found in them.
        unchanged = {old[a:b]: section for (a, b), section in zip(
            pairwise([*starts[first:last], starts[last] if last < len(starts) else len(old)]),
            self._sections[first:last], strict=True) if b <= prefix}
        self._replace(text, first, last, [starts[first], *cuts, end], deadline, unchanged)

    def _replace(self, text: str, first: int, last: int, bounds: Sequence[int], deadline: float | None,
                 unchanged: dict[str, Section] | None = None) -> None:
        """Sections ``first:last`` become the sections between ``bounds`` (read again,
        unless ``unchanged`` has one with the same text); nothing changes if the deadline
        passes meanwhile."""
        pieces = [text[start:end] for start, end in pairwise(bounds)]
        kept = [unchanged.get(piece) if unchanged else None for piece in pieces]
        read: list[Prose | None] = []
        for piece, section in zip(pieces, kept, strict=True):
            _check_deadline(deadline)
            read.append(documents.read(piece, self.format.name) if section is None else None)
        language: str | None = None
        evidence: list[detect.Evidence | None] = [None] * len(read)
        if self.checker.config.language == "auto":
            # The document's language, from every section's evidence. When it changed,
            # the sections checked for the old one are checked again.
            outside = [*self._sections[:first], *self._sections[last:]]
            evidence = [detect.evidence(p.text, p.regions) if p is not None else None for p in read]
            parts = [*(s.evidence for s in outside), *(s.evidence for s in kept if s is not None), *evidence]
            total = detect.combined(e for e in parts if e is not None)
            language = detect.document_language(total)
            if language != self._language and (outside or any(s is not None for s in kept)):
                self._language = language
                everything = [0, *accumulate(self._lengths[:first]), *(b for b in bounds[1:]),
                              *(bounds[-1] + n for n in accumulate(self._lengths[last:]))]
                self._replace(text, 0, len(self._sections), everything, deadline)
                return
            self._language = language
        fresh = []
        for piece, section, prose, found in zip(pieces, kept, read, evidence, strict=True):
            _check_deadline(deadline)
            if section is None:
                assert prose is not None
                section = self._section(piece, prose, language, deadline, found)
            fresh.append(section)
        self._sections[first:last] = fresh
        self._lengths[first:last] = [s.length for s in fresh]
        self._settled = False
        self._unknown = ()

    def _section(self, piece: str, prose: Prose, language: str | None, deadline: float | None,
                 evidence: detect.Evidence | None) -> Section:
        checkers = _checkers_by_language(prose, self.checker.config, self.checker, language)
        findings: list[Finding] = []
        for one, regions in checkers:
            findings += one.check(piece, regions=regions, masks=prose.masks, writable=self.format.writable,
                                  deadline=deadline, emphasis=prose.emphasis)
        if len(checkers) > 1:
            findings.sort(key=lambda f: (f.start, f.end, f.rule))
        return Section(len(piece), _breaks(piece), tuple(findings), prose.directives, evidence=evidence)


def _all_checkers(checker: Checker) -> list[Checker]:
    """``checker``, and with the language "auto" the checkers of every shipped language (a
    suppression comment may name a rule of any language the document uses)."""
    if checker.config.language != "auto":
        return [checker]
    from . import get_checker

    return [checker, *(get_checker(checker.config.with_overrides(language=language))
                       for language in available_languages() if language != checker.pack.language.language)]


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and work_clock() > deadline:
        raise CheckTimeout


def _unknown_rules(checkers: Iterable[Checker], directives: Iterable[Directive]) -> tuple[tuple[Directive, str], ...]:
    known = {"all"}
    for checker in checkers:
        known |= {r.id for r in checker.pack.rules} | {fam.id for fam in checker.pack.families}
    return tuple((d, name) for d in directives for name in d.rules if name not in known)


def _moved(f: Finding, offset: int, lines: int, path: str | None) -> Finding:
    """A section's finding at its place in the document."""
    if not offset and not lines and path is None:
        return f
    fix = f.fix
    if fix is not None and offset:
        fix = replace(fix, edits=tuple(Edit(e.start + offset, e.end + offset, e.text) for e in fix.edits))
    return replace(f, start=f.start + offset, end=f.end + offset, line=f.line + lines, end_line=f.end_line + lines,
                   fix=fix, path=path)


def _breaks(text: str) -> int:
    """Line breaks in ``text`` ("\r\n" counts once)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


_PIECE = 1 << 14


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix, compared a piece at a time in C."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i:i + _PIECE] == b[i:i + _PIECE]:
        i += _PIECE
    lo, hi = i, min(i + _PIECE, n)
    while lo < hi:  # the answer is in [lo, hi]: halve the piece that differs
        mid = (lo + hi + 1) // 2
        if a[i:mid] == b[i:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    la, lb = len(a), len(b)
    i = 0
    while i < limit and a[la - min(i + _PIECE, limit):la - i] == b[lb - min(i + _PIECE, limit):lb - i]:
        i = min(i + _PIECE, limit)
    if i >= limit:
        return limit
    lo, hi = i, min(i + _PIECE, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[la - mid:la - i] == b[lb - mid:lb - i]:
            lo = mid
        else:
            hi = mid - 1
    return lo
