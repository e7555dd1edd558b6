"""One explanation per rule, rendered the same everywhere.

``opsc-terms explain``, the language server's hover, SARIF help text and docs/rules.md all
use :func:`rule_markdown`, so a rule's rationale and sources read the same in every tool.
"""

from __future__ import annotations

from .context import DECISIONS
from .ruleset import Rule, RulePack

_USE_TITLES = {
    "person": "For a person",
    "phenomenon": "For the practice or offence",
    "material": "For material",
    "verb": "As a verb phrase",
    "other": "Other wording",
}
DOCS_URL = "https://github.com/opsc-terms/opsc-terms/blob/main/docs/rules.md"


def rule_url(rule: Rule) -> str:
    """Where a rule is documented (used for LSP codeDescription and SARIF helpUri)."""
    return f"{DOCS_URL}#{rule.id}"


def what_it_flags(rule: Rule) -> str:
    parts = [f"“{t}”" for t in rule.terms[:8]]
    if len(rule.terms) > 8:
        parts.append("and variants")
    if rule.patterns:
        parts.append("phrasings described by patterns (see the examples)")
    return ", ".join(parts)


def rule_markdown(pack: RulePack, rule: Rule, *, heading_level: int = 2) -> str:
    """The full explanation of a rule as Markdown."""
    h = "#" * heading_level
    sub = "#" * (heading_level + 1)
    family = next((f for f in pack.families if f.id == rule.family), None)
    lines = [f"{h} {rule.id}", ""]
    profile_note = ", ".join(rule.profiles)
    lines.append(f"**{rule.category}** · default severity **{rule.severity}** · family "
                 f"*{family.title if family else rule.family}* · profile: {profile_note}")
    lines += ["", rule.message, "", f"{sub} What it flags", "", what_it_flags(rule) + "."]
    if rule.near:
        lines.append(f"Only where the sentence also shows the context “{rule.near.replace('_', ' ')}”.")
    lines += ["", f"{sub} Why", "", rule.rationale, ""]
    if rule.replacements:
        lines += [f"{sub} Use instead", ""]
        for use, title in _USE_TITLES.items():
            items = [r for r in rule.replacements if r.use == use]
            if not items:
                continue
            rendered = []
            for r in items:
                text = f"“{r.text}”" + (f" (plural “{r.plural}”)" if r.plural else "")
                if rule.fix is not None and r is rule.fix:
                    text += " — applied by `--fix`"
                rendered.append(text)
            lines.append(f"- {title}: " + "; ".join(rendered))
        lines.append("")
    lines += [f"{sub} Fix safety", "", fix_safety(rule), "", f"{sub} Sources", ""]
    for source in rule.sources:
        doc = pack.document_for(source)
        if doc is not None and doc.url:
            lines.append(f"- {source} — [{doc.title}]({doc.url})")
        elif doc is not None and doc.title not in source:
            lines.append(f"- {source} — {doc.title}")
        else:
            lines.append(f"- {source}")
    lines += ["", f"{sub} How each occurrence is judged", "", judgement_order()]
    lines += ["", f"{sub} Examples", ""]
    for i, bad in enumerate(rule.examples.bad):
        lines.append(f"- ✗ {bad}")
        if rule.examples.fixed and rule.examples.fixed[i] != bad:
            lines.append(f"  - ✓ {rule.examples.fixed[i]}")
    for good in rule.examples.good:
        lines.append(f"- ✓ {good}")
    return "\n".join(lines).rstrip() + "\n"


_EFFECTS = {"drop": "not reported", "use": "a plain use", "info": "info", "cap": "at most a warning"}


def judgement_order() -> str:
    """The order of the decisions, in one paragraph (rules/README.md explains each)."""
    steps = "; ".join(f"{i}. {d.name} ({_EFFECTS[d.effect]})" for i, d in enumerate(DECISIONS, start=1))
    return (f"The first decision that applies wins: {steps}; otherwise a plain use at the rule's severity. "
            "Info and capped findings say why in their message and are never fixed automatically.")


def judgement_markdown() -> str:
    """The table of decisions, for docs/rules.md."""
    lines = ["| # | Decision | Result | When |", "| --- | --- | --- | --- |"]
    for i, d in enumerate(DECISIONS, start=1):
        lines.append(f"| {i} | {d.name} | {_EFFECTS[d.effect]} | {d.summary} |")
    lines.append(f"| {len(DECISIONS) + 1} | plain use | the rule's severity | everything else |")
    return "\n".join(lines)


def fix_safety(rule: Rule) -> str:
    if rule.fix is None:
        return ("No automatic fix: the right replacement depends on what the sentence means. "
                "Replacements are offered; `--unsafe-fixes` applies the first.")
    return (f"`--fix` replaces the term with “{rule.fix.text}”, matching number, capitals and “a”/“an”. "
            "It does not apply where the result would not read right (before a noun or a possessive), "
            "nor to titles, quotations, mentions or legal text.")


def rules_markdown(pack: RulePack) -> str:
    """docs/rules.md: a table of every rule, then each rule's explanation."""
    lines = [
        "# Rules",
        "",
        "Generated by `opsc-terms rules --format markdown`; do not edit by hand.",
        "",
        "| Rule | Family | Category | Severity | Profiles | Fix | Message |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in sorted(pack.rules, key=lambda r: (r.family, r.id)):
        fix = "safe" if rule.fix is not None else "—"
        lines.append(f"| [{rule.id}](#{rule.id}) | {rule.family} | {rule.category} | {rule.severity} | "
                     f"{', '.join(rule.profiles)} | {fix} | {rule.message} |")
    lines += ["", "## How each occurrence is judged", "",
              "Every match is judged on its own by an ordered table of decisions (rules/README.md "
              "describes each one and the cue lists it reads):", "", judgement_markdown(), ""]
    for rule in sorted(pack.rules, key=lambda r: (r.family, r.id)):
        lines.append(rule_markdown(pack, rule))
    return "\n".join(lines)
