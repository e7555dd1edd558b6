"""The ``opsc-terms`` command line: ``check``, ``explain`` and ``rules``.

Exit status of ``check``: 0 when nothing at or above the ``--fail-on`` level (default
warning) was found, 1 when something was, 2 when the run could not do what was asked
(a usage or configuration error, or a path that could not be read).

Importing this module imports neither spaCy nor the Markdown and Word libraries: they load
when a file needs them, so a clean file is checked in the time Python takes to start.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from . import __version__, get_checker
from . import cache as caching
from .config import (
    Config,
    ConfigError,
    ConfigResolver,
    Discovered,
    PathProblem,
    config_error,
    discover,
    selector_error,
)
from .files import (
    FileError,
    destination_problem,
    parse_size,
    read_input,
    read_limited,
    stdin_problem,
    too_large,
    write_atomic,
)
from .findings import Finding, sort_findings
from .ruleset import SEVERITY_RANK, RuleLoadError, RulePack
from .runner import FileResult, Task, process

if TYPE_CHECKING:
    from .checker import Checker

FAIL_LEVELS = ("error", "warning", "info")
_PROGRESS_MIN_FILES = 20


class Fatal(click.ClickException):
    """A problem that stops the run: exit status 2, one line on standard error."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        for line in self.format_message().splitlines():
            click.echo(f"opsc-terms: {line}", err=True)


def _name(path: str | Path) -> str:
    """A file name for a message: on one line, whatever characters it holds (see formats.shown_path)."""
    from .formats import shown_path

    return shown_path(str(path))


def _language(value: str | None) -> str | None:
    """A ``--lang`` value checked against the shipped languages."""
    if value is None:
        return None
    from .ruleset import available_languages

    known = [*available_languages(), "auto"]
    if value not in known:
        hint = difflib.get_close_matches(value, known, n=1)
        raise Fatal(f"unknown language {value[:40]!r} for --lang (known: {', '.join(known)})"
                    + (f"; did you mean {hint[0]!r}?" if hint else ""))
    return value


def _selectors(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(s.strip() for value in values for s in value.split(",") if s.strip())


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="opsc-terms")
def cli() -> None:
    """Flag discouraged terms about the sexual exploitation of children and suggest the
    wording recommended by CRC/C/156 and the Luxembourg Guidelines.

    \b
    opsc-terms check report.md drafts/     check files and folders
    opsc-terms check --fix report.md       apply the safe fixes
    opsc-terms explain child-prostitute    why a rule exists and what to write instead
    """


@cli.command()
# readable=False: a path that cannot be read is reported on its own line and the others
# are still checked (click would stop the whole run with a usage error).
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True, readable=False))
@click.option("--format", "output_format", type=click.Choice(["text", "concise", "json", "sarif", "github"]),
              default="text", show_default=True, help="Output format.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, also apply the first suggestion where no fix is safe.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option("--fail-on", type=click.Choice(FAIL_LEVELS), default="warning", show_default=True,
              help="Lowest severity that makes the exit status 1.")
@click.option("--exit-zero", is_flag=True, help="Exit with status 0 even when there are findings.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rule ids or families (comma-separated; replaces the configuration's).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rule ids or families (comma-separated).")
@click.option("--profile", default=None, help="Rule profile: default (policy and legal drafting) or media.")
@click.option("--lang", "language", default=None, metavar="en|fr|es|auto",
              help="Language of the text: auto (default) detects it per document and per paragraph.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Use this configuration file for every path instead of looking for one.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for large batches (0: one per CPU).")
