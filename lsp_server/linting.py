"""Checking open documents: debounced, off the event loop, never out of order.

Each document has at most one pending check. An edit cancels the pending one and
schedules another after the debounce delay, so a burst of edits costs one check of the
final text. Checks run on a single worker thread: spaCy and the Checkers' caches are not
shared between threads, and the event loop stays free to answer hovers and code actions
while a long document is checked. A result is kept and published only if the document
still has the version and the settings it was computed for; anything older is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace.position_codec import PositionCodec

from opsc_terms import Checker, Finding
from opsc_terms.documents import format_for
from opsc_terms.explain import rule_url
from opsc_terms.findings import chosen_edits
from opsc_terms.lint import fix_document, lint_document, unknown_rule_notes

from .positions import PositionMap
from .settings import CheckerPool, EditorSettings, Problem

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = "opsc-terms"
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


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
    """The findings of one snapshot, and what hovers and code actions need from them."""

    snapshot: Snapshot
    generation: int
    findings: tuple[Finding, ...] = ()
    diagnostics: tuple[types.Diagnostic, ...] = ()
    checker: Checker | None = None
    positions: PositionMap | None = None
    # Problems in the document that are not findings: unknown rule names in suppression comments.
    notices: tuple[types.Diagnostic, ...] = ()

    @property
    def published(self) -> list[types.Diagnostic]:
        return [*self.diagnostics, *self.notices]

    @property
    def result_id(self) -> str:
        return f"{self.generation}:{self.snapshot.version}"


@dataclass
class _State:
    task: asyncio.Task[None] | None = None
    result: LintResult | None = None
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
    rule = checker.pack.rule(finding.rule)
    return types.Diagnostic(
        range=positions.range(finding.start, finding.end),
        message=finding.message,
        severity=severity_of(finding),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(rule)),
        source=SOURCE,
        # Everything a quick fix needs, so code actions never re-check the document.
        # ``text`` lets the server make sure the span still holds what was reported.
        data={"rule": finding.rule, "replacements": list(finding.replacements),
              "fix": finding.fix.to_dict() if finding.fix is not None else None,
              "start": finding.start, "end": finding.end, "text": finding.text},
    )


def lint(snapshot: Snapshot, settings: EditorSettings, checkers: CheckerPool,
         generation: int) -> tuple[LintResult, list[Problem]]:
    """Check one snapshot (on the worker thread), as the command line checks a file:
    the same readers, suppression comments and configuration."""
    if not settings.checks(snapshot.language_id):
        return LintResult(snapshot, generation), []
    resolved = checkers.resolve(snapshot.path, settings)
    checker = resolved.checker
    if checker is None:  # excluded by the project's configuration
        return LintResult(snapshot, generation), resolved.problems
    linted = lint_document(snapshot.text, document_format(snapshot.language_id), checker=checker)
    findings = linted.findings
    positions = PositionMap(snapshot.text, snapshot.codec)
    diagnostics = tuple(to_diagnostic(f, checker, positions) for f in findings)
    notices = tuple(types.Diagnostic(range=positions.range(start, end), message=message, source=SOURCE,
                                     severity=types.DiagnosticSeverity.Warning, code="unknown-rule")
                    for start, end, message in unknown_rule_notes(linted, checker))
    return (LintResult(snapshot, generation, tuple(findings), diagnostics, checker, positions, notices),
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


class Worker:
    """One thread that runs checks in the order they were submitted.

    Not a ThreadPoolExecutor: Python waits for its threads when the process ends, so a
    client that says "exit" in the middle of the check of a long document would wait for
    the check to finish. This thread is a daemon and ends with the process.
    """

    def __init__(self, name: str) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None] = \
            queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        future: Future[T] = Future()
        self._queue.put((future, fn, args))
        return future

    def shutdown(self) -> None:
        self._queue.put(None)

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, fn, args = item
            if not future.set_running_or_notify_cancel():  # cancelled while it waited
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc)


class Linter:
    """Schedules checks of open documents and keeps their latest current result."""

    def __init__(self, server: LanguageServer, report: Callable[[Iterable[Problem]], None]) -> None:
        self.server = server
        self.report = report
        self.settings = EditorSettings()
        self.checkers = CheckerPool()
        self.pull = False  # the client pulls diagnostics (textDocument/diagnostic); else we push
        self.generation = 0
        self.instance = uuid.uuid4().hex[:8]  # result ids from an earlier server never match
        self._states: dict[str, _State] = {}
        self._positions: dict[str, PositionMap] = {}
        self._fix_all: dict[str, tuple[str, list[tuple[int, int, str]]]] = {}  # uri -> (result id, edits)
        self._worker = Worker("opsc-terms-check")

    # ---- scheduling

    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Check ``uri`` after ``delay`` seconds, replacing any check not yet finished."""
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

        Computed on the worker (it may check the fixed text again) and kept per result, so
        the code action requests an editor sends on every cursor move cost nothing.
        """
        uri = result.snapshot.uri
        cached = self._fix_all.get(uri)
        if cached is not None and cached[0] == result.result_id:
            return cached[1]
        edits = await asyncio.wrap_future(self._worker.submit(fix_all_edits, result))
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
            self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    async def invalidate(self, paths: Iterable[Path]) -> None:
        """Forget configuration that depends on ``paths``, then re-check everything."""
        # On the worker, after the checks already queued: the pool belongs to the worker.
        await asyncio.wrap_future(self._worker.submit(self.checkers.invalidate, list(paths)))
        self.schedule_all()

    def shutdown(self) -> None:
        for state in self._states.values():
            if state.task is not None:
                state.task.cancel()
        self._worker.shutdown()

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
            cached = self._positions[uri] = PositionMap(document.source, document.position_codec)
        return cached

    def last(self, uri: str) -> LintResult | None:
        """The last result kept, even if the document has changed since (same settings)."""
        state = self._states.get(uri)
        if state is None or state.result is None or state.result.generation != self.generation:
            return None
        return state.result

    async def current(self, uri: str) -> LintResult | None:
        """The result for the document as it is now, waiting for a check if one is due.

        None when the document is not open.
        """
        while True:
            state = self._states.get(uri)
            if state is None or self.snapshot(uri) is None:
                return None
            result = self.latest(uri)
            if result is not None:
                return result
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
        snapshot = self.snapshot(uri)
        if snapshot is None:
            return
        generation = self.generation
        try:
            result, problems = await asyncio.wrap_future(
                self._worker.submit(lint, snapshot, self.settings, self.checkers, generation))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # One document that cannot be checked must not take the others down.
            logger.exception("checking %s failed", uri)
            result = LintResult(snapshot, generation)
            problems = [Problem(f"check:{uri}", f"opsc-terms could not check {uri}: {exc}")]
        self.report(problems)
        state = self._states.get(uri)
        if state is None:  # closed meanwhile
            return
        if self._is_current(result):
            state.result = result
            if result.positions is not None:
                self._positions[uri] = result.positions
            if not self.pull:
                self.server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                    uri=uri, diagnostics=result.published, version=snapshot.version))
        state.wake()
