"""Configuration: ``[tool.opsc-terms]`` in pyproject.toml, ``opsc-terms.toml`` or ``.opsc-terms.toml``.

The closest configuration file above a checked file wins (as in ruff); settings are not
merged across levels. Errors name the file, the line and the key.

Discovery (:func:`discover`) turns the paths given on the command line into the files to
check, each with its configuration: folders are walked with the configuration's
``include``/``exclude`` globs, hidden folders, ``node_modules`` and ``.gitignore``.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from .files import DEFAULT_MAX_FILE_SIZE, parse_size
from .ruleset import (
    MAX_FILE_BYTES,
    MAX_LIST_ITEMS,
    SEVERITIES,
    Rule,
    Severity,
    available_languages,
    list_problem,
    parse_toml,
    toml_error,
)

CONFIG_FILES = (".opsc-terms.toml", "opsc-terms.toml", "pyproject.toml")
_KEYS = {"profile", "select", "ignore", "severity", "extend-rules", "allow", "include", "exclude", "language",
         "max-file-size"}


class ConfigError(Exception):
    def __init__(self, path: str, message: str, *, key: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.key = key
        self.line = line
        self.detail = message
        where = path if line is None else f"{path}:{line}"
        super().__init__(f"{where}: {f'key {key!r}: ' if key else ''}{message}")


@dataclass(frozen=True)
class Config:
    """How to check: profile, rule selection, severities, extra rules and allowed phrases."""

    profile: str = "default"
    language: str = "auto"  # a language id, or "auto": detected per document and per paragraph
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    extend_rules: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    # The largest input read, in bytes (a text file, standard input, the text of a Word
    # document). Not part of what makes two configurations check alike.
    max_file_size: int = field(default=DEFAULT_MAX_FILE_SIZE, compare=False)
    path: Path | None = field(default=None, compare=False)

    @property
    def severities(self) -> dict[str, Severity]:
        return dict(self.severity)

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given settings replaced (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def selects(self, rule: Rule) -> bool:
        if self.select and not any(_selector_matches(s, rule) for s in self.select):
            return False
        return not any(_selector_matches(s, rule) for s in self.ignore)

    def severity_for(self, rule: Rule, default: Severity) -> Severity:
        table = self.severities
        return table.get(rule.id) or table.get(rule.family) or default


def _selector_matches(selector: str, rule: Rule) -> bool:
    if selector in ("ALL", "all", "*"):
        return True
    if selector.endswith("*"):
        return rule.id.startswith(selector[:-1]) or rule.family.startswith(selector[:-1])
    return selector in (rule.id, rule.family)


def find_config_file(start: Path) -> Path | None:
    """The closest configuration file at or above ``start`` (a file or a directory)."""
    directory = start if _is_dir(start) else start.parent
    for folder in [directory, *directory.parents]:
        for name in CONFIG_FILES:
            candidate = folder / name
            if _is_file(candidate) and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = parse_toml(_read_text(path))
    except (OSError, UnicodeDecodeError, ValueError):
        # A broken pyproject.toml that mentions us is still ours to report.
        try:
            with path.open("rb") as stream:
                return b"[tool.opsc-terms" in stream.read(MAX_FILE_BYTES)
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "opsc-terms" in data["tool"]


def load_config(path: Path) -> Config:
    """Load one configuration file; raise ConfigError naming the file, line and key."""
    shown = str(path)
    try:
        text = _read_text(path)
    except OSError as exc:
        raise ConfigError(shown, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(shown, f"not UTF-8 (byte {exc.start})") from None
    except ValueError as exc:
        raise ConfigError(shown, str(exc)) from None
    try:
        data = parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_error(exc, text)
        raise ConfigError(shown, f"invalid TOML: {message}", line=line) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("opsc-terms", {}) if isinstance(tool, dict) else {}
        prefix = "tool.opsc-terms."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise ConfigError(shown, "must be a table", key=prefix.rstrip(".") or None)
    return config_from_mapping(table, base=path.parent, shown=shown, text=text, prefix=prefix, path=path)


def _read_text(path: Path) -> str:
    """A configuration file's text; ValueError when it is too large to be one."""
    with path.open("rb") as stream:
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: too large for a configuration file")
    return raw.decode("utf-8")


