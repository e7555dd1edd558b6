"""Properties of safe fixes on generated documents (tests/fixgen.py): quotations and markup
are never rewritten, nothing outside a reported span changes, and fixing twice changes
nothing more."""

from __future__ import annotations

import random

from fixgen import Document, make_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsc_terms.findings import chosen_edits
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
