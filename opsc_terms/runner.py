"""Checking one file end to end: read, decode, lint, leave out the baseline, fix, write.

:func:`process` is the unit of work of ``opsc-terms check``; it runs in the main process or
in worker processes (``--jobs``), so its input and output are plain picklable data. It
never raises for a bad file: the reason goes into :attr:`FileResult.problem`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import documents, get_checker
from .baseline import Key, context_of, key_for
from .config import Config
from .documents import DocumentError, Source
from .documents.docx import CONTAINER_FACTOR
from .files import FileError, Stamp, read_input, too_large, write_atomic
from .findings import Finding
from .lines import LineIndex, line_bounds
from .lint import LintedDocument, fix_document, lint_document, unknown_rule_notes


class InputError(Exception):
    """A file that cannot be checked; the message is one line for the user."""


def decode(data: bytes) -> Source:
    """Bytes of a text file as text; :class:`InputError` when they are not text."""
    try:
        return documents.decode(data)
    except DocumentError as exc:
        raise InputError(str(exc)) from None


@dataclass(frozen=True)
class Task:
    """One file to check. ``data`` holds standard input; files are read by the worker."""

    shown: str
    config: Config
    path: str | None = None
    data: bytes | None = None
    fmt: str | None = None  # forces the format (standard input with --stdin-filename)
    mode: str = "check"  # "check", "fix" or "diff"
    unsafe: bool = False
    want_lines: bool = False  # keep the source lines of findings (text output)
    want_context: bool = False  # keep the words around findings (baselines)
    # Findings already recorded in a baseline for this file: neither reported nor fixed.
    baseline: tuple[tuple[Key, int], ...] = ()
    baseline_root: str | None = None


@dataclass
class FileResult:
    shown: str
    findings: list[Finding] = field(default_factory=list)
    problem: str | None = None  # why the file could not be checked
    not_fixed: str | None = None  # why --fix could not write the file (its findings are still reported)
    notes: list[str] = field(default_factory=list)
    # (line, column, message): problems in the file that do not stop it being checked
    warnings: list[tuple[int, int, str]] = field(default_factory=list)
    fmt: str = "text"
    lines: dict[int, str] = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ()  # Word documents: what each paragraph is
    fixed: int = 0
    unsafe_fixable: int = 0
    baselined: int = 0
    diff: bytes = b""  # --diff: a unified diff, in the file's encoding
    output: str | None = None  # the fixed text, for standard input


def process(task: Task) -> FileResult:
    """Check one file; apply or show fixes as ``task.mode`` says. Never raises for bad input."""
    fmt = task.fmt or documents.format_for(task.path or task.shown) or "text"
    result = FileResult(task.shown, fmt=fmt)
    limit = task.config.max_file_size
    stamp: Stamp | None = None
    try:
        if task.data is not None:
            data = task.data
            if len(data) > limit:
                raise FileError(too_large(len(data), limit))
        else:
            # A Word file holds pictures that are never read: its own limit is larger.
            data, stamp = read_input(task.path or task.shown,
                                     limit * CONTAINER_FACTOR if documents.get_format(fmt).binary else limit)
        # Text is decoded here and the file's bytes released before the check: a large
        # file is then held once, as text, not twice.
        payload: bytes | Source = data if documents.get_format(fmt).binary else decode(data)
        del data
        _run(task, payload, stamp, result)
    except OSError as exc:
        result.problem = _reason(exc)
        result.findings = []
    except (InputError, DocumentError, FileError) as exc:
        result.problem = str(exc)
        result.findings = []
    return result


def _run(task: Task, data: bytes | Source, stamp: Stamp | None, result: FileResult) -> None:
    checker = get_checker(task.config)
    form = documents.get_format(result.fmt)
    source: Source | None = None
    if isinstance(data, bytes):
        linted = lint_document(data, form.name, checker=checker, path=task.shown, max_size=task.config.max_file_size)
        if task.mode != "check":
            result.notes.append("Word documents are never changed in place; use --annotate to get a "
                                "copy with review comments")
    else:
        source = data
        linted = lint_document(source.text, form.name, checker=checker, path=task.shown)
    text = linted.prose.text
    result.kinds = linted.prose.kinds
    result.warnings.extend(unknown_rule_warnings(linted, checker))
    findings = list(linted.findings)
    if task.baseline:
        findings = _without_baselined(task, text, findings, result)
    if source is not None:
        result.unsafe_fixable = 0 if task.unsafe else sum(
            1 for f in findings if f.fixable(unsafe=True) and not f.fixable())
        if task.mode in ("fix", "diff"):
            findings, text = _fix(task, checker, source, findings, result, stamp)
    result.findings = findings
    if task.want_lines:
        for f in findings:
            if f.line not in result.lines:
                start, end = line_bounds(text, f.start)
                result.lines[f.line] = text[start:end]
    if task.want_context:
        result.contexts = [context_of(text, f.start, f.end) for f in findings]


def unknown_rule_warnings(linted: LintedDocument, checker: Any) -> list[tuple[int, int, str]]:
    """(line, column, message) for each unknown rule name in a suppression comment."""
    notes = unknown_rule_notes(linted.prose.text, linted.unknown_rules, checker)
    index = LineIndex(linted.prose.text) if notes else None
    return [(*index.position(start), message) for start, _, message in notes] if index else []


def _without_baselined(task: Task, text: str, findings: list[Finding], result: FileResult | None) -> list[Finding]:
    """Drop the findings the baseline records, so they are neither reported nor fixed."""
    remaining: Counter[Key] = Counter(dict(task.baseline))
    root = Path(task.baseline_root or ".")
    fresh = []
    for f in findings:
        key = key_for(f, context_of(text, f.start, f.end), root)
        if remaining[key] > 0:
            remaining[key] -= 1
            if result is not None:
                result.baselined += 1
        else:
            fresh.append(f)
    return fresh


def _fix(task: Task, checker: Any, source: Source, findings: list[Finding], result: FileResult,
         stamp: Stamp | None) -> tuple[list[Finding], str]:
    def keep(text: str, found: list[Finding]) -> list[Finding]:
        return _without_baselined(task, text, found, None) if task.baseline else found

    done = fix_document(source.text, result.fmt, checker=checker, path=task.shown, unsafe=task.unsafe, keep=keep)
    new_text = done.text
    if task.path is None and task.mode == "fix":
        result.output = new_text  # standard input: the fixed text goes to standard output
    if new_text == source.text:
        return findings, source.text
    result.fixed = done.fixed
    if task.mode == "diff":
        from .formats import unified_diff

        # In the file's own encoding: the diff applies to the file as it is.
        result.diff = unified_diff(source.encode(source.text), source.encode(new_text), task.shown)
        return findings, source.text
    if task.path is not None:
        try:
            if stamp is None:
                raise FileError("a pipe, which cannot be changed in place")
            write_atomic(Path(task.path), source.encode(new_text), expect=stamp)
        except (FileError, OSError) as exc:
            # The findings stand as they were found; the file is as it was.
            result.fixed = 0
            result.not_fixed = ("not fixed: " + str(exc) if isinstance(exc, FileError)
                                else f"not fixed: cannot write the file ({_reason(exc)})")
            return findings, source.text
    # Report what is left, at its new position (baselined findings stay out of the report).
    return list(done.remaining.findings), new_text


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return (exc.strerror or str(exc)).lower()
