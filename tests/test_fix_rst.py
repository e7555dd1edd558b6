"""A fix in a reStructuredText title keeps the document valid: docutils reads it without a warning."""

from __future__ import annotations

import io

import pytest

import opsc_terms

docutils_core = pytest.importorskip("docutils.core")

DOCUMENT = """\
Child Prostitution in Port Towns
================================

Police rescued three child prostitutes.

Child Porn Rings and Their Money
--------------------------------

=====================
Teen Prostitution Now
=====================

Text under the last title.
"""


def warnings_of(text: str) -> str:
    stream = io.StringIO()
    docutils_core.publish_doctree(text, settings_overrides={"warning_stream": stream, "report_level": 2,
                                                            "halt_level": 5})
    return stream.getvalue()


def test_the_original_is_valid() -> None:
    assert warnings_of(DOCUMENT) == ""


def test_fixed_titles_keep_valid_underlines_and_overlines() -> None:
    findings = opsc_terms.check(DOCUMENT, format="restructuredtext")
    assert sum(1 for f in findings if f.fixable()) == 4
    fixed = opsc_terms.fix(DOCUMENT, findings)
    assert "Sexual Exploitation of Children in Prostitution in Port Towns\n" in fixed
    assert warnings_of(fixed) == ""
    lines = fixed.splitlines()
    for i, line in enumerate(lines):
        if line and set(line) <= set("=-") and i and lines[i - 1] and not set(lines[i - 1]) <= set("=-"):
            assert len(line) >= len(lines[i - 1])  # an underline at least as long as its title


def test_two_fixes_in_one_title_lengthen_its_underline_once_each() -> None:
    text = "Child Porn and Child Prostitution\n=================================\n\nBody.\n"
    fixed = opsc_terms.fix(text, opsc_terms.check(text, format="restructuredtext"))
    title, underline = fixed.splitlines()[:2]
    assert title == "Child Sexual Abuse Material and Sexual Exploitation of Children in Prostitution"
    assert len(underline) == len(title)
    assert warnings_of(fixed) == ""
