"""Every rule's own examples, run through the real spaCy pipeline.

bad   -> the rule reports a plain use at its own severity
good  -> the rule reports nothing at warning or error (nothing at all for an info rule)
fixed -> applying the safe fixes to bad[i] gives fixed[i]
suggested -> applying the safe and unsafe fixes to bad[i] gives suggested[i]
"""

from __future__ import annotations

import pytest

import opsc_terms
from opsc_terms import Config, get_checker, load_builtin
from opsc_terms.ruleset import SEVERITY_RANK, Rule, RulePack, available_languages

# Every shipped language; English ids keep their old test ids ("child-porn-bad0"), the
# others are prefixed with the language ("fr-child-porn-bad0").
PACKS: dict[str, RulePack] = {lang: load_builtin(lang) for lang in available_languages()}


def _pack(rule: Rule) -> RulePack:
    return PACKS[rule.language]


def _checker(rule: Rule) -> opsc_terms.Checker:
    return get_checker(Config(language=rule.language, profile=_profile(rule)))


def _profile(rule: Rule) -> str:
    return "media" if "media" in rule.profiles and "default" not in rule.profiles else "default"


def _findings(rule: Rule, text: str) -> list[opsc_terms.Finding]:
    return [f for f in _checker(rule).check(text) if f.rule == rule.id]


def _cases(kind: str) -> list[object]:
    return [pytest.param(rule, i, text, id=("" if lang == "en" else f"{lang}-") + f"{rule.id}-{kind}{i}")
            for lang, pack in PACKS.items() for rule in pack.rules
            for i, text in enumerate(getattr(rule.examples, kind))]


@pytest.mark.parametrize(("rule", "index", "text"), _cases("bad"))
def test_bad_example_is_flagged(rule: Rule, index: int, text: str) -> None:
    expected = _pack(rule).severity_for(rule, _profile(rule))
    found = _findings(rule, text)
    assert found, f"{rule.id} did not flag {text!r}"
    assert any(f.context is None and SEVERITY_RANK[f.severity] >= min(SEVERITY_RANK[expected],
                                                                        SEVERITY_RANK["warning"])
               for f in found), [(f.severity, f.context) for f in found]


@pytest.mark.parametrize(("rule", "index", "text"), _cases("good"))
def test_good_example_is_not_flagged(rule: Rule, index: int, text: str) -> None:
    floor = min(SEVERITY_RANK[_pack(rule).severity_for(rule, _profile(rule))], SEVERITY_RANK["warning"])
    flagged = [f for f in _findings(rule, text) if SEVERITY_RANK[f.severity] >= floor]
    assert not flagged, [(f.text, f.severity, f.context) for f in flagged]


@pytest.mark.parametrize(("rule", "index", "text"), _cases("fixed"))
def test_fixed_example(rule: Rule, index: int, text: str) -> None:
    bad = rule.examples.bad[index]
    findings = _checker(rule).check(bad)
    assert opsc_terms.fix(bad, findings) == text


@pytest.mark.parametrize(("rule", "index", "text"), _cases("suggested"))
def test_suggested_example(rule: Rule, index: int, text: str) -> None:
    """The leading suggestion, applied wherever it may be, reads as the rule data says."""
    bad = rule.examples.bad[index]
    assert opsc_terms.fix(bad, _findings(rule, bad), unsafe=True) == text


@pytest.mark.parametrize(("rule", "index", "text"), _cases("bad"))
def test_fix_is_never_applied_where_it_cannot_read_right(rule: Rule, index: int, text: str) -> None:
    """A finding whose replacement does not fit its place is advice: no tool applies it."""
    for f in _checker(rule).check(text):
        if f.fix is not None and f.fix.applicability == "display-only":
            assert opsc_terms.fix(text, [f], unsafe=True) == text
