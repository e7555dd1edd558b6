"""One explanation per rule, rendered the same everywhere.

``opsc-terms explain``, the language server's hover, SARIF help text and docs/rules.md all
use :func:`rule_markdown`, so a rule's rationale and sources read the same in every tool.
:func:`rule_text` renders the same explanation for a terminal, without Markdown syntax.

The explanation is built once as a list of blocks (headings, paragraphs, lists) whose text
uses a small part of Markdown inline syntax (``**strong**``, ``*emphasis*``, ```code```,
``[text](url)``); each renderer turns that into its own form.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .context import DECISIONS
from .labels import LABELS, labels_of
from .ruleset import PatternToken, Rule, RulePack, parse_pattern

DOCS_URL = "https://github.com/opsc-terms/opsc-terms/blob/main/docs/rules.md"
_BUILTIN_NAMES = {
    "#age": "‹age›",
    "%punct": "‹punctuation›",
    "%stop": "‹function word›",
    "%num": "‹number›",
    "%any": "‹any word›",
}
_CLASS_SAMPLE = 12  # phrases of a token class listed before "…"


def rule_url(rule: Rule) -> str:
    """Where a rule is documented (used for LSP codeDescription and SARIF helpUri)."""
    page = DOCS_URL if rule.language == "en" else DOCS_URL.replace("rules.md", f"rules.{rule.language}.md")
    return f"{page}#{rule.id}"


# --------------------------------------------------------------------------- the explanation


@dataclass(frozen=True)
class Block:
    """One block of an explanation: ``kind`` is heading, meta, para or list."""

    kind: str
    text: str = ""
    items: tuple[tuple[str, tuple[str, ...]], ...] = ()  # list items, each with its sub-items


def explanation(pack: RulePack, rule: Rule) -> list[Block]:
    """The explanation of a rule: what it flags, why, what to use, fix safety, sources, examples."""
    words = labels_of(pack)
    family = next((f for f in pack.families if f.id == rule.family), None)
    blocks = [
        Block("heading", rule.id),
        Block("meta", words["meta"].format(category=rule.category, severity=rule.severity,
                                           family=family.title if family else rule.family,
                                           profiles=", ".join(rule.profiles))),
        Block("para", rule.message),
        Block("subheading", words["what_it_flags"]),
        *_what_it_flags(pack, rule, words),
        Block("subheading", words["why"]),
        *(Block("para", paragraph) for paragraph in rule.rationale.split("\n\n")),
    ]
    if rule.replacements:
        items = []
        for use in ("person", "phenomenon", "material", "verb", "other"):
            rendered = []
            for r in (r for r in rule.replacements if r.use == use):
                text = f"“{r.text}”" + (f" ({words['plural']} “{r.plural}”)" if r.plural else "")
                if rule.fix is not None and r is rule.fix:
                    text += f" — {words['applied_by_fix']}"
                rendered.append(text)
            if rendered:
                items.append((f"{words['use.' + use]}: " + "; ".join(rendered), ()))
        blocks += [Block("subheading", words["use_instead"]), Block("list", items=tuple(items))]
    blocks += [Block("subheading", words["fix_safety"]), Block("para", fix_safety(rule, words)),
               Block("subheading", words["sources"]), *_sources(pack, rule),
               Block("subheading", words["how_judged"]), Block("para", judgement_order(words)),
               Block("subheading", words["examples"]), _examples(rule)]
    return blocks


def _what_it_flags(pack: RulePack, rule: Rule, words: Mapping[str, str]) -> list[Block]:
    blocks = []
    if rule.terms:
        terms = [f"“{t}”" for t in rule.terms[:8]] + ([words["and_variants"]] if len(rule.terms) > 8 else [])
        blocks.append(Block("para", ", ".join(terms) + "."))
    if rule.patterns:
        classes: list[str] = []
        items = []
        inline = {name: phrases for name, phrases in pack.language.classes.items() if _inlined(phrases)}
        for pattern in rule.patterns:
            tokens = parse_pattern(pattern)
            items.append((readable_pattern(tokens, inline), ()))
            classes += [t.values[0] for t in tokens
                        if t.kind == "class" and t.values[0] not in classes and t.values[0] not in inline]
        lead = words["also_phrasings"] if rule.terms else words["phrasings"]
        marked = any(not t.focus for p in rule.patterns for t in parse_pattern(p))
        blocks.append(Block("para", lead + (f" {words['reported_in_brackets']}:" if marked else ":")))
        blocks.append(Block("list", items=tuple(items)))
        legend = [_class_legend(pack, name, words) for name in classes]
        if any("#age" in p for p in rule.patterns) or any("#age" in phrase for name in classes
                                                         for phrase in pack.language.classes.get(name, ())):
            legend.append(words["age_legend"])
        if any("~" in p for p in rule.patterns):
            legend.append(words["gap_legend"])
        if legend:
            blocks.append(Block("para", words["where"].format(legend="; ".join(legend))))
    if rule.near:
        blocks.append(Block("para", words["near"].format(context=rule.near.replace("_", " "))))
    return blocks


def _inlined(phrases: Sequence[str]) -> bool:
    """A token class small enough to show in place: a few single words ("have/has/had/having")."""
    return len(phrases) <= 6 and all(re.fullmatch(r"[\w'’.-]+", p) for p in phrases)


def readable_pattern(tokens: Sequence[PatternToken], inline: Mapping[str, Sequence[str]] | None = None) -> str:
    """A pattern as words a reader can follow: “have/has/had/having sex with … ‹child›”.

    Classes named in ``inline`` are shown as their words, the others as ‹name›.
    """
    parts: list[str] = []
    focus_marked = any(not t.focus for t in tokens)
    in_focus = False
    for token in tokens:
        if focus_marked and token.focus and not in_focus:
            parts.append("[")
        elif focus_marked and not token.focus and in_focus:
            parts.append("]")
        in_focus = token.focus
        if token.kind == "class" and inline and token.values[0] in inline:
            token = PatternToken("words", tuple(inline[token.values[0]]), token.optional, token.repeat, token.focus)
        parts.append(_readable_token(token))
    if focus_marked and in_focus:
        parts.append("]")
    return " ".join(parts).replace("[ ", "[").replace(" ]", "]")


def _alternatives(words: Sequence[str]) -> str:
    # A long list reads (and wraps) better with spaces around the slashes.
    return ("/" if len(words) <= 10 else " / ").join(words)


def _readable_token(token: PatternToken) -> str:
    if token.kind == "class":
        text = f"‹{token.values[0].replace('_', ' ')}›"
    elif token.kind == "builtin":
        text = _BUILTIN_NAMES.get(token.values[0], token.values[0])
    elif token.kind == "gap":
        return "…"
    elif token.kind == "not":
        text = "‹a word other than " + _alternatives(token.values) + "›"
    else:
        text = _alternatives(token.values)
    if token.repeat is not None:
        low, high = token.repeat
        text += f" ({low}–{high} times)"
    elif token.optional:
        text = f"({text})"
    return text


def _class_legend(pack: RulePack, name: str, words: Mapping[str, str]) -> str:
    phrases = pack.language.classes.get(name, ())
    shown = [_readable_phrase(p) for p in phrases[:_CLASS_SAMPLE]]
    more = ", …" if len(phrases) > _CLASS_SAMPLE else ""
    return words["class_legend"].format(name=name.replace("_", " "), phrases=", ".join(shown) + more)


def _readable_phrase(phrase: str) -> str:
    try:
        return readable_pattern(parse_pattern(phrase))
    except ValueError:
        return phrase


def _sources(pack: RulePack, rule: Rule) -> list[Block]:
    """Each source linked to its document, with the document's title once, where it adds to the citation."""
    items = []
    titled: set[str] = set()
    for source in rule.sources:
        doc = pack.document_for(source)
        if doc is None:
            items.append((source, ()))
            continue
        text = f"[{source}]({doc.url})" if doc.url else source
        if doc.key not in titled and not _names_document(source, doc.title):
            text += f" — {doc.title}"
        titled.add(doc.key)
        items.append((text, ()))
    return [Block("list", items=tuple(items))]


