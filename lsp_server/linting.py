"""Checking open documents: debounced, off the event loop, incremental, time-boxed.

Each document has at most one pending check. An edit cancels the pending one and
schedules another after the debounce delay, so a burst of edits costs one check of the
final text. A result is kept and published only if the document still has the version
and the settings it was computed for; anything older is dropped.

A document is checked with a :class:`~opsc_terms.lint.DocumentLint` kept for it between
edits: only the sections an edit touches are read and checked again, and each section
keeps its diagnostics already serialised, so an edit in a long document costs about the
size of the edit, not of the document. The diagnostics are sent as prepared JSON.

Checks run on worker threads, one check of a document at a time and in order. A check
that takes longer than the time box is abandoned between two steps (the document keeps
its last complete result and the user is told it is too complex to check), and a new
thread takes the other documents' checks meanwhile, so one pathological document never
holds up the others.
"""

from __future__ import annotations

import asyncio
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from opsc_terms import Checker, Finding
from opsc_terms.checker import CheckTimeout, work_clock
from opsc_terms.documents import format_for
from opsc_terms.explain import rule_url
from opsc_terms.findings import chosen_edits
from opsc_terms.lint import DocumentLint, SectionedDocument, fix_document, unknown_rule_notes

from .positions import PositionMap
from .settings import CheckerPool, EditorSettings, Problem

if TYPE_CHECKING:
    from .server import OpscLanguageServer

logger = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = "opsc-terms"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
DEFAULT_CHECK_TIMEOUT = 20.0  # seconds
_CONVERTER = default_converter()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class Snapshot:
    """A document as it was when a check started."""

    uri: str
    version: int | None
    text: str
    language_id: str
    path: Path | None
    codec: PositionCodec


@dataclass(frozen=True)
class LintResult:
    """The findings of one snapshot, and what hovers and code actions need from them.

    Findings, diagnostics and the position map are built when first asked for: an edit
    publishes the prepared JSON (:attr:`diagnostics_json`) and needs none of them.
    """

    snapshot: Snapshot
    generation: int
    checked: SectionedDocument | None = None
    checker: Checker | None = None
    # The diagnostics as a JSON array, ready to send: the findings', then notices of
    # problems that are not findings (unknown rule names in suppression comments).
    diagnostics_json: str = "[]"

    @property
    def result_id(self) -> str:
        return f"{self.generation}:{self.snapshot.version}"

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        return self.checked.findings if self.checked is not None else ()

    @cached_property
    def positions(self) -> PositionMap:
        return PositionMap(self.snapshot.text, self.snapshot.codec)

    @cached_property
    def diagnostics(self) -> tuple[types.Diagnostic, ...]:
        if self.checker is None:
            return ()
        return tuple(to_diagnostic(f, self.checker, self.positions) for f in self.findings)


@dataclass
class _State:
    task: asyncio.Task[None] | None = None
    result: LintResult | None = None
    lint: DocumentLint | None = None  # the document's sections, kept between edits
    running: Future[Any] | None = None  # the check on a worker thread, if any
    timed_out: tuple[int, int | None] | None = None  # (generation, version) whose check ran out of time
    # Resolved (then replaced) whenever a check of this document ends, current or not,
    # so whoever waits for a current result looks again.
    ended: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())

    def wake(self) -> None:
        if not self.ended.done():
            self.ended.set_result(None)
        self.ended = asyncio.get_running_loop().create_future()


def document_format(language_id: str) -> str:
    """The library's format for an LSP language id; language ids that the settings add
    and that no adapter knows are read as plain text."""
    return format_for(language_id) or "text"


def severity_of(finding: Finding) -> types.DiagnosticSeverity:
    """Occurrences that need no change (a title, a quoted mention, cited law) are hints:
    editors show them faintly and keep them out of problem lists, so only real problems
    compete for attention. A plain use keeps the rule's severity, info included, and so
    does an occurrence capped at warning (statutory wording), which still needs a look."""
    if finding.context is not None and finding.severity == "info":
        return types.DiagnosticSeverity.Hint
    return _SEVERITY[finding.severity]


