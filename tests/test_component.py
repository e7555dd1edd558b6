"""The spaCy component, found through the package's entry point in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def test_add_pipe_by_name_puts_findings_in_doc_spans() -> None:
    # No import of opsc_terms here: spaCy must find the factory through the entry point.
    code = textwrap.dedent("""
        import json, spacy
        nlp = spacy.blank("en")
        nlp.add_pipe("opsc_terms", config={"profile": "media"})
        doc = nlp("The paedo met child prostitutes. The term “child pornography” is outdated.")
        def fix(f):
            return [f.fix.text, f.fix.applicability] if f.fix else None
        print(json.dumps([[s.label_, s.text, s._.opsc_finding.severity, fix(s._.opsc_finding)]
                          for s in doc.spans["opsc_terms"]]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [
        ["paedo", "paedo", "error", ["child sex offender", "unsafe"]],
        ["child-prostitute", "child prostitutes", "error", ["children exploited in prostitution", "safe"]],
        ["child-pornography", "child pornography", "info", ["child sexual abuse material", "display-only"]],
    ]


def test_component_in_a_pipeline_with_its_own_tokenizer_rules() -> None:
    code = textwrap.dedent("""
        import spacy
        nlp = spacy.blank("en")
        nlp.tokenizer.add_special_case("prostitutes.", [{"ORTH": "prostitutes."}])
        nlp.add_pipe("opsc_terms", config={"spans_key": "terms"})
        doc = nlp("They rescued child prostitutes.")
        [span] = doc.spans["terms"]
        print(span.text)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # The span expands to the host pipeline's token boundaries.
    assert out.strip() == "child prostitutes."
