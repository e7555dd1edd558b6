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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lsprotocol import types

from opsc_terms import Checker, Config, ConfigError, RuleLoadError, get_checker
from opsc_terms.config import ConfigResolver, Discovered, config_from_mapping, discover, validate_selectors
from opsc_terms.documents import format_for
from opsc_terms.ruleset import Severity

SECTION = "opscTerms"
DEFAULT_LANGUAGES = ("plaintext", "markdown", "html", "restructuredtext", "latex")
DEFAULT_DEBOUNCE_MS = 250
_SHOWN = f"{SECTION} settings"

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
    language: str | None = None  # the natural language: en, fr, es or auto (not a document's language id)
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
            language=self.language or None,
            select=self.select or None,
            ignore=self.ignore or None,
            severity=tuple(sorted(severity.items())) if self.severity else None,
        )

    def checks(self, language_id: str) -> bool:
        """Is a document of this language id checked? Editors name formats differently
        (Neovim and Emacs say "text", "rst" and "tex"), so a language id also counts when
        it names the same format as one in the list."""
        if language_id in self.languages:
            return True
        fmt = format_for(language_id)
        return fmt is not None and any(format_for(listed) == fmt for listed in self.languages)


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
    for key in ("profile", "language", "select", "ignore", "severity"):
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
    """The Checker for a document, or None when the project's ``exclude`` skips it."""

    checker: Checker | None
    problems: list[Problem] = field(default_factory=list)


class CheckerPool:
    """Each document's configuration (found as the command line finds it) and one
    Checker per effective configuration.

    A Checker keeps spaCy and its per-block cache, so documents with the same settings
    share one. This is used from the lint worker thread only, which is what keeps the
    caches and the Checkers free of races.
    """

    def __init__(self) -> None:
        self._configs = ConfigResolver()
        self._checkers: dict[Config, Checker] = {}

    def invalidate(self, changed: Iterable[Path]) -> None:
        """Forget what may depend on ``changed`` files (config files and rule files).

        Which configuration file applies can change when one is created or deleted
        anywhere above a document, so discovery starts afresh; it is cheap. Checkers
        built from a changed rule file are dropped; other Checkers keep their caches,
        which is what keeps re-checking fast.
        """
        changed = {_normal(p) for p in changed}
        self._configs = ConfigResolver()
        for config in list(self._checkers):
            if any(_normal(p) in changed for p in config.extend_rules):
                del self._checkers[config]

    def resolve(self, document: Path | None, settings: EditorSettings) -> Resolved:
        """The Checker for a document (``None``: not a file, such as an unsaved buffer)."""
        problems: list[Problem] = []
        file_config = Config()
        if document is not None:
            try:
                file_config = self._configs.base_for(document)
            except ConfigError as exc:
                problems.append(Problem(exc.path, f"{exc} (checking with the default settings until it is fixed)"))
            else:
                if file_config.exclude and self._excluded(document):
                    return Resolved(None, problems)
        # Who is to blame for a failure: (key for Problem, how the message names it).
        editor = (SECTION, _SHOWN)
        file = (str(file_config.path), str(file_config.path)) if file_config.path is not None else \
            ("defaults", "the default settings")
        # Only a profile name can make the editor's settings fail (selectors that match
        # no rule are warned about); a file can fail by its profile or its rule files.
        no_profile = replace(settings, profile=None)
        candidates: dict[Config, tuple[str, str]] = {}
        candidates.setdefault(settings.apply(file_config), editor if settings.profile else file)
        candidates.setdefault(no_profile.apply(file_config), file)
        candidates.setdefault(settings.apply(Config()), editor)
        candidates.setdefault(no_profile.apply(Config()), editor)
        candidates.setdefault(Config(), ("defaults", "the default settings"))
        failures: dict[str, tuple[str, str]] = {}
        for config, culprit in candidates.items():
            try:
                checker = self._checker(config)
            except (ValueError, RuleLoadError, OSError) as exc:
                # The same failure without the editor's settings is the file's fault:
                # the last configuration that fails in the same way names the culprit.
                failures[str(exc)] = culprit
                continue
            problems.extend(Problem(key, f"{label}: {message}") for message, (key, label) in failures.items())
            unknown = validate_selectors(config, checker.pack.rules)
            if unknown:
                key, label = culprit
                problems.append(Problem(key, f"{label}: no rule matches {', '.join(map(repr, unknown))}",
                                        types.MessageType.Warning))
            return Resolved(checker, problems)
        raise AssertionError("the default configuration always builds")  # pragma: no cover

    def _excluded(self, document: Path) -> bool:
        # The project's `exclude` applies in the editor as with `opsc-terms check
        # --force-exclude`: a file the project does not check gets no diagnostics.
        if not document.exists():
            return False
        found = list(discover([document], self._configs, respect_gitignore=False, force_exclude=True))
        return not any(isinstance(d, Discovered) for d in found)

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