def _names_document(source: str, title: str) -> bool:
    """Whether a citation already names its document (most words of the title are in it)."""
    title_words = set(re.findall(r"\w{3,}", title.lower()))
    source_words = set(re.findall(r"\w{3,}", source.lower()))
    return bool(title_words) and len(title_words & source_words) * 2 >= len(title_words)


def _examples(rule: Rule) -> Block:
    def shown(example: str) -> str:
        return example.replace("\n", "⏎")  # an example of words split by a line break

    items: list[tuple[str, tuple[str, ...]]] = []
    for i, bad in enumerate(rule.examples.bad):
        fixed = rule.examples.fixed[i] if rule.examples.fixed and rule.examples.fixed[i] != bad else None
        items.append((f"✗ {shown(bad)}", (f"✓ {shown(fixed)}",) if fixed else ()))
    items += [(f"✓ {shown(good)}", ()) for good in rule.examples.good]
    return Block("list", items=tuple(items))


def fix_safety(rule: Rule, words: Mapping[str, str] = LABELS) -> str:
    if rule.advice:
        return words["fix.advice"]
    if rule.fix is None:
        return f"{words['fix.unsafe']} {words['fix.keep']}"
    return f"{words['fix.safe'].format(fix=rule.fix.text)} {words['fix.keep']}"


