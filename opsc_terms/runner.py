"""Checking one file end to end: read, decode, lint, leave out the baseline, fix, write.

:func:`process` is the unit of work of ``opsc-terms check``; it runs in the main process or
in worker processes (``--jobs``), so its input and output are plain picklable data. It
never raises for a bad file: the reason goes into :attr:`FileResult.problem`.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import documents, get_checker
from .baseline import Key, context_of, key_for
from .config import Config
from .documents import DocumentError, Source
from .findings import Finding
from .lines import line_bounds
from .lint import fix_document, lint_document


class InputError(Exception):
    """A file that cannot be checked; the message is one line for the user."""


def decode(data: bytes) -> Source:
    """Bytes of a text file as text; :class:`InputError` when they are not text."""
    try:
        return documents.decode(data)
    except DocumentError as exc:
        raise InputError(str(exc)) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step: a temporary file in the same folder, then rename.

    The file keeps its permission bits; a symbolic link keeps pointing to the file it
    named. If anything fails, the original is untouched and the temporary file removed.
    """
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    fmt: str = "text"
    lines: dict[int, str] = field(default_factory=dict)
    contexts: list[str] = field(default_factory=list)
    kinds: tuple[str, ...] = ()  # Word documents: what each paragraph is
    fixed: int = 0
    unsafe_fixable: int = 0
    baselined: int = 0
    diff: str = ""
    output: str | None = None  # the fixed text, for standard input


def process(task: Task) -> FileResult:
    """Check one file; apply or show fixes as ``task.mode`` says. Never raises for bad input."""
    fmt = task.fmt or documents.format_for(task.path or task.shown) or "text"
    result = FileResult(task.shown, fmt=fmt)
    try:
        data = task.data if task.data is not None else Path(task.path or task.shown).read_bytes()
    except OSError as exc:
        result.problem = _reason(exc)
        return result
    try:
        # Text is decoded here and the file's bytes released before the check: a large
        # file is then held once, as text, not twice.
        payload: bytes | Source = data if documents.get_format(fmt).binary else decode(data)
        del data
        _run(task, payload, result)
    except (InputError, DocumentError) as exc:
        result.problem = str(exc)
        result.findings = []
    return result


def _run(task: Task, data: bytes | Source, result: FileResult) -> None:
    checker = get_checker(task.config)
    form = documents.get_format(result.fmt)
    source: Source | None = None
    if isinstance(data, bytes):
        linted = lint_document(data, form.name, checker=checker, path=task.shown)
        if task.mode != "check":
            result.notes.append("Word documents are never changed in place; use --annotate to get a "
                                "copy with review comments")
    else:
        source = data
        linted = lint_document(source.text, form.name, checker=checker, path=task.shown)
    text = linted.prose.text
    result.kinds = linted.prose.kinds
    findings = list(linted.findings)
    if task.baseline:
        findings = _without_baselined(task, text, findings, result)
    if source is not None:
        result.unsafe_fixable = 0 if task.unsafe else sum(
            1 for f in findings if f.fixable(unsafe=True) and not f.fixable())
        if task.mode in ("fix", "diff"):
            findings, text = _fix(task, checker, source, findings, result)
    result.findings = findings
    if task.want_lines:
        for f in findings:
            if f.line not in result.lines:
                start, end = line_bounds(text, f.start)
                result.lines[f.line] = text[start:end]
    if task.want_context:
        result.contexts = [context_of(text, f.start, f.end) for f in findings]


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


def _fix(task: Task, checker: Any, source: Source, findings: list[Finding],
         result: FileResult) -> tuple[list[Finding], str]:
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
        result.diff = "".join(difflib.unified_diff(
            source.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
            fromfile=f"a/{task.shown}", tofile=f"b/{task.shown}"))
        if result.diff and not result.diff.endswith("\n"):
            result.diff += "\n\\ No newline at end of file\n"
        return findings, source.text
    if task.path is not None:
        try:
            write_atomic(Path(task.path), source.encode(new_text))
        except OSError as exc:
            result.fixed = 0
            raise InputError(f"cannot write the fixed file: {_reason(exc)}") from None
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