def config_from_mapping(table: Mapping[str, Any], *, base: Path | None = None, shown: str = "<settings>",
                        text: str = "", prefix: str = "", path: Path | None = None) -> Config:
    """Build a Config from already-parsed settings (a file's table, or editor settings)."""

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(shown, message, key=prefix + key, line=_line_of(text, key))

    for key in table:
        if key not in _KEYS:
            raise fail(key, f"unknown setting (known: {', '.join(sorted(_KEYS))})")
    values: dict[str, Any] = {}
    for key in ("profile", "language"):
        if key in table:
            if not isinstance(table[key], str) or not table[key]:
                raise fail(key, "must be a string")
            values[key] = table[key]
    if "language" in values and values["language"] not in (*available_languages(), "auto"):
        # A language id names a folder of the shipped rules; it is never a path.
        raise fail("language", f"unknown language {values['language'][:40]!r} "
                               f"(known: {', '.join(available_languages())}, auto)")
    for key in ("select", "ignore", "allow", "include", "exclude", "extend-rules"):
        if key in table:
            value = table[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise fail(key, "must be a list of strings")
            if problem := list_problem(value):
                raise fail(key, problem)
            values[key.replace("-", "_")] = tuple(value)
    if "extend_rules" in values:
        root = base or Path.cwd()
        resolved = []
        for item in values["extend_rules"]:
            candidate = Path(item) if Path(item).is_absolute() else root / item
            if not candidate.is_file():
                raise fail("extend-rules", f"rule file not found: {item}")
            resolved.append(candidate)
        values["extend_rules"] = tuple(resolved)
    if "max-file-size" in table:
        try:
            values["max_file_size"] = parse_size(table["max-file-size"])
        except ValueError as exc:
            raise fail("max-file-size", str(exc)) from None
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise fail("severity", "must be a table of rule-id = \"error\" | \"warning\" | \"info\"")
        if len(sev) > MAX_LIST_ITEMS:
            raise fail("severity", f"{len(sev)} entries; at most {MAX_LIST_ITEMS} are allowed")
        for rule_id, level in sev.items():
            if level not in SEVERITIES:
                raise ConfigError(shown, f"{rule_id} = {level!r}: must be one of {', '.join(SEVERITIES)}",
                                  key=prefix + "severity", line=_line_of(text, rule_id) or _line_of(text, "severity"))
        values["severity"] = tuple(sorted((str(k), cast(Severity, v)) for k, v in sev.items()))
    return Config(path=path, **values)


def _line_of(text: str, key: str) -> int | None:
    # `key = ...`, or a table header such as `[severity]` / `[tool.opsc-terms.severity]`.
    pattern = re.compile(rf"^[ \t]*(?:[\"']?{re.escape(key)}[\"']?\s*=|\[(?:tool\.opsc-terms\.)?{re.escape(key)}\])",
                         re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def validate_selectors(config: Config, rules: Iterable[Rule]) -> list[str]:
    """Selectors in select/ignore/severity that match no rule: almost always typos."""
    rules = list(rules)
    unknown = []
    for selector in (*config.select, *config.ignore, *(k for k, _ in config.severity)):
        if not any(_selector_matches(selector, r) for r in rules):
            unknown.append(selector)
    return unknown


def selector_error(config: Config, rules: Iterable[Rule]) -> ConfigError | None:
    """A ConfigError naming the first selector of a configuration file that matches no rule."""
    rules = list(rules)
    unknown = validate_selectors(config, rules)
    if not unknown or config.path is None:
        return None
    selector = unknown[0]
    key = next(k for k, values in (("select", config.select), ("ignore", config.ignore),
                                   ("severity", tuple(k for k, _ in config.severity))) if selector in values)
    names = sorted({r.id for r in rules} | {r.family for r in rules})
    hint = difflib.get_close_matches(selector, names, n=1)
    message = f"unknown rule or family {selector!r}" + (f"; did you mean {hint[0]!r}?" if hint else "")
    return config_error(config, key, message, line_key=selector if key == "severity" else key)


def config_error(config: Config, key: str, message: str, *, line_key: str | None = None) -> ConfigError:
    """A ConfigError about ``key`` of a loaded configuration, with the line where it is set."""
    path = config.path
    if path is None:
        return ConfigError("<settings>", message, key=key)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    prefix = "tool.opsc-terms." if path.name == "pyproject.toml" else ""
    return ConfigError(str(path), message, key=prefix + key, line=_line_of(text, line_key or key))


# --------------------------------------------------------------------------- discovery

# What a folder walk checks unless the configuration's `include` says otherwise.
DEFAULT_INCLUDE = ("*.txt", "*.text", "*.md", "*.markdown", "*.rst", "*.html", "*.htm", "*.tex", "*.docx")
# Folders a walk never enters (besides hidden ones, whose names start with a dot).
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


class ConfigResolver:
    """The configuration for each checked path: the closest file wins, as in ruff.

    ``config_file`` uses one file for every path; ``isolated`` ignores all files. The
    ``overrides`` (from the command line) replace the same settings of whatever was found.
    Lookups are cached per folder, so a large tree costs one walk up per folder.
    """

    def __init__(self, *, config_file: Path | None = None, isolated: bool = False,
                 overrides: Mapping[str, Any] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._fixed: Config | None = None
        if isolated:
            self._fixed = Config()
        elif config_file is not None:
            self._fixed = load_config(config_file)
        self._files: dict[Path, Path | None] = {}
        self._loaded: dict[Path, Config] = {}

    def base_for(self, path: Path) -> Config:
        """The configuration found for ``path``, before command-line overrides."""
        if self._fixed is not None:
            return self._fixed
        folder = _absolute(path if _is_dir(path) else path.parent)
        found = self._config_file(folder)
        if found is None:
            return Config()
        config = self._loaded.get(found)
        if config is None:
            config = self._loaded[found] = load_config(found)
        return config

    def for_path(self, path: Path) -> Config:
        return self.base_for(path).with_overrides(**self.overrides)

    def loaded(self) -> list[Config]:
        """Every configuration file read so far (for validation)."""
        return ([self._fixed] if self._fixed is not None and self._fixed.path is not None else []) + list(
            self._loaded.values())

    def _config_file(self, folder: Path) -> Path | None:
        if folder in self._files:
            return self._files[folder]
        found: Path | None = None
        for name in CONFIG_FILES:
            candidate = folder / name
            if _is_file(candidate) and (name != "pyproject.toml" or _has_tool_table(candidate)):
                found = _shown(candidate)
                break
        else:
            if folder.parent != folder:
                found = self._config_file(folder.parent)
        self._files[folder] = found
        return found


def _is_file(path: Path) -> bool:
    """Like Path.is_file, but False (not PermissionError) for a path inside a folder that cannot be read."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it lies inside it (for messages)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(path))


@dataclass(frozen=True)
class Discovered:
    """A file to check: its path, how to show it, and its configuration."""

    path: Path
    shown: str
    config: Config


@dataclass(frozen=True)
class PathProblem:
    """A path that cannot be checked, with a one-line reason."""

    shown: str
    message: str


class _Patterns:
    """include/exclude globs of one configuration, in .gitignore syntax, relative to its folder."""

    def __init__(self, config: Config) -> None:
        import pathspec

        self.root = _absolute(config.path.parent) if config.path is not None else _absolute(Path.cwd())
        self.include = pathspec.GitIgnoreSpec.from_lines(config.include or DEFAULT_INCLUDE)
        self.exclude = pathspec.GitIgnoreSpec.from_lines(config.exclude) if config.exclude else None

    def _relative(self, path: Path, is_dir: bool) -> str:
        absolute = _absolute(path)
        try:
            rel = absolute.relative_to(self.root).as_posix()
        except ValueError:
            rel = absolute.name  # outside the configuration's folder: match by name only
        return rel + "/" if is_dir else rel

    def excluded(self, path: Path, is_dir: bool) -> bool:
        return self.exclude is not None and self.exclude.match_file(self._relative(path, is_dir))

    def included(self, path: Path) -> bool:
        return self.include.match_file(self._relative(path, False))


class _GitIgnore:
    """The .gitignore files that apply in a folder, outermost first; the last match decides."""

    def __init__(self, specs: tuple[tuple[Path, Any], ...] = ()) -> None:
        self.specs = specs

    def extended(self, folder: Path, files: Sequence[Path]) -> _GitIgnore:
        import pathspec

        added = []
        for file in files:
            try:
                lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            added.append((folder, pathspec.GitIgnoreSpec.from_lines(lines)))
        return _GitIgnore(self.specs + tuple(added)) if added else self

    def ignored(self, path: Path, is_dir: bool) -> bool:
        result: bool | None = None
        for base, spec in self.specs:
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            outcome = spec.check_file(rel + "/" if is_dir else rel).include
            if outcome is not None:
                result = outcome
        return bool(result)


def _git_root(folder: Path) -> Path | None:
    for candidate in [folder, *folder.parents]:
        if _exists(candidate / ".git"):
            return candidate
    return None


def _inherited_gitignore(folder: Path) -> _GitIgnore:
    """The .gitignore files above ``folder`` up to its repository root, and .git/info/exclude."""
    root = _git_root(folder)
    ignore = _GitIgnore()
    if root is None:
        return ignore
    info = root / ".git" / "info" / "exclude"
    if _is_file(info):
        ignore = ignore.extended(root, [info])
    chain = [folder, *folder.parents]
    for ancestor in reversed(chain[1:chain.index(root) + 1]):
        gitignore = ancestor / ".gitignore"
        if _is_file(gitignore):
            ignore = ignore.extended(ancestor, [gitignore])
    return ignore


def discover(paths: Sequence[Path], resolver: ConfigResolver, *, respect_gitignore: bool = True,
             force_exclude: bool = False) -> Iterator[Discovered | PathProblem]:
    """The files to check under ``paths``, in a stable order, with their configurations.

    Folders are walked recursively: files matching the configuration's ``include`` globs
    (by default the formats opsc-terms reads) and not its ``exclude`` globs. Hidden files
    and folders, ``node_modules`` and files ignored by ``.gitignore`` are skipped. A file
    named explicitly is always checked, unless ``force_exclude`` and ``exclude`` matches it
    (for pre-commit, which names every staged file).
    """
    patterns: dict[Path | None, _Patterns] = {}

    def patterns_for(config: Config) -> _Patterns:
        key = config.path
        if key not in patterns:
            patterns[key] = _Patterns(config)
        return patterns[key]

    for path in paths:
        shown = str(path)
        try:
            is_dir = path.is_dir()
            exists = is_dir or path.exists()
        except OSError as exc:
            yield PathProblem(shown, _os_reason(exc))
            continue
        if not exists:
            yield PathProblem(shown, _missing_reason(path))
            continue
        if not is_dir:
            config = resolver.for_path(path)
            if force_exclude and patterns_for(resolver.base_for(path)).excluded(path, False):
                continue
            yield Discovered(path, shown, config)
            continue
        folder = _absolute(path)
        ignore = _inherited_gitignore(folder) if respect_gitignore else _GitIgnore()
        yield from _walk(path, folder, ignore, resolver, patterns_for, respect_gitignore,
                         os.path.realpath(folder))


def _walk(shown: Path, folder: Path, ignore: _GitIgnore, resolver: ConfigResolver,
          patterns_for: Callable[[Config], _Patterns], respect_gitignore: bool,
          root: str) -> Iterator[Discovered | PathProblem]:
    """The files under ``folder``. Symbolic links to folders are not followed, and links to
    files are followed only when the file lies inside ``root`` (the real path of the folder
    named on the command line): a walk never leaves the tree it was given, so ``--fix``
    never rewrites a file outside it."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield PathProblem(str(shown), _os_reason(exc, folder=True))
        return
    if respect_gitignore:
        ignore = ignore.extended(folder, [folder / ".gitignore"] if any(
            e.name == ".gitignore" for e in entries) else [])
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file()
        except OSError:
            continue
        if is_dir:
            if entry.name in SKIPPED_DIRS or ignore.ignored(path, True):
                continue
            if patterns_for(resolver.base_for(path)).excluded(path, True):
                continue
            yield from _walk(shown / entry.name, path, ignore, resolver, patterns_for, respect_gitignore, root)
        elif is_file:
            if entry.is_symlink() and not _inside(os.path.realpath(path), root):
                continue
            base = resolver.base_for(path)
            selected = patterns_for(base)
            if not selected.included(path) or selected.excluded(path, False) or ignore.ignored(path, False):
                continue
            yield Discovered(path, str(shown / entry.name), resolver.for_path(path))


def _missing_reason(path: Path) -> str:
    """Why a path that does not exist does not: nothing there, or a link that leads nowhere."""
    if not os.path.islink(path):
        return "no such file or directory"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links"
    return "a symbolic link to a file that does not exist"


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _os_reason(exc: OSError, *, folder: bool = False) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied" + (": cannot list this folder" if folder else "")
    return (exc.strerror or str(exc)).lower()
