"""opsc-terms: a terminology linter for writing about the sexual exploitation of children.

    >>> import opsc_terms
    >>> findings = opsc_terms.check("Police rescued three child prostitutes.")
    >>> [(f.rule, f.text, f.fix) for f in findings]
    [('child-prostitute', 'child prostitutes', 'children exploited in prostitution')]
    >>> [f.fix.applicability for f in findings]
    ['safe']
    >>> opsc_terms.fix("Police rescued three child prostitutes.", findings)
    'Police rescued three children exploited in prostitution.'

Importing this package does not import spaCy; checking text that contains no candidate
word never does either.
"""

from __future__ import annotations

from collections.abc import Iterable

from .checker import Checker
from .config import Config, ConfigError
from .findings import Edit, Finding, Fix, apply_fixes
from .ruleset import Rule, RuleError, RuleLoadError, RulePack, load_builtin

__all__ = [
    "Checker", "Config", "ConfigError", "Edit", "Finding", "Fix", "Rule", "RuleError", "RuleLoadError", "RulePack",
    "check", "fix", "get_checker", "lint_document", "load_builtin",
]
__version__ = "0.1.0"

_CHECKERS: dict[Config, Checker] = {}


def get_checker(config: Config | None = None) -> Checker:
    """A Checker for this configuration, built once per process and reused."""
    config = config or Config()
    checker = _CHECKERS.get(config)
    if checker is None:
        checker = _CHECKERS[config] = Checker(config)
    return checker


def check(text: str, *, lang: str | None = None, profile: str | None = None, config: Config | None = None,
          format: str = "text") -> list[Finding]:
    """Check ``text`` and return its findings in order of position.

    ``lang`` (default "en") and ``profile`` ("default" or "media") override the same
    settings in ``config``. ``format`` reads the text as Markdown, HTML, reStructuredText
    or LaTeX instead of plain text, with its markup and suppression comments. Offsets in
    the findings are indices into ``text``.
    """
    from .lint import lint_document

    config = (config or Config()).with_overrides(language=lang, profile=profile)
    return list(lint_document(text, format, checker=get_checker(config)).findings)


def fix(text: str, findings: Iterable[Finding], *, unsafe: bool = False) -> str:
    """``text`` with the safe fixes of ``findings`` applied (and the unsafe ones, with
    ``unsafe``); nothing outside their edits changes."""
    return apply_fixes(text, findings, unsafe=unsafe)


def __getattr__(name: str) -> object:
    # lint_document pulls in the document readers; load them when first asked for.
    if name == "lint_document":
        from .lint import lint_document

        return lint_document
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