def to_diagnostic(finding: Finding, checker: Checker, positions: PositionMap) -> types.Diagnostic:
    """The diagnostic of a finding. Its ``data`` holds everything a quick fix needs, with
    offsets counted from the finding's start, so it stays valid wherever the finding moves
    (the diagnostics of an unchanged section are reused after edits above it)."""
    rule = checker.pack.rule(finding.rule)
    fix = None
    if finding.fix is not None:
        fix = finding.fix.to_dict()
        fix["edits"] = [{"start": e.start - finding.start, "end": e.end - finding.start, "text": e.text}
                        for e in finding.fix.edits]
    return types.Diagnostic(
        range=positions.range(finding.start, finding.end),
        message=finding.message,
        severity=severity_of(finding),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(rule)),
        source=SOURCE,
        # ``text`` lets the server make sure the span still holds what was reported.
        data={"rule": finding.rule, "replacements": list(finding.replacements), "fix": fix, "text": finding.text},
    )


# --------------------------------------------------------------------------- diagnostics as JSON

# One diagnostic's JSON around its two line numbers, the only part that changes when the
# section it is in moves up or down: (start line, end line, head, middle, tail), lines
# relative to the section.
_Pieces = tuple[int, int, str, str, str]


def _diagnostic_pieces(finding: Finding, checker: Checker, positions: PositionMap) -> _Pieces:
    span = positions.range(finding.start, finding.end)
    key = (id(checker), finding.rule, finding.severity, finding.context, finding.message, finding.text,
           finding.replacements, finding.fix.text if finding.fix else None,
           finding.fix.applicability if finding.fix else None, finding.fix.note if finding.fix else None,
           tuple((e.start - finding.start, e.end - finding.start, e.text) for e in finding.fix.edits)
           if finding.fix else ())
    rest = _BODIES.get(key)
    if rest is None:
        # Everything but the range is the same wherever the words stand: serialised once.
        raw = _CONVERTER.unstructure(to_diagnostic(finding, checker, positions))
        del raw["range"]
        rest = json.dumps(raw)[1:]
        if len(_BODIES) > 50_000:
            _BODIES.clear()
        _BODIES[key] = rest
    return (span.start.line, span.end.line, '{"range": {"start": {"line": ',
            f', "character": {span.start.character}}}, "end": {{"line": ',
            f', "character": {span.end.character}}}}}, {rest}')


# The serialised diagnostic of each distinct finding (apart from where it stands).
_BODIES: dict[tuple[Any, ...], str] = {}


def _render(pieces: _Pieces, first_line: int) -> str:
    start, end, head, middle, tail = pieces
    return f"{head}{first_line + start}{middle}{first_line + end}{tail}"


def diagnostics_json(checked: SectionedDocument, checker: Checker, codec: PositionCodec) -> str:
    """The diagnostics of a checked document as a JSON array.

    Each section keeps its diagnostics' JSON (for this position encoding); a section that
    only moved is re-rendered with its new line numbers by string formatting, and one
    that did not move is reused as it is.
    """
    encoding = codec.encoding or types.PositionEncodingKind.Utf16
    key = ("lsp-diagnostics", encoding)
    text = checked.text
    parts: list[str] = []

    def pieces_of(k: int) -> list[_Pieces]:
        section = checked.sections[k]
        cached = section.memo.get(key)
        if cached is None:
            start = checked.starts[k]
            positions = PositionMap(text[start:start + section.length], codec)
            cached = section.memo[key] = [_diagnostic_pieces(f, checker, positions) for f in section.findings]
        return cached

    if checked.suppressed:  # suppression comments act across sections: findings one by one
        for k, i, _ in checked.located():
            parts.append(_render(pieces_of(k)[i], checked.first_lines[k] - 1))
        return "[" + ", ".join(parts) + "]"
    joined_key = ("lsp-joined", encoding)
    for k, section in enumerate(checked.sections):
        if not section.findings:
            continue
        line = checked.first_lines[k] - 1
        joined = section.memo.get(joined_key)
        if joined is None or joined[0] != line:
            joined = section.memo[joined_key] = (line, ", ".join(_render(p, line) for p in pieces_of(k)))
        parts.append(joined[1])
    return "[" + ", ".join(parts) + "]"