@click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Report only findings that are not in this baseline file.")
@click.option("--write-baseline", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Record the current findings in this baseline file and exit.")
@click.option("--annotate", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Word documents: write a copy with a review comment on each finding.")
@click.option("--max-file-size", metavar="SIZE", default=None,
              help="Largest input to read, e.g. 20MB (default 10MB, or max-file-size in the configuration).")
@click.option("--stdin-filename", default=None,
              help="The name of the text on standard input: sets its format and configuration.")
@click.option("--force-exclude", is_flag=True, help="Apply `exclude` to files named on the command line too.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=True, show_default=True,
              help="Skip files that .gitignore ignores when walking folders.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in text output (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--quiet", "-q", is_flag=True, help="Text output: no summary, no hints.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache (see `opsc-terms clean`).")
def check(paths: tuple[Path, ...], output_format: str, fix: bool, unsafe_fixes: bool, diff: bool, fail_on: str,
          exit_zero: bool, select: tuple[str, ...], ignore: tuple[str, ...], profile: str | None,
          language: str | None, config_file: Path | None, isolated: bool, jobs: int, baseline: Path | None,
          write_baseline: Path | None, annotate: Path | None, max_file_size: str | None, stdin_filename: str | None,
          force_exclude: bool, respect_gitignore: bool, color: str, quiet: bool, no_cache: bool) -> None:
    """Check files, folders (recursively) or standard input ("-", or no path with piped input)."""
    caching.use_results(not no_cache)
    if fix and diff:
        raise Fatal("--fix and --diff cannot be used together")
    if write_baseline and (fix or diff):
        raise Fatal("--write-baseline records findings; it cannot be combined with --fix or --diff")
    overrides: dict[str, Any] = {"profile": profile, "language": _language(language)}
    if select:
        overrides["select"] = _selectors(select)
    if ignore:
        overrides["ignore"] = _selectors(ignore)
    if max_file_size is not None:
        try:
            overrides["max_file_size"] = parse_size(max_file_size)
        except ValueError as exc:
            raise Fatal(f"--max-file-size: {exc}") from None
    for destination, option in ((write_baseline, "--write-baseline"), (annotate, "--annotate")):
        if destination is not None and (problem := destination_problem(destination)):
            raise Fatal(f"{_name(destination)}: {option} will not replace it: {problem}")
    try:
        resolver = ConfigResolver(config_file=config_file, isolated=isolated, overrides=overrides)
    except ConfigError as exc:
        raise Fatal(str(exc)) from None
    mode = "fix" if fix else "diff" if diff else "check"
    tasks, problems = _collect(paths, resolver, mode=mode, unsafe=unsafe_fixes, want_lines=output_format == "text",
                               want_context=bool(baseline or write_baseline), stdin_filename=stdin_filename,
                               respect_gitignore=respect_gitignore, force_exclude=force_exclude, quiet=quiet)
    packs = _validate(tasks, resolver, overrides)
    if annotate is not None:
        _check_annotate(tasks, annotate)
    if baseline is not None:
        # Recorded findings are left out before anything is reported or fixed.
        tasks = _with_baseline(tasks, baseline)

    results = list(_run(tasks, jobs, progress=not quiet and len(tasks) >= _PROGRESS_MIN_FILES))
    by_path = {r.shown: r for r in results}
    not_fixed: list[tuple[str, str]] = []
    pairs: list[tuple[Finding, FileResult, int]] = []
    for r in results:
        if r.problem is not None:
            problems.append((r.shown, r.problem))
            click.echo(f"opsc-terms: {_name(r.shown)}: {r.problem}", err=True)
        if r.not_fixed is not None:
            not_fixed.append((r.shown, r.not_fixed))
            click.echo(f"opsc-terms: {_name(r.shown)}: {r.not_fixed}", err=True)
        for note in r.notes:
            click.echo(f"opsc-terms: {_name(r.shown)}: {note}", err=True)
        for line, column, warning in r.warnings:
            click.echo(f"opsc-terms: {_name(r.shown)}:{line}:{column}: warning: {warning}", err=True)
        pairs.extend((f, r, i) for i, f in enumerate(r.findings))
    order = {id(f): n for n, f in enumerate(sort_findings([f for f, _, _ in pairs]))}
    pairs.sort(key=lambda item: order[id(item[0])])
    findings = [f for f, _, _ in pairs]

    if write_baseline is not None:
        _write_baseline(write_baseline, pairs, problems)
        return
    baselined = sum(r.baselined for r in results)

    stdin_output = next((r.output for r in results if r.output is not None), None)
    report_to_err = stdin_output is not None
    if stdin_output is not None:
        click.echo(stdin_output, nl=False)
    use_color = _use_color(color, err=report_to_err)
    fixed = sum(r.fixed for r in results)
    checked = sum(1 for r in results if r.problem is None)
    summary_fields = {"files": checked, "fixed": fixed if mode == "fix" else 0,
                      "fixed_files": sum(1 for r in results if r.fixed) if mode == "fix" else 0,
                      "unsafe_fixable": sum(r.unsafe_fixable for r in results), "problems": len(problems),
                      "baselined": baselined, "fixing": mode != "check", "not_fixed": len(not_fixed)}
    if mode == "diff":
        stdout: IO[bytes] = sys.stdout.buffer
        sys.stdout.flush()
        for r in results:
            if r.diff:  # bytes in each file's own encoding, so that it applies to the file
                stdout.write(r.diff)
        stdout.flush()
        if not quiet:
            click.echo(f"Would fix {fixed} problem{'s' if fixed != 1 else ''} in "
                       f"{sum(1 for r in results if r.diff)} of {checked} file{'s' if checked != 1 else ''}.",
                       err=True)
    else:
        _report(output_format, findings, by_path, summary_fields, problems + not_fixed, packs, color=use_color,
                quiet=quiet, err=report_to_err)
        if mode == "fix" and output_format != "text" and fixed and not quiet:
            click.echo(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.", err=True)

    if annotate is not None and not problems:
        _annotate(tasks[0], annotate, findings, quiet=quiet)
    if problems or not_fixed:
        sys.exit(2)
    threshold = SEVERITY_RANK[fail_on]
    if not exit_zero and any(SEVERITY_RANK[f.severity] >= threshold for f in findings):
        sys.exit(1)


# --------------------------------------------------------------------------- collecting inputs


def _collect(paths: Sequence[Path], resolver: ConfigResolver, *, mode: str, unsafe: bool, want_lines: bool,
             want_context: bool, stdin_filename: str | None, respect_gitignore: bool, force_exclude: bool,
             quiet: bool) -> tuple[list[Task], list[tuple[str, str]]]:
    tasks: list[Task] = []
    problems: list[tuple[str, str]] = []
    common = {"mode": mode, "unsafe": unsafe, "want_lines": want_lines, "want_context": want_context}
    items: Sequence[Path] = paths or (Path("-"),)
    seen: set[str] = set()  # a file named twice, or inside two named folders, is checked once

    def problem(shown: str, message: str) -> None:
        problems.append((shown, message))
        click.echo(f"opsc-terms: {'standard input' if shown == '-' else _name(shown)}: {message}", err=True)

    try:
        for item in items:
            if str(item) == "-":
                task = _stdin_task(resolver, stdin_filename, explicit=bool(paths), quiet=quiet, problem=problem,
                                   **common)
                if task is not None:
                    tasks.append(task)
                continue
            for found in discover([item], resolver, respect_gitignore=respect_gitignore,
                                  force_exclude=force_exclude):
                if isinstance(found, PathProblem):
                    problem(found.shown, found.message)
                elif (real := os.path.realpath(found.path)) not in seen:
                    seen.add(real)
                    tasks.append(_file_task(found, **common))
    except ConfigError as exc:
        raise Fatal(str(exc)) from None
    return tasks, problems


def _file_task(found: Discovered, **common: Any) -> Task:
    return Task(found.shown, found.config, path=str(found.path), **common)


def _stdin_task(resolver: ConfigResolver, stdin_filename: str | None, *, explicit: bool, quiet: bool,
                problem: Any, **common: Any) -> Task | None:
    """The task for standard input, or None when it cannot be read (reported through ``problem``)."""
    from .documents import format_for

    shown = stdin_filename or "-"
    location = Path(stdin_filename) if stdin_filename else Path.cwd()
    config = resolver.for_path(location)
    stream = sys.stdin
    try:
        fd = stream.fileno() if stream is not None else -1
    except (AttributeError, ValueError, OSError):  # a replaced stream (tests) has no descriptor
        fd = None
    closed = "standard input is closed; name the files or folders to check (e.g. `opsc-terms check .`)"
    if stream is None or fd == -1:
        raise Fatal(closed)
    try:
        reason = stdin_problem(fd) if fd is not None else None
    except OSError:
        raise Fatal(closed) from None
    if reason is not None:
        problem(shown, reason)
        return None
    if not quiet and _isatty(stream):
        click.echo("opsc-terms: paste the text to check, then press Ctrl-D on a line of its own "
                   "(Ctrl-Z and Enter on Windows).", err=True)
    try:
        data = read_limited(stream.buffer, config.max_file_size)
    except OSError as exc:
        problem(shown, f"cannot be read ({_os_reason(exc)})")
        return None
    if data is None:
        problem(shown, too_large(None, config.max_file_size))
        return None
    if not data:
        # In CI an empty standard input almost always means a path that was left out.
        hint = "" if explicit else "; name the files or folders to check (e.g. `opsc-terms check .`)"
        click.echo(f"opsc-terms: warning: standard input is empty: nothing was checked{hint}", err=True)
    fmt = (format_for(stdin_filename) if stdin_filename else None) or "text"
    return Task(shown, config, data=data, fmt=fmt, **common)


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _validate(tasks: Sequence[Task], resolver: ConfigResolver,
              overrides: dict[str, Any]) -> dict[str, tuple[RulePack, Any]]:
    """Build one checker per configuration; stop on a broken configuration or rule file.

    Returns every known rule by id with its pack (for SARIF rule descriptions).
    """
    rules: dict[str, tuple[RulePack, Any]] = {}
    configs = {t.config: None for t in tasks} or {resolver.for_path(Path.cwd()): None}
    for config in configs:
        try:
            checker = get_checker(config)
        except RuleLoadError as exc:
            raise Fatal(str(exc)) from None
        except ValueError as exc:
            if overrides.get("profile") or config.path is None:
                raise Fatal(str(exc)) from None
            raise Fatal(str(config_error(config, "profile", str(exc)))) from None
        for rule in checker.pack.rules:
            rules.setdefault(rule.id, (checker.pack, rule))
    for loaded in resolver.loaded():
        error = selector_error(loaded, [rule for _, rule in rules.values()])
        if error is not None:
            raise Fatal(str(error))
    from .config import validate_selectors

    flags = Config(select=overrides.get("select", ()), ignore=overrides.get("ignore", ()))
    unknown = validate_selectors(flags, [rule for _, rule in rules.values()])
    if unknown:
        hint = difflib.get_close_matches(unknown[0], list(rules), n=1)
        raise Fatal(f"unknown rule or family {unknown[0]!r} in --select/--ignore"
                    + (f"; did you mean {hint[0]!r}?" if hint else " (see `opsc-terms rules`)"))
    return rules


# --------------------------------------------------------------------------- running


def _run(tasks: Sequence[Task], jobs: int, *, progress: bool) -> Iterator[FileResult]:
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    files = [t for t in tasks if t.data is None]
    if workers > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor

        # Results come back in task order, so the output does not depend on scheduling.
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks))) as pool:
            chunk = max(1, len(tasks) // (workers * 8))
            yield from _with_progress(pool.map(process, tasks, chunksize=chunk), len(tasks), progress)
    else:
        yield from _with_progress(map(process, tasks), len(tasks), progress)


def _with_progress(results: Iterable[FileResult], total: int, progress: bool) -> Iterator[FileResult]:
    """Pass ``results`` through, drawing a progress bar on standard error if it is a terminal.

    The bar is one line, redrawn in place with a carriage return and never wider than the
    terminal (a line that wraps cannot be redrawn, and each redraw would leave a line
    behind); it is erased when the run ends.
    """
    stderr = sys.stderr
    if not progress or not _isatty(stderr):
        yield from results
        return
    import time

    width = max(10, _columns(stderr) - 1)  # writing to the last column wraps on some terminals
    drawn = 0.0

    def draw(done: int) -> None:
        counter = f" {done}/{total}"
        room = width - len("Checking ") - len(counter) - 2
        bar = f"[{'#' * (room * done // max(total, 1)):-<{room}}]" if room >= 10 else ""
        stderr.write("\r" + f"Checking {bar}{counter}"[:width].ljust(width))
        stderr.flush()

    draw(0)
    try:
        for done, result in enumerate(results, 1):
            if time.monotonic() - drawn > 0.1 or done == total:
                draw(done)
                drawn = time.monotonic()
            yield result
    finally:
        stderr.write("\r" + " " * width + "\r")
        stderr.flush()


# --------------------------------------------------------------------------- output


def _use_color(choice: str, *, err: bool) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return _isatty(sys.stderr if err else sys.stdout) and os.environ.get("TERM") != "dumb"


def _terminal_width(*, err: bool) -> int | None:
    """The width to fit text output to: ``COLUMNS``, or the terminal's; None for a pipe or file."""
    stream = sys.stderr if err else sys.stdout
    if "COLUMNS" not in os.environ and not _isatty(stream):
        return None
    return _columns(stream)


def _columns(stream: Any) -> int:
    """``COLUMNS`` when set (as shutil.get_terminal_size reads it), else the width of ``stream``'s terminal."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    except ValueError:
        pass
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def _report(output_format: str, findings: list[Finding], by_path: dict[str, FileResult], summary: dict[str, Any],
            problems: list[tuple[str, str]], packs: dict[str, tuple[RulePack, Any]], *, color: bool, quiet: bool,
            err: bool) -> None:
    from . import formats

    if output_format == "json":
        out = formats.to_json(findings)
    elif output_format == "concise":
        out = formats.concise(findings)
    elif output_format == "github":
        out = formats.github(findings)
    elif output_format == "sarif":
        out = formats.sarif(findings, packs, version=__version__, problems=problems)
    else:
        def source_line(f: Finding) -> str | None:
            result = by_path.get(f.path or "")
            return result.lines.get(f.line) if result else None

        def gutter(f: Finding) -> str:
            result = by_path.get(f.path or "")
            return f"¶{f.line}" if result is not None and result.fmt == "docx" else str(f.line)

        out = formats.text(findings, source_line, formats.Summary(**summary), color=color, gutter=gutter,
                           summary_line_shown=not quiet, width=_terminal_width(err=err), hints=not quiet)
    click.echo(out, nl=False, err=err, color=color)


# --------------------------------------------------------------------------- baselines and annotations


def _write_baseline(path: Path, pairs: list[tuple[Finding, FileResult, int]], problems: list[tuple[str, str]]) -> None:
    from . import baseline

    if problems:
        raise Fatal(f"baseline not written to {_name(path)}: {_count(len(problems), 'file')} could not be read")
    root = path.parent
    keys = [baseline.key_for(f, r.contexts[i], root) for f, r, i in pairs]
    try:
        write_atomic(path, baseline.dumps(keys).encode("utf-8"))
    except FileError as exc:
        raise Fatal(f"{_name(path)}: baseline not written: {exc}") from None
    except OSError as exc:
        raise Fatal(f"{_name(path)}: baseline not written: {_os_reason(exc)}") from None
    click.echo(f"Recorded {len(keys)} finding{'s' if len(keys) != 1 else ''} in {_name(path)}.", err=True)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def _os_reason(exc: OSError) -> str:
    """An OSError as a few words: "no space left on device", "permission denied"."""
    return (exc.strerror or str(exc)).lower()


def _with_baseline(tasks: list[Task], path: Path) -> list[Task]:
    """Each task with the findings the baseline records for its file."""
    import dataclasses

    from . import baseline

    try:
        known = baseline.load(path)
    except baseline.BaselineError as exc:
        raise Fatal(str(exc)) from None
    by_path = baseline.by_path(known)
    root = str(path.parent)
    return [dataclasses.replace(t, baseline=tuple(by_path.get(baseline.relative(t.shown, path.parent), {}).items()),
                                baseline_root=root) for t in tasks]


def _check_annotate(tasks: Sequence[Task], destination: Path) -> None:
    if len(tasks) != 1 or tasks[0].path is None or not tasks[0].path.lower().endswith(".docx"):
        raise Fatal("--annotate needs exactly one Word document (.docx) to check")
    source = Path(tasks[0].path or "")
    if destination.exists() and source.exists() and os.path.samefile(destination, source):
        raise Fatal("--annotate writes a reviewed copy; name a new file, not the document being checked")


def _annotate(task: Task, destination: Path, findings: list[Finding], *, quiet: bool) -> None:
    import io

    from .documents import DocumentError
    from .documents.docx import CONTAINER_FACTOR, Comment, annotate
    from .formats import comment_text

    # A comment sits on one paragraph (a finding never spans two: each is its own line).
    comments = [Comment(f.line, f.column - 1, f.end_column - 1 if f.end_line == f.line else f.column - 1 + len(f.text),
                        comment_text(f)) for f in findings]
    limit = task.config.max_file_size
    try:
        data, _ = read_input(task.path or "", limit * CONTAINER_FACTOR)
        buffer = io.BytesIO()
        result = annotate(data, comments, buffer, max_size=limit)
    except (FileError, DocumentError) as exc:
        raise Fatal(f"{_name(destination)}: annotated copy not written: {exc}") from None
    except OSError as exc:
        raise Fatal(f"{_name(destination)}: annotated copy not written: {_os_reason(exc)}") from None
    try:
        write_atomic(destination, buffer.getvalue())
    except FileError as exc:
        raise Fatal(f"{_name(destination)}: annotated copy not written: {exc}") from None
    except OSError as exc:
        raise Fatal(f"{_name(destination)}: annotated copy not written: {_os_reason(exc)}") from None
    if not quiet:
        note = (f"; {result.skipped} in headers, footers or notes could not carry a comment"
                if result.skipped else "")
        click.echo(f"Wrote {_name(destination)} with {result.added} comment{'s' if result.added != 1 else ''}{note}.",
                   err=True)


# --------------------------------------------------------------------------- explain and rules


def _checker(config_file: Path | None, isolated: bool, profile: str | None = None,
             language: str | None = None) -> Checker:
    """The checker the configuration of the working folder sets up (its pack, rules and severities)."""
    try:
        resolver = ConfigResolver(config_file=config_file, isolated=isolated,
                                  overrides={"profile": profile, "language": _language(language)})
        return get_checker(resolver.for_path(Path.cwd()))
    except (ConfigError, RuleLoadError, ValueError) as exc:
        raise Fatal(str(exc)) from None


@cli.command()
@click.argument("rule_ids", nargs=-1, required=True, metavar="RULE...")
@click.option("--format", "output_format", type=click.Choice(["auto", "text", "markdown"]), default="auto",
              show_default=True, help="text for reading, markdown (the hover text); auto: text on a terminal.")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Configuration file (for rules added with extend-rules).")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--lang", "language", default=None, metavar="en|fr|es",
              help="The rules of this language (default: the configuration's, or English).")
def explain(rule_ids: tuple[str, ...], output_format: str, config_file: Path | None, isolated: bool,
            language: str | None) -> None:
    """Explain a rule (or every rule of a family): why, what to write instead, sources, examples.

    This is the text editors show on hover; on a terminal it is shown without Markdown syntax.
    """
    from .explain import rule_markdown, rule_text

    pack = _checker(config_file, isolated, language=language).pack
    chosen = []
    for rule_id in rule_ids:
        matches = [r for r in pack.rules if r.id == rule_id] or [r for r in pack.rules if r.family == rule_id]
        if not matches:
            hint = difflib.get_close_matches(rule_id, [r.id for r in pack.rules] + [f.id for f in pack.families], n=1)
            raise Fatal(f"unknown rule {rule_id!r}" + (f"; did you mean {hint[0]!r}?" if hint else
                                                          " (see `opsc-terms rules`)"))
        chosen.extend(matches)
    if output_format == "markdown" or (output_format == "auto" and not _isatty(sys.stdout)):
        click.echo("\n".join(rule_markdown(pack, rule) for rule in chosen), nl=False)
        return
    color = _use_color("auto", err=False)
    width = min(_columns(sys.stdout), 100) if _isatty(sys.stdout) or "COLUMNS" in os.environ else 80

    def style(value: str, **kwargs: Any) -> str:
        return click.style(value, **kwargs) if color else value

    click.echo("\n".join(rule_text(pack, rule, width=width, style=style) for rule in chosen), nl=False,
               color=color)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["table", "markdown", "json"]), default="table",
              show_default=True, help="table for reading, markdown for docs/rules.md, json for tools.")
@click.option("--profile", default=None, help="Rule profile (default: the configuration's).")
@click.option("--lang", "language", default=None, metavar="en|fr|es",
              help="The rules of this language (default: the configuration's, or English).")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Configuration file (for rules added with extend-rules).")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
def rules(output_format: str, profile: str | None, language: str | None, config_file: Path | None,
          isolated: bool) -> None:
    """List every rule, with the severity the configuration gives it ("off": not checked).

    The configuration's profile, select, ignore and severity settings apply, as they do to
    `check`. `--format markdown` writes the reference in docs/rules.md (default severities).
    """
    from .explain import rule_url, rules_markdown

    checker = _checker(config_file, isolated, profile, language)
    pack, config = checker.pack, checker.config
    ordered = sorted(pack.rules, key=lambda r: (r.family, r.id))
    active = {r.id for r in checker.rules}
    severity = {r.id: config.severity_for(r, pack.severity_for(r, config.profile)) for r in ordered}
    if output_format == "markdown":
        click.echo(rules_markdown(pack), nl=False)
    elif output_format == "json":
        click.echo(json.dumps([{
            "id": r.id, "family": r.family, "category": r.category, "enabled": r.id in active,
            "severity": severity[r.id], "default_severity": r.severity,
            "profiles": list(r.profiles), "message": r.message, "fix": r.fix.text if r.fix else None,
            "replacements": [x.text for x in r.replacements], "sources": list(r.sources), "url": rule_url(r),
        } for r in ordered], ensure_ascii=False, indent=2))
    else:
        width = max(len(r.id) for r in ordered)
        family_width = max(len(r.family) for r in ordered)
        for r in ordered:
            fix = "fix" if r.fix else "   "
            level = severity[r.id] if r.id in active else "off"
            click.echo(f"{r.id:<{width}}  {r.family:<{family_width}}  {level:<7}  {fix}  "
                       f"{', '.join(r.profiles):<14}  {r.message}")


@cli.command()
def clean() -> None:
    """Remove opsc-terms' cache: built rules, results and compiled modules."""
    click.echo(f"Removed {_name(caching.clear())}")


# --------------------------------------------------------------------------- entry point


def main() -> NoReturn:
    """The console script: never a traceback for the user, whatever happens.

    Output that cannot be written (a full disk, a file size limit, a closed standard
    output) is an error with exit status 2, not a report that silently went nowhere.
    """
    if sys.stdout is None:
        _stop("standard output is closed; nothing could be reported")
    raw = getattr(sys.stdout, "buffer", None)
    if isinstance(raw, io.RawIOBase):
        # PYTHONUNBUFFERED (common in containers) writes through to the file descriptor, and
        # a short write there (a full disk) is dropped without an error: buffer it again.
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=sys.stdout.encoding,
                                      errors=sys.stdout.errors, line_buffering=bool(sys.stdout.line_buffering))
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
            reconfigure(errors="backslashreplace")  # curly quotes on a terminal that cannot show them
    caching.ensure_bytecode()
    code: object = 0
    try:
        cli.main(prog_name="opsc-terms")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        click.echo("opsc-terms: interrupted", err=True)
        code = 130
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:
            _internal_error(exc)
        _stop(f"cannot write the output ({_os_reason(exc)})")
    except Exception as exc:  # a bug: say so in one line; OPSC_TERMS_DEBUG=1 shows the traceback
        _internal_error(exc)
    _exit(code)


def _exit(code: object) -> NoReturn:
    """End the process without tearing the interpreter down: freeing spaCy's objects one by
    one takes longer than checking a short text, and the work is done. Output is flushed
    first (a failure to write it is an error, a reader that went away is not); everything
    the command writes to files is complete by now."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message")
        click.echo(str(code), err=True)
        status = 1
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader went away (`| head`): not an error of ours
    except OSError as exc:
        _stop(f"cannot write the output ({_os_reason(exc)})")
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


# Errors that mean the output did not reach its destination.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EIO, errno.EDQUOT, errno.EBADF})


def _internal_error(exc: Exception) -> NoReturn:
    if os.environ.get("OPSC_TERMS_DEBUG"):
        raise exc
    click.echo(f"opsc-terms: internal error: {type(exc).__name__}: {exc} "
               "(set OPSC_TERMS_DEBUG=1 for details, and please report it)", err=True)
    _exit(2)


def _stop(message: str) -> NoReturn:
    """Exit with status 2 at once: standard output is broken, and flushing it again at exit would fail again."""
    with contextlib.suppress(Exception):
        sys.stderr.write(f"opsc-terms: {message}\n")
        sys.stderr.flush()
    os._exit(2)


if __name__ == "__main__":
    main()
