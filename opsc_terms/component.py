"""The spaCy pipeline component: ``nlp.add_pipe("opsc_terms")``.

Registered through the ``spacy_factories`` entry point, so other people's pipelines can
add it by name. It checks ``doc.text`` with opsc-terms' own blank pipeline (its word
normalisation must not leak into the host pipeline's vocabulary) and stores the findings
as spans in ``doc.spans["opsc_terms"]``, labelled with the rule id; each span's
``span._.opsc_finding`` holds the full :class:`~opsc_terms.Finding`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from . import get_checker
from .config import Config
from .lint import lint_document

SPAN_KEY = "opsc_terms"

if not Span.has_extension("opsc_finding"):
    Span.set_extension("opsc_finding", default=None)


class OpscTermsComponent:
    def __init__(self, name: str, config: Config, spans_key: str) -> None:
        self.name = name
        self.config = config
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        findings = lint_document(doc.text, "text", checker=get_checker(self.config)).findings
        spans = []
        for finding in findings:
            span = doc.char_span(finding.start, finding.end, label=finding.rule, alignment_mode="expand")
            if span is None:
                continue
            span._.opsc_finding = finding
            spans.append(span)
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)
        return doc


@Language.factory(
    "opsc_terms",
    default_config={"profile": "default", "select": [], "ignore": [], "language": None,
                    "spans_key": SPAN_KEY},
)
def make_opsc_terms(nlp: Language, name: str, profile: str, select: list[str], ignore: list[str],
                    language: str | None, spans_key: str) -> OpscTermsComponent:
    from .ruleset import available_languages

    # The pipeline's own language when opsc-terms has rules for it; otherwise detect it.
    default = nlp.lang if nlp.lang in available_languages() else "auto"
    config = Config(profile=profile, language=language or default, select=tuple(select), ignore=tuple(ignore))
    get_checker(config)  # fail now, not on the first document, if the settings are wrong
    return OpscTermsComponent(name, config, spans_key)