# --------------------------------------------------------------------------- renderings


def rule_markdown(pack: RulePack, rule: Rule, *, heading_level: int = 2) -> str:
    """The full explanation of a rule as Markdown."""
    lines: list[str] = []
    for block in explanation(pack, rule):
        if block.kind == "heading":
            lines += ["#" * heading_level + " " + block.text, ""]
        elif block.kind == "subheading":
            lines += ["#" * (heading_level + 1) + " " + block.text, ""]
        elif block.kind == "list":
            for item, subitems in block.items:
                lines.append(f"- {item}")
                lines += [f"  - {sub}" for sub in subitems]
            lines.append("")
        else:
            lines += [block.text, ""]
    return "\n".join(lines).rstrip() + "\n"


_LINK_RE = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_STRONG_RE = re.compile(r"\*\*([^*]+)\*\*")
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*([^*]+)\*(?![\w*])")
_CODE_RE = re.compile(r"`([^`]+)`")


def rule_text(pack: RulePack, rule: Rule, *, width: int = 80,
              style: Callable[..., str] = lambda value, **_: value) -> str:
    """The explanation for a terminal: no Markdown syntax, paragraphs wrapped to ``width``.

    ``style`` is click.style when colour is wanted: headings are bold, links keep their
    address in angle brackets.
    """
    out: list[str] = []
    for block in explanation(pack, rule):
        if block.kind == "heading":
            out += [style(block.text, bold=True, underline=True), ""]
        elif block.kind == "subheading":
            out += [style(block.text, bold=True), ""]
        elif block.kind == "list":
            for item, subitems in block.items:
                out += _wrap(_plain(item), width, "  • ", "    ")
                for sub in subitems:
                    out += _wrap(_plain(sub), width, "      ", "      ")
            out.append("")
        else:
            out += [*_wrap(_plain(block.text), width, "", ""), ""]
    return "\n".join(out).rstrip() + "\n"


def _plain(text: str) -> str:
    text = _LINK_RE.sub(lambda m: f"{m.group(1)} <{m.group(2)}>", text)
    text = _STRONG_RE.sub(r"\1", text)
    text = _EMPHASIS_RE.sub(r"\1", text)
    return _CODE_RE.sub(r"\1", text)


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, width=max(40, width), initial_indent=first, subsequent_indent=rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def rules_markdown(pack: RulePack) -> str:
    """docs/rules.md (docs/rules.LANG.md for another language): a table of every rule, then
    each rule's explanation, in the pack's language."""
    words = labels_of(pack)
    language = pack.language.language
    command = "opsc-terms rules --format markdown" + ("" if language == "en" else f" --lang {language}")
    lines = [
        f"# {words['doc.title']}",
        "",
        words["doc.generated"].format(command=command),
        "",
        f"| {words['doc.columns']} |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in sorted(pack.rules, key=lambda r: (r.family, r.id)):
        fix = "safe" if rule.fix is not None else "—"
        lines.append(f"| [{rule.id}](#{rule.id}) | {rule.family} | {rule.category} | {rule.severity} | "
                     f"{', '.join(rule.profiles)} | {fix} | {rule.message} |")
    lines += ["", f"## {words['how_judged']}", "", words["doc.judged"], "", judgement_markdown(), ""]
    for rule in sorted(pack.rules, key=lambda r: (r.family, r.id)):
        lines.append(rule_markdown(pack, rule))
    return "\n".join(lines)


def judgement_order(words: Mapping[str, str] = LABELS) -> str:
    """The order of the decisions, in one paragraph (rules/README.md explains each)."""
    steps = "; ".join(f"{i}. {words.get('decision.' + d.name, d.name)} ({words['effect.' + d.effect]})"
                      for i, d in enumerate(DECISIONS, start=1))
    return words["judgement"].format(steps=steps)


def judgement_markdown() -> str:
    """The table of decisions, for docs/rules.md."""
    lines = ["| # | Decision | Result | When |", "| --- | --- | --- | --- |"]
    for i, d in enumerate(DECISIONS, start=1):
        lines.append(f"| {i} | {d.name} | {LABELS['effect.' + d.effect]} | {d.summary} |")
    lines.append(f"| {len(DECISIONS) + 1} | plain use | the rule's severity | everything else |")
    return "\n".join(lines)
