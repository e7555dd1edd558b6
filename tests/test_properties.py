"""Properties that must hold for any text: no crash, spans point into the text, fixes stay inside them."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import opsc_terms

FRAGMENTS = [
    "child prostitutes", "Child Pornography", "CHILD PORN", "an underage prostitute", "child-sex tourism",
    "pros-\ntitution", "paedophile's", "sextortion", "had sex with a 14-year-old", "the term", "so-called",
    "Optional Protocol on the sale of children, child prostitution and child pornography", " means ",
    "“", "”", "‘", "’", '"', "'", "(", ")", "[", "]", "**", "`", "#tag", "https://example.org/child-porn",
    "a@b.org", ", ", ". ", "; ", "\n", "\r\n", "\n\n", "\t", "  ", "😀", "\u00ad", "\u200b", "İ", "ß",
    "article 2 (c)", "18 U.S.C. § 2256", "by striking", "inserting", "A", "the", "of", "and", "with",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40),
       st.sampled_from(["default", "media"]))
def test_any_text(parts: list[str], profile: str) -> None:
    text = "".join(parts)
    findings = opsc_terms.check(text, profile=profile)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.text
        assert f.severity in ("error", "warning", "info")
    for unsafe in (False, True):
        fixed = opsc_terms.fix(text, findings, unsafe=unsafe)
        # Outside the spans that were fixed, every character is unchanged and in order.
        cursor, rebuilt = 0, []
        for f in sorted(findings, key=lambda f: f.start):
            if not f.fixable(unsafe=unsafe) or f.start < cursor:
                continue
            assert f.fix is not None
            assert [(e.start, e.end) for e in f.fix.edits] == [(f.start, f.end)]
            rebuilt.append(text[cursor:f.start])
            rebuilt.append(f.fix.text)
            cursor = f.end
        rebuilt.append(text[cursor:])
        assert fixed == "".join(rebuilt)


def test_empty_and_degenerate_inputs() -> None:
    for text in ["", " ", "\n\n\n", "“”‘’\"'", "(" * 500, "x" * 100_000, "child " * 5000 + "prostitutes"]:
        for f in opsc_terms.check(text):
            assert text[f.start:f.end] == f.text