# --------------------------------------------------------------------------- checking


def lint(snapshot: Snapshot, settings: EditorSettings, checkers: CheckerPool, generation: int,
         state: _State, timeout: float) -> tuple[LintResult, list[Problem]]:
    """Check one snapshot (on a worker thread), as the command line checks a file: the
    same readers, suppression comments and configuration. Raises CheckTimeout past the
    time box."""
    if not settings.checks(snapshot.language_id):
        return LintResult(snapshot, generation), []
    resolved = checkers.resolve(snapshot.path, settings)
    checker = resolved.checker
    if checker is None:  # excluded by the project's configuration
        return LintResult(snapshot, generation), resolved.problems
    fmt = document_format(snapshot.language_id)
    lint = state.lint
    if lint is None or lint.checker is not checker or lint.format.name != fmt:
        lint = state.lint = DocumentLint(fmt, checker)
    checked = lint.update(snapshot.text, deadline=work_clock() + timeout)
    serialised = diagnostics_json(checked, checker, snapshot.codec)
    notes = unknown_rule_notes(checked.text, checked.unknown_rules, checker)
    if notes:
        positions = PositionMap(snapshot.text, snapshot.codec)
        notices = [json.dumps(_CONVERTER.unstructure(types.Diagnostic(
            range=positions.range(start, end), message=message, source=SOURCE,
            severity=types.DiagnosticSeverity.Warning, code="unknown-rule"))) for start, end, message in notes]
        serialised = "[" + ", ".join([*([serialised[1:-1]] if serialised != "[]" else []), *notices]) + "]"
    return (LintResult(snapshot, generation, checked, checker, serialised),
            resolved.problems)


def fix_all_edits(result: LintResult) -> list[tuple[int, int, str]]:
    """(start, end, new text) edits that take the snapshot to its text after ``--fix``.

    One pass of fixes is the usual case: its edits go as they are. When a fix changes what
    a neighbour's fix depends on and another pass follows, the whole change is sent as one
    edit of the region that differs.
    """
    first = [(e.start, e.end, e.text) for _, edits in chosen_edits(result.findings) for e in edits]
    if not first or result.checker is None:
        return first
    text = result.snapshot.text
    done = fix_document(text, document_format(result.snapshot.language_id), checker=result.checker)
    if done.passes <= 1:
        return first
    new = done.text
    prefix = 0
    while prefix < min(len(text), len(new)) and text[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(text), len(new)) - prefix and text[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return [(prefix, len(text) - suffix, new[prefix:len(new) - suffix])]


class Workers:
    """Threads that run checks, started as they are needed.

    A job goes to an idle thread, or to a new one while fewer than ``size`` threads are
    busy with jobs that started less than ``stall`` seconds ago: a thread stuck in one
    long check (which Python cannot interrupt) does not count, so other documents are
    still checked. The threads are daemons, not a ThreadPoolExecutor: Python waits for an
    executor's threads when the process ends, so a client that says "exit" in the middle
    of the check of a long document would wait for it to finish.
    """

    def __init__(self, name: str, size: int = 4, stall: float = DEFAULT_CHECK_TIMEOUT) -> None:
        self.name = name
        self.size = size
        self.stall = stall
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None] = \
            queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._waiting = 0  # threads waiting for a job, less the jobs queued for them
        self._busy: dict[int, float] = {}  # thread id -> when its current job started
        self._count = 0

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            now = time.monotonic()
            working = sum(1 for since in self._busy.values() if now - since < self.stall)
            if self._waiting <= 0 and working < self.size:
                self._threads += 1
                self._waiting += 1
                self._count += 1
                threading.Thread(target=self._work, name=f"{self.name}-{self._count}", daemon=True).start()
            self._waiting -= 1
        self._queue.put((future, fn, args))
        return future

    def shutdown(self) -> None:
        with self._lock:
            threads = self._threads
        for _ in range(threads):
            self._queue.put(None)

    def _work(self) -> None:
        me = threading.get_ident()
        while (item := self._queue.get()) is not None:
            future, fn, args = item
            with self._lock:
                self._busy[me] = time.monotonic()
            try:
                if future.set_running_or_notify_cancel():  # not cancelled while it waited
                    try:
                        future.set_result(fn(*args))
                    except BaseException as exc:
                        future.set_exception(exc)
            finally:
                with self._lock:
                    del self._busy[me]
                    self._waiting += 1
        with self._lock:
            self._threads -= 1


