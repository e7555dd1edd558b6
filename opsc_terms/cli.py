"""The ``opsc-terms`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from . import __version__, get_checker
from .config import Config
from .findings import Finding, sort_findings
from .ruleset import RuleLoadError

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ".rst", ".html", ".htm", ".tex"}


class InputError(Exception):
    """A path that cannot be read as text."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="opsc-terms")
def main() -> None:
    """Flag discouraged terms about the sexual exploitation of children and suggest aligned ones."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--profile", default=None, help="Rule profile: default (policy and legal drafting) or media.")
@click.option("--exit-zero", is_flag=True, help="Exit with status 0 even when there are findings.")
def check(paths: tuple[Path, ...], output_format: str, profile: str | None, exit_zero: bool) -> None:
    """Check files, folders (recursively) or standard input ("-")."""
    try:
        checker = get_checker(Config().with_overrides(profile=profile))
    except (RuleLoadError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    findings: list[Finding] = []
    problems = 0
    for shown, text in _inputs(paths):
        if isinstance(text, InputError):
            click.echo(f"opsc-terms: {shown}: {text}", err=True)
            problems += 1
            continue
        findings.extend(checker.check(text, path=shown))
    findings = sort_findings(findings)
    if output_format == "json":
        click.echo(json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2))
    else:
        for f in findings:
            click.echo(f"{f.path}:{f.line}:{f.column}: {f.severity} [{f.rule}] {f.message}")
    if problems:
        sys.exit(2)
    if not exit_zero and any(f.severity in ("error", "warning") for f in findings):
        sys.exit(1)


def _inputs(paths: tuple[Path, ...]) -> Iterator[tuple[str, str | InputError]]:
    if not paths:
        paths = (Path("-"),)
    for path in paths:
        if str(path) == "-":
            data = sys.stdin.buffer.read()
            yield "-", _decode(data)
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in TEXT_SUFFIXES and not _hidden(child, path):
                    yield str(child), _read(child)
        elif path.exists():
            yield str(path), _read(path)
        else:
            yield str(path), InputError("no such file or directory")


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "node_modules" for part in path.relative_to(root).parts[:-1])


def _read(path: Path) -> str | InputError:
    try:
        return _decode(path.read_bytes())
    except OSError as exc:
        return InputError(exc.strerror or str(exc))


def _decode(data: bytes) -> str | InputError:
    if b"\x00" in data[:8192]:
        return InputError("binary file, not checked")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return InputError(f"not valid UTF-8 (byte {exc.start}); convert it to UTF-8 first")


if __name__ == "__main__":
    main()
