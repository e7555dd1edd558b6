"""Fixes never produce the sentences that made fixing untrustworthy.

Each case is a sentence and the wording a fix must never produce from it, with either
``--fix`` or ``--fix --unsafe-fixes``: a compound broken by a noun phrase, material named
twice, a verb that loses its object or its agreement, a possessive that no longer reads.
"""

from __future__ import annotations

import pytest

import opsc_terms
from opsc_terms import Config, get_checker

CASES = [
    ("They ran a child-porn-sharing network.", "material-sharing"),
    ("The child-porn videos were seized.", "material videos"),
    ("The child-sex-tourist trade grew.", "offender trade"),
    ("Their child prostitution and trafficking network was dismantled.", "in prostitution and trafficking network"),
    ("Officers found images of child pornography.", "images of child sexual abuse material"),
    ("he had sex with a 13-year-old", "sexually abused."),
    ("He had an affair with a 14-year-old pupil.", "had a sexual abuse"),
    ("Underage girls were working as prostitutes.", "were was"),
    ("The child prostitutes' families were never told.", "prostitution' families"),
    ("The child prostitutes' families were never told.", "children' families"),
    ("He kept a collection of child pornography.", "collection of child sexual abuse."),
    ("A child porn collector was jailed.", "child sexual abuse collector"),
]


@pytest.mark.parametrize(("text", "forbidden"), CASES)
@pytest.mark.parametrize("unsafe", [False, True], ids=["fix", "unsafe-fixes"])
def test_no_fix_produces_a_broken_sentence(text: str, forbidden: str, unsafe: bool) -> None:
    findings = get_checker(Config(profile="media")).check(text)
    assert findings, text
    fixed = opsc_terms.fix(text, findings, unsafe=unsafe)
    assert forbidden not in fixed
    for f in findings:  # nor does any suggestion shown to the reader
        for replacement in f.replacements if f.fix and f.fix.applicability != "display-only" else ():
            assert forbidden not in text[:f.start] + replacement + text[f.end:]


def test_checking_with_masks_then_fixing_keeps_the_markup() -> None:
    text = "Police found child **prostitutes** there."
    masks = [(text.index("**"), text.index("**") + 2), (text.rindex("**"), text.rindex("**") + 2)]
    findings = get_checker().check(text, masks=masks)
    assert [f.text for f in findings] == ["child **prostitutes"]
    assert opsc_terms.fix(text, findings, unsafe=True) == text