class Linter:
    """Schedules checks of open documents and keeps their latest current result."""

    def __init__(self, server: OpscLanguageServer, report: Callable[[Iterable[Problem]], None]) -> None:
        self.server = server
        self.report = report
        self.settings = EditorSettings()
        self.checkers = CheckerPool()
        self.pull = False  # the client pulls diagnostics (textDocument/diagnostic); else we push
        self.generation = 0
        self.instance = uuid.uuid4().hex[:8]  # result ids from an earlier server never match
        self._check_timeout = DEFAULT_CHECK_TIMEOUT
        self._states: dict[str, _State] = {}
        self._positions: dict[str, PositionMap] = {}
        self._fix_all: dict[str, tuple[str, list[tuple[int, int, str]]]] = {}  # uri -> (result id, edits)
        self._workers = Workers("opsc-terms-check")

    @property
    def check_timeout(self) -> float:
        """Seconds a check of one document may take before it is abandoned."""
        return self._check_timeout

    @check_timeout.setter
    def check_timeout(self, seconds: float) -> None:
        self._check_timeout = seconds
        self._workers.stall = seconds

    # ---- scheduling

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing any check not yet started."""
        state = self._states.setdefault(uri, _State())
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._run(uri, delay))

    def schedule_all(self) -> None:
        """Re-check every open document now: settings, a config file or a rule file changed."""
        self.generation += 1
        for uri in list(self._states):
            self.schedule(uri)

    async def fix_all_edits(self, result: LintResult) -> list[tuple[int, int, str]]:
        """The edits of Fix All for a result: exactly what ``opsc-terms check --fix`` changes.

        Computed on a worker (it may check the fixed text again) and kept per result, so
        the code action requests an editor sends on every cursor move cost nothing.
        """
        uri = result.snapshot.uri
        cached = self._fix_all.get(uri)
        if cached is not None and cached[0] == result.result_id:
            return cached[1]
        edits = await asyncio.wrap_future(self._workers.submit(fix_all_edits, result))
        self._fix_all[uri] = (result.result_id, edits)
        return edits

    def close(self, uri: str) -> None:
        self._positions.pop(uri, None)
        self._fix_all.pop(uri, None)
        state = self._states.pop(uri, None)
        if state is not None:
            if state.task is not None:
                state.task.cancel()
            state.wake()
        if not self.pull:
            self.server.publish_json(uri, None, "[]")

    async def invalidate(self, paths: Iterable[Path]) -> None:
        """Forget configuration that depends on ``paths``, then re-check everything."""
        await asyncio.wrap_future(self._workers.submit(self.checkers.invalidate, list(paths)))
        self.schedule_all()

    def shutdown(self) -> None:
        for state in self._states.values():
            if state.task is not None:
                state.task.cancel()
        self._workers.shutdown()

    # ---- results

    def latest(self, uri: str) -> LintResult | None:
        """The latest current result, or None while a check is due."""
        state = self._states.get(uri)
        if state is None or state.result is None or not self._is_current(state.result):
            return None
        return state.result

    def positions(self, uri: str) -> PositionMap | None:
        """Position conversion for the document's current text, kept while it is unchanged
        (a long document's line index costs milliseconds to build)."""
        document = self.server.workspace.text_documents.get(uri)
        if document is None:
            return None
        cached = self._positions.get(uri)
        if cached is None or cached.text is not document.source or cached.codec is not document.position_codec:
            state = self._states.get(uri)
            result = state.result if state is not None else None
            if result is not None and result.snapshot.text is document.source and \
                    result.snapshot.codec is document.position_codec:
                cached = result.positions
            else:
                cached = PositionMap(document.source, document.position_codec)
            self._positions[uri] = cached
        return cached

    def last(self, uri: str) -> LintResult | None:
        """The last result kept, even if the document has changed since (same settings)."""
        state = self._states.get(uri)
        if state is None or state.result is None or state.result.generation != self.generation:
            return None
        return state.result

    async def current(self, uri: str) -> LintResult | None:
        """The result for the document as it is now, waiting for a check if one is due.

        None when the document is not open. When the check of the current text ran out of
        time, the last complete result (of an earlier text) is the answer.
        """
        while True:
            state = self._states.get(uri)
            snapshot = self.snapshot(uri)
            if state is None or snapshot is None:
                return None
            result = self.latest(uri)
            if result is not None:
                return result
            if state.timed_out == (self.generation, snapshot.version):
                return self.last(uri)
            if state.task is None or state.task.done():
                self.schedule(uri)
                state = self._states[uri]
            # Shielded: a cancelled request must not cancel what other requests wait for.
            await asyncio.shield(state.ended)

    def snapshot(self, uri: str) -> Snapshot | None:
        document = self.server.workspace.text_documents.get(uri)
        if document is None:
            return None
        path = to_fs_path(uri) if uri.startswith("file:") else None
        return Snapshot(uri=uri, version=document.version, text=document.source,
                        language_id=document.language_id or "plaintext", path=Path(path) if path else None,
                        codec=document.position_codec)

    def _is_current(self, result: LintResult) -> bool:
        document = self.server.workspace.text_documents.get(result.snapshot.uri)
        return (document is not None and result.generation == self.generation
                and document.version == result.snapshot.version and document.source == result.snapshot.text)

    async def _run(self, uri: str, delay: float) -> None:
        if delay > 0:
            await asyncio.sleep(delay)
        state = self._states.get(uri)
        while state is not None and state.running is not None and not state.running.done():
            # One check of a document at a time: its sections are not shared between threads.
            # How that check ended is its own task's business (it may have run out of time).
            await asyncio.wait([asyncio.wrap_future(state.running)])
        snapshot = self.snapshot(uri)
        if state is None or snapshot is None:
            return
        generation = self.generation
        problems: list[Problem] = []
        result: LintResult | None = None
        state.running = self._workers.submit(lint, snapshot, self.settings, self.checkers, generation, state,
                                             self.check_timeout)
        try:
            result, problems = await asyncio.shield(asyncio.wrap_future(state.running))
        except asyncio.CancelledError:
            raise
        except CheckTimeout:
            # The document keeps its last complete result; the user hears why once.
            state.timed_out = (generation, snapshot.version)
            problems = [Problem(f"timeout:{uri}", f"opsc-terms: {_name(uri)} is too complex to check within "
                                                  f"{self.check_timeout:g} s; its last complete result is kept",
                                types.MessageType.Warning)]
        except Exception as exc:
            # One document that cannot be checked must not take the others down.
            logger.exception("checking %s failed", uri)
            state.lint = None
            result = LintResult(snapshot, generation)
            problems = [Problem(f"check:{uri}", f"opsc-terms could not check {uri}: {exc}")]
        if result is not None and result.checked is not None and state.timed_out is not None:
            self.server.forget([f"timeout:{uri}"])  # checkable again: a later timeout is news
            state.timed_out = None
        self.report(problems)
        if self._states.get(uri) is not state:  # closed meanwhile
            return
        if result is not None and self._is_current(result):
            state.result = result
            if not self.pull:
                self.server.publish_json(uri, snapshot.version, result.diagnostics_json)
        state.wake()


def _name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1] or uri
