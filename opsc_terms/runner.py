"""Checking one file end to end: read, decode, adapt, check, fix, write.

:func:`process` is the unit of work of ``opsc-terms check``; it runs in the main process or
in worker processes (``--jobs``), so its input and output are plain picklable data. It
never raises for a bad file: the reason goes into :attr:`FileResult.problem`.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import get_checker
from .adapters import Prose, adapt, check_prose, crosses_markup, format_for
from .baseline import context_of
from .config import Config
from .findings import Finding, apply_fixes
from .text import LineIndex

# Byte order marks, longest first: a UTF-32 LE mark starts like a UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class InputError(Exception):
    """A file that cannot be checked; the message is one line for the user."""


@dataclass(frozen=True)
class Source:
    """Decoded text and how to encode it back exactly."""

    text: str
    encoding: str = "utf-8"
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)


def decode(data: bytes) -> Source:
    """UTF-8 (with or without a byte order mark), or UTF-16/32 with a byte order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Source(data[len(bom):].decode(encoding), encoding, bom)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding.upper()} (byte {exc.start + len(bom)})") from None
    if b"\x00" in data[:8192]:
        raise InputError("a binary file, not text; skipped")
    try:
        return Source(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not valid UTF-8 at line {line} (byte {exc.start}); save the file as UTF-8") from None


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
    diff: str = ""
    output: str | None = None  # the fixed text, for standard input


def process(task: Task) -> FileResult:
    """Check one file; apply or show fixes as ``task.mode`` says. Never raises for bad input."""
    fmt = task.fmt or format_for(task.path or task.shown) or "text"
    result = FileResult(task.shown, fmt=fmt)
    try:
        data = task.data if task.data is not None else Path(task.path or task.shown).read_bytes()
    except OSError as exc:
        result.problem = _reason(exc)
        return result
    try:
        _run(task, data, result)
    except InputError as exc:
        result.problem = str(exc)
        result.findings = []
    return result


def _run(task: Task, data: bytes, result: FileResult) -> None:
    checker = get_checker(task.config)
    source: Source | None = None
    if result.fmt == "docx":
        from .word import WordError, read_docx

        try:
            document = read_docx(data)
        except WordError as exc:
            raise InputError(str(exc)) from None
        prose = document.prose
        result.kinds = document.kinds
        if task.mode != "check":
            result.notes.append("Word documents are never changed in place; use --annotate to get a "
                                "copy with review comments")
    else:
        source = decode(data)
        prose = adapt(source.text, result.fmt)
    findings = check_prose(checker, prose, path=task.shown)
    if source is not None:
        fixable = _fixable(findings, prose, unsafe=True)
        safe_count = sum(1 for f in fixable if f.fix is not None)
        result.unsafe_fixable = 0 if task.unsafe else len(fixable) - safe_count
        if task.mode in ("fix", "diff"):
            findings, prose = _fix(task, source, prose, findings, result)
    result.findings = findings
    if task.want_lines:
        starts = [*LineIndex(prose.text).starts, len(prose.text) + 1]
        result.lines = {f.line: prose.text[starts[f.line - 1]:starts[f.line] - 1].rstrip("\r") for f in findings}
    if task.want_context:
        result.contexts = [context_of(prose.text, f.start, f.end) for f in findings]


def _fixable(findings: list[Finding], prose: Prose, *, unsafe: bool) -> list[Finding]:
    """The findings a fix would change: safe fixes, plus (unsafe) first replacements of plain uses.

    An unsafe replacement is never applied across hidden markup, as a safe fix never is.
    """
    return [f for f in findings
            if f.fix is not None
            or (unsafe and f.replacements and f.context is None and not crosses_markup(prose, f))]


def _fix(task: Task, source: Source, prose: Prose, findings: list[Finding],
         result: FileResult) -> tuple[list[Finding], Prose]:
    chosen = _fixable(findings, prose, unsafe=task.unsafe)
    new_text = apply_fixes(source.text, chosen, unsafe=task.unsafe)
    if task.path is None and task.mode == "fix":
        result.output = new_text  # standard input: the fixed text goes to standard output
    if new_text == source.text:
        return findings, prose
    result.fixed = _edit_count(chosen)
    if task.mode == "diff":
        result.diff = "".join(difflib.unified_diff(
            source.text.splitlines(keepends=True), new_text.splitlines(keepends=True),
            fromfile=f"a/{task.shown}", tofile=f"b/{task.shown}"))
        if result.diff and not result.diff.endswith("\n"):
            result.diff += "\n\\ No newline at end of file\n"
        return findings, prose
    if task.path is not None:
        try:
            write_atomic(Path(task.path), source.encode(new_text))
        except OSError as exc:
            result.fixed = 0
            raise InputError(f"cannot write the fixed file: {_reason(exc)}") from None
    # Report what is left, at its new position.
    prose = adapt(new_text, result.fmt)
    return check_prose(get_checker(task.config), prose, path=task.shown), prose


def _edit_count(chosen: list[Finding]) -> int:
    # apply_fixes skips a fix that overlaps one already applied; count the same way.
    count, last_end = 0, -1
    for f in sorted(chosen, key=lambda f: (f.start, f.end)):
        if f.start >= last_end:
            count += 1
            last_end = f.end
    return count


def _reason(exc: OSError) -> str:
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    return (exc.strerror or str(exc)).lower()
