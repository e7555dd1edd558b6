"""Replacements that read correctly in place, and fixes that touch nothing else."""

from __future__ import annotations

import pytest

import opsc_terms
from opsc_terms.rendering import indefinite_article


def fixed(text: str, profile: str = "default") -> str:
    return opsc_terms.fix(text, opsc_terms.check(text, profile=profile))


@pytest.mark.parametrize(("before", "after"), [
    # capitals follow the original
    ("child pornography was found.", "child sexual abuse material was found."),
    ("Child pornography was found.", "Child sexual abuse material was found."),
    ("He Sold Child Pornography", "He Sold Child Sexual Abuse Material"),
    ("CHILD PORNOGRAPHY FOUND", "CHILD SEXUAL ABUSE MATERIAL FOUND"),
    # before a noun, the rule's modifier form
    ("Police broke a child pornography ring.", "Police broke a child sexual abuse material ring."),
    ("The child-porn videos were seized.", "The child sexual abuse videos were seized."),
    # after a noun of depiction, the form that does not name the material twice
    ("Officers found images of child pornography.", "Officers found images of child sexual abuse."),
    # a hyphenated compound, a term that describes the next word with no form for it,
    # a plural possessive: advice only, nothing is applied
    ("They ran a child-porn-sharing network.", "They ran a child-porn-sharing network."),
    ("The child-sex-tourist trade grew.", "The child-sex-tourist trade grew."),
    ("The child prostitutes' families spoke.", "The child prostitutes' families spoke."),
    # quoted words are changed only on request
    ("He called it “child porn” again.", "He called it “child porn” again."),
    # number agreement
    ("a child prostitute was found.", "a child exploited in prostitution was found."),
    ("two child prostitutes were found.", "two children exploited in prostitution were found."),
    ("Child sex tourists plan trips online.", "Travelling child sex offenders plan trips online."),
    # "a"/"an" agreement, in both directions
    ("An underage prostitute was found.", "A child exploited in prostitution was found."),
    ("AN UNDERAGE PROSTITUTE WAS FOUND", "A CHILD EXPLOITED IN PROSTITUTION WAS FOUND"),
    # a phrase that ends in "of ..." cannot stand before a noun: offered, not applied
    ("Police broke a child prostitution ring.", "Police broke a child prostitution ring."),
    # a post-modified replacement cannot take a possessive either
    ("The child prostitute's mother spoke.", "The child prostitute's mother spoke."),
    # mentions, titles and quotations are left alone
    ("The term “child pornography” is outdated.", "The term “child pornography” is outdated."),
])
def test_safe_fix_reads_right(before: str, after: str) -> None:
    assert fixed(before) == after


def test_article_is_part_of_the_reported_span_only_when_it_changes() -> None:
    [changed] = opsc_terms.check("She met an underage prostitute.")
    assert changed.text == "an underage prostitute"
    assert changed.fix is not None
    assert changed.fix.text == "a child exploited in prostitution"
    [kept] = opsc_terms.check("She met a teenage prostitute.")
    assert kept.text == "teenage prostitute"
    assert kept.fix is not None
    assert kept.fix.text == "child exploited in prostitution"


def test_context_dependent_replacements_are_offered_not_applied() -> None:
    text = "The paedophile was sentenced."
    [finding] = opsc_terms.check(text)
    assert finding.fix is not None
    assert (finding.fix.text, finding.fix.applicability) == ("child sex offender", "unsafe")
    assert finding.replacements[0] == "child sex offender"
    assert "person with a sexual interest in children" in finding.replacements
    assert opsc_terms.fix(text, [finding]) == text
    assert opsc_terms.fix(text, [finding], unsafe=True) == "The child sex offender was sentenced."


def test_replacements_are_rendered_for_the_span() -> None:
    [finding] = opsc_terms.check("Child Sex Tourists Arrested")
    assert finding.replacements[0] == "Travelling Child Sex Offenders"
    assert finding.message.endswith("Use “travelling child sex offenders”.")  # as the data writes it


def test_fix_changes_nothing_outside_reported_spans() -> None:
    text = "Line one.\r\n  Child pornography, and\tchild prostitutes!  \r\nLast line ✓ 😀 child porn.\n"
    findings = opsc_terms.check(text)
    result = opsc_terms.fix(text, findings)
    # Rebuild the expected text from the untouched gaps and the fixes.
    expected, cursor = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        expected.append(text[cursor:f.start])
        expected.append(f.fix.text if f.fixable() and f.fix is not None else f.text)
        cursor = f.end
    expected.append(text[cursor:])
    assert result == "".join(expected)
    assert result.count("\r\n") == 2
    assert "\t" in result
    assert "😀" in result
    assert opsc_terms.fix(result, opsc_terms.check(result)) == result  # running again changes nothing


def test_fix_refuses_findings_from_another_text() -> None:
    findings = opsc_terms.check("Police found child pornography.")
    with pytest.raises(ValueError, match="does not match"):
        opsc_terms.fix("Police found nothing at all here today.", findings)


@pytest.mark.parametrize(("phrase", "article"), [
    ("child", "a"), ("underage prostitute", "an"), ("hour", "an"), ("unit", "a"), ("euro", "a"),
    ("honest broker", "an"), ("CSAM offender", "a"), ("NGO", "an"),
])
def test_indefinite_article(phrase: str, article: str) -> None:
    assert indefinite_article(phrase) == article
