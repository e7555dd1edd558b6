"""Properties of safe fixes on generated documents (tests/fixgen.py): quotations and markup
are never rewritten, nothing outside a reported span changes, and fixing twice changes
nothing more."""

from __future__ import annotations

import random

from fixgen import Document, make_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsc_terms.findings import Edit, Finding, Fix, chosen_edits
from opsc_terms.lint import fix_document, lint_document


def _check(doc: Document, fmt: str) -> None:
    linted = lint_document(doc.text, fmt)
    for finding, edits in chosen_edits(linted.findings):
        for e in edits:
            assert finding.start <= e.start <= e.end <= finding.end, (finding, e)
            for p_start, p_end in doc.protected:
                assert e.end <= p_start or e.start >= p_end, (doc.text, finding.text, doc.text[p_start:p_end])
    done = fix_document(doc.text, fmt)
    assert done.passes < 10
    # Every quotation and every piece of markup is still there, unchanged and in order.
    cursor = 0
    for p_start, p_end in doc.protected:
        found = done.text.find(doc.text[p_start:p_end], cursor)
        assert found >= 0, (doc.text, done.text, doc.text[p_start:p_end])
        cursor = found + (p_end - p_start)
    again = lint_document(done.text, fmt).findings
    assert not [f for f in again if f.fixable()], (doc.text, done.text)
    assert fix_document(done.text, fmt).text == done.text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_safe_fixes_in_plain_text(rng: random.Random) -> None:
    _check(make_document(rng, markup=False), "text")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_safe_fixes_in_markdown(rng: random.Random) -> None:
    _check(make_document(rng, markup=True), "markdown")


def _chosen_by_brute_force(findings: list[Finding]) -> list[int]:
    """The overlap rule written out directly: every fix against every fix already taken."""
    def overlaps(a: int, b: int, c: int, d: int) -> bool:
        if a == b and c == d:
            return False
        if a == b:
            return c <= a <= d
        if c == d:
            return a <= c <= b
        return a < d and c < b

    taken: list[tuple[int, int]] = []
    out = []
    for i, f in sorted(enumerate(findings), key=lambda x: (x[1].start, x[1].end, x[1].rule)):
        assert f.fix is not None
        if any(overlaps(e.start, e.end, c, d) for e in f.fix.edits for c, d in taken):
            continue
        out.append(i)
        taken += [(e.start, e.end) for e in f.fix.edits]
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 6), st.integers(0, 3), st.integers(0, 4)),
                max_size=40))
def test_the_overlap_rule_chooses_what_a_direct_comparison_chooses(spans: list[tuple[int, int, int, int]]) -> None:
    # Each finding has one or two edits: its span (possibly empty: an insertion) and, for
    # some, an insertion a little after it (as a title's underline grows).
    findings = []
    for k, (start, length, extra, rule) in enumerate(spans):
        edits = [Edit(start, start + length, "x")]
        if extra:
            edits.append(Edit(start + length + extra * 10, start + length + extra * 10, "="))
        findings.append(Finding(rule=f"r{rule}-{k}", severity="error", message="", start=start, end=start + length,
                                line=1, column=start, end_line=1, end_column=start + length, text="",
                                replacements=("x",), fix=Fix("x", "safe", tuple(edits)), sources=(), family="f",
                                category="avoid"))
    chosen = [findings.index(f) for f, _ in chosen_edits(findings)]
    assert sorted(chosen) == sorted(_chosen_by_brute_force(findings))
