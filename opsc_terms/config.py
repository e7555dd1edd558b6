"""Configuration: ``[tool.opsc-terms]`` in pyproject.toml, ``opsc-terms.toml`` or ``.opsc-terms.toml``.

The closest configuration file above a checked file wins (as in ruff); settings are not
merged across levels. Errors name the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from .ruleset import SEVERITIES, Rule, Severity, toml_error

CONFIG_FILES = (".opsc-terms.toml", "opsc-terms.toml", "pyproject.toml")
_KEYS = {"profile", "select", "ignore", "severity", "extend-rules", "allow", "include", "exclude", "language"}


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
    language: str = "en"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    extend_rules: tuple[Path, ...] = ()
    allow: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
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
    directory = start if start.is_dir() else start.parent
    for folder in [directory, *directory.parents]:
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A broken pyproject.toml that mentions us is still ours to report.
        try:
            return "[tool.opsc-terms" in path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "opsc-terms" in data["tool"]


def load_config(path: Path) -> Config:
    """Load one configuration file; raise ConfigError naming the file, line and key."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(shown, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(shown, f"not UTF-8 (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_error(exc, text)
        raise ConfigError(shown, f"invalid TOML: {message}", line=line) from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("opsc-terms", {})
        prefix = "tool.opsc-terms."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise ConfigError(shown, "must be a table", key=prefix.rstrip(".") or None)
    return config_from_mapping(table, base=path.parent, shown=shown, text=text, prefix=prefix, path=path)


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
    for key in ("select", "ignore", "allow", "include", "exclude", "extend-rules"):
        if key in table:
            value = table[key]
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise fail(key, "must be a list of strings")
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
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise fail("severity", "must be a table of rule-id = \"error\" | \"warning\" | \"info\"")
        for rule_id, level in sev.items():
            if level not in SEVERITIES:
                raise fail("severity", f"{rule_id} = {level!r}: must be one of {', '.join(SEVERITIES)}")
        values["severity"] = tuple(sorted((str(k), cast(Severity, v)) for k, v in sev.items()))
    return Config(path=path, **values)


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
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
