"""Editor settings, merged with the project's configuration files, and one Checker per result.

Editor settings arrive as the ``opscTerms`` object (``initializationOptions``,
``workspace/didChangeConfiguration`` or a ``workspace/configuration`` pull). For each
document the closest configuration file is found exactly as the command line finds it
(``.opsc-terms.toml``, ``opsc-terms.toml`` or ``[tool.opsc-terms]`` in
``pyproject.toml``, from the document's folder upwards); the file's settings apply
first and the editor's settings override them key by key:

- ``profile`` replaces the file's profile;
- a non-empty ``select`` or ``ignore`` replaces the file's list;
- ``severity`` entries override the file's entries for the same rule or family.

Unset and empty editor values leave the file's choice alone: editors send a default for
every setting they declare, and an empty default must not wipe out a project's choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types

from opsc_terms import Checker, Config, ConfigError, RuleLoadError, get_checker
from opsc_terms.config import config_from_mapping, find_config_file, load_config, validate_selectors
from opsc_terms.ruleset import Severity

SECTION = "opscTerms"
DEFAULT_LANGUAGES = ("plaintext", "markdown", "html", "restructuredtext", "latex")
DEFAULT_DEBOUNCE_MS = 250
_SHOWN = f"{SECTION} settings"

# Editor language ids -> the library's document formats. Language ids that settings add
# and that no adapter knows are read as plain text.
FORMATS = {
    "plaintext": "text",
    "markdown": "markdown",
    "html": "html",
    "restructuredtext": "rst",
    "latex": "latex",
    "tex": "latex",
}


@dataclass(frozen=True)
class Problem:
    """Something the user has to fix, shown once with ``window/showMessage``.

    ``key`` says what it is about (a config file, the editor settings), so the problem
    can be shown again after that thing changes.
    """

    key: str
    message: str
    type: types.MessageType = types.MessageType.Error


@dataclass(frozen=True)
class EditorSettings:
    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    debounce_ms: int = DEFAULT_DEBOUNCE_MS

    def apply(self, config: Config) -> Config:
        """``config`` (from a file, or the defaults) with these settings laid over it."""
        severity = dict(config.severity)
        severity.update(self.severity)
        return config.with_overrides(
            profile=self.profile or None,
            select=self.select or None,
            ignore=self.ignore or None,
            severity=tuple(sorted(severity.items())) if self.severity else None,
        )

    def checks(self, language_id: str) -> bool:
        return language_id in self.languages


def unwrap_settings(raw: Any) -> Any:
    """The ``opscTerms`` object, whether sent bare or inside ``{"opscTerms": {...}}``."""
    if isinstance(raw, Mapping) and isinstance(raw.get(SECTION), Mapping):
        return raw[SECTION]
    return raw


def parse_settings(raw: Any) -> tuple[EditorSettings, list[Problem]]:
    """Read the ``opscTerms`` object. A bad value is reported and that one key ignored;
    keys this server does not know are left alone (the editor extension keeps its own
    settings, such as the Python interpreter, in the same section)."""
    raw = unwrap_settings(raw)
    if raw is None:
        return EditorSettings(), []
    if not isinstance(raw, Mapping):
        return EditorSettings(), [Problem(SECTION, f"{_SHOWN}: must be an object, got {type(raw).__name__}")]
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key in ("profile", "select", "ignore", "severity"):
        value = raw.get(key)
        if value is None or value == "" or value == [] or value == {}:
            continue
        try:
            parsed = config_from_mapping({key: value}, shown=_SHOWN)
        except ConfigError as exc:
            problems.append(Problem(SECTION, str(exc)))
            continue
        values[key] = getattr(parsed, key)
    languages = raw.get("languages")
    if languages is not None:
        if isinstance(languages, list) and all(isinstance(x, str) for x in languages):
            values["languages"] = tuple(languages)
        else:
            problems.append(Problem(SECTION, f"{_SHOWN}: key 'languages': must be a list of language ids"))
    debounce = raw.get("debounceMs")
    if debounce is not None:
        if isinstance(debounce, int | float) and not isinstance(debounce, bool) and 0 <= debounce <= 10_000:
            values["debounce_ms"] = int(debounce)
        else:
            problems.append(Problem(SECTION, f"{_SHOWN}: key 'debounceMs': must be a number of milliseconds "
                                             "from 0 to 10000"))
    return EditorSettings(**values), problems


@dataclass
class Resolved:
    checker: Checker
    problems: list[Problem] = field(default_factory=list)


class ConfigResolver:
    """Finds and loads each document's configuration file and keeps one Checker per
    effective configuration.

    A Checker keeps spaCy and its per-block cache, so documents with the same settings
    share one. This is used from the lint worker thread only, which is what keeps the
    caches and the Checkers free of races.
    """

    def __init__(self) -> None:
        self._config_files: dict[Path, Path | None] = {}
        self._loaded: dict[Path, Config | ConfigError] = {}
        self._checkers: dict[Config, Checker] = {}

    def invalidate(self, changed: Iterable[Path]) -> None:
        """Forget what may depend on ``changed`` files (config files and rule files).

        Which configuration file applies can change when one is created or deleted
        anywhere above a document, so discovery is forgotten as a whole; it is cheap.
        Checkers built from a changed rule file are dropped; other Checkers keep their
        caches, which is what keeps re-checking fast.
        """
        changed = {_normal(p) for p in changed}
        self._config_files.clear()
        self._loaded.clear()
        for config in list(self._checkers):
            if any(_normal(p) in changed for p in config.extend_rules):
                del self._checkers[config]

    def config_file(self, document: Path) -> Path | None:
        folder = document.parent
        if folder not in self._config_files:
            self._config_files[folder] = find_config_file(folder) if folder.is_dir() else None
        return self._config_files[folder]

    def resolve(self, document: Path | None, settings: EditorSettings) -> Resolved:
        """The Checker for a document (``None``: not a file, such as an unsaved buffer)."""
        problems: list[Problem] = []
        file_config = Config()
        path = self.config_file(document) if document is not None else None
        if path is not None:
            loaded = self._load(path)
            if isinstance(loaded, ConfigError):
                problems.append(Problem(str(path), f"{loaded} (checking with the default settings until it is "
                                                   "fixed)"))
            else:
                file_config = loaded
        # The first configuration that works wins: a bad profile name in the editor
        # settings must not also throw away a good configuration file, and a broken rule
        # file must not stop checking altogether.
        file_label = str(path) if path is not None and file_config.path is not None else "the default settings"
        merged = settings.apply(file_config)
        candidates = {merged: SECTION if merged != file_config else file_label}
        candidates.setdefault(file_config, file_label)
        candidates.setdefault(settings.apply(Config()), SECTION)
        candidates.setdefault(Config(), "the default settings")
        failures: dict[str, str] = {}
        for config, label in candidates.items():
            try:
                checker = self._checker(config)
            except (ValueError, RuleLoadError, OSError) as exc:
                # The same failure without the editor's settings is the file's fault:
                # the last configuration that fails in the same way names the culprit.
                failures[str(exc)] = label
                continue
            problems.extend(Problem(label, f"{label}: {message}") for message, label in failures.items())
            unknown = validate_selectors(config, checker.pack.rules)
            if unknown:
                problems.append(Problem(label, f"{label}: no rule matches {', '.join(map(repr, unknown))}",
                                        types.MessageType.Warning))
            return Resolved(checker, problems)
        raise AssertionError("the default configuration always builds")  # pragma: no cover

    def _load(self, path: Path) -> Config | ConfigError:
        if path not in self._loaded:
            try:
                self._loaded[path] = load_config(path)
            except ConfigError as exc:
                self._loaded[path] = exc
        return self._loaded[path]

    def _checker(self, config: Config) -> Checker:
        if not config.extend_rules:
            return get_checker(config)
        # opsc_terms.get_checker() keeps every Checker for the life of the process; one
        # built from an organisation's rule file must be rebuilt when that file changes.
        checker = self._checkers.get(config)
        if checker is None:
            checker = self._checkers[config] = Checker(config)
        return checker


def _normal(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
