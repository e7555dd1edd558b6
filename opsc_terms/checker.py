"""The checker: blocks -> prefilter -> spaCy engine -> judgement -> findings.

A :class:`Checker` is built once per (language, profile, configuration) and reused. spaCy
is imported only when a block passes the prefilter, so clean text never pays for it.
Results are cached per block of text, so an editor re-checks only the blocks that changed.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .config import Config
from .findings import Edit, Finding, Fix, applicability
from .labels import labels_of
from .labels import note as note_text
from .lines import LineIndex, Span
from .rendering import Rendered, Slot, render
from .ruleset import SEVERITY_RANK, Replacement, Rule, RulePack, Severity, load_builtin, load_language, parse_pattern
from .text import (
    Prefilter,
    View,
    build_view,
    find_masks,
    quotation_spans,
    sentence_spans,
    split_blocks,
    window,
    word_forms,
)

if TYPE_CHECKING:
    from .context import ContextModel, Occurrence
    from .engine import Matchers, RawMatch

# Words that make poor prefilter keywords: too common to be selective (in English, or in
# writing about child protection, where "sexual" is in almost every paragraph), or with
# irregular forms that simple suffixes miss. A term's keyword is its longest other word.
_COMMON = frozenset({
    "a", "an", "the", "of", "in", "on", "to", "for", "with", "and", "or", "by", "as", "at", "who", "that",
    "child", "children", "kid", "kids", "girl", "boy", "woman", "women", "man", "men", "person", "people",
    "have", "has", "had", "having", "be", "is", "are", "was", "were", "been", "being", "his", "her", "their",
    "young", "online", "new", "sexual", "involving", "internet", "material", "content", "image", "images",
    "tourism", "marriage", "work",
})
# Enough for several long documents open in an editor; a batch run over a huge file
# simply cycles through it.
_CACHE_CHARS = 16_000_000


_HYPHENS = "-\u2010\u2011"


@dataclass(frozen=True)
class _Cached:
    """A finding relative to its block, before positions, paths and the fix's level are attached."""

    rule: Rule
    severity: Severity
    context: str | None
    start: int
    end: int
    text: str
    replacements: tuple[str, ...]
    fix: str | None  # the preferred replacement as it would read in place
    grammar: str | None  # why the fix may not read right ("unsafe: ..." or "no: ..."), None if it does
    quoted: bool
    acronym: bool
    automatic: bool  # the fix is the rule's own safe fix, not another replacement that fits better
    message: str


class Checker:
    """Checks text for one language, profile and configuration."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        # A checker is for one language; "auto" (detect per document) is decided by
        # lint_document, which asks for one checker per language it finds.
        language = "en" if self.config.language == "auto" else self.config.language
        self.pack: RulePack = (load_builtin(language) if not self.config.extend_rules
                               else load_language(language, self.config.extend_rules))
        if self.config.profile not in self.pack.language.profiles:
            known = ", ".join(sorted(self.pack.language.profiles))
            raise ValueError(f"unknown profile {self.config.profile!r} (known: {known})")
        self.rules: tuple[Rule, ...] = tuple(r for r in self.pack.rules_for(self.config.profile)
                                             if self.config.selects(r))
        self._severity = {r.id: self.config.severity_for(r, self.pack.severity_for(r, self.config.profile))
                          for r in self.rules}
        term_forms, pattern_forms = anchor_forms(self.rules, self.pack.language.variants)
        self.labels = labels_of(self.pack)  # messages and notes in the rules' language
        self.prefilter = Prefilter(term_forms | set(pattern_forms))
        # Keyword -> rules with patterns: a sentence runs only the patterns of rules whose
        # keyword it contains, because the token Matcher's cost grows with every pattern.
        self.pattern_rules: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in pattern_forms.items()}
        self._engine: _Engine | None = None
        self._cache: OrderedDict[tuple[str, tuple[Span, ...]], list[_Cached]] = OrderedDict()
        self._cache_chars = 0

    # ---- public

    def check(self, text: str, *, regions: Sequence[Span] | None = None, masks: Sequence[Span] = (),
              path: str | None = None, writable: bool = True) -> list[Finding]:
        """Findings in ``text``. ``regions`` limit checking to prose (source offsets);
        ``masks`` are spans inside them that must never be reported (code, markup).

        A finding's fix is never more than advice where its words run across a mask (the
        fix would delete the markup) or, with ``writable`` False, in a document that is
        not rewritten in place. Use :func:`opsc_terms.lint.lint_document` to check a
        document with its markup and suppression comments.
        """
        regions = [(0, len(text))] if regions is None else regions
        blocks = sorted(b for r in regions for b in split_blocks(text, r[0], r[1]))
        keys: list[tuple[str, tuple[Span, ...]]] = []
        results: dict[int, list[_Cached]] = {}
        uncached: list[int] = []
        for i, (block, block_masks) in enumerate(zip(blocks, _masks_per_block(blocks, masks), strict=True)):
            key = (text[block[0]:block[1]], block_masks)
            keys.append(key)
            cached = self._cache.get(key)
            if cached is None:
                uncached.append(i)
            else:
                self._cache.move_to_end(key)
                results[i] = cached
        # Consecutive uncached blocks are scanned in one pass: a first check is one scan of
        # the text, and an edit in an editor scans only the block that changed.
        pending: list[tuple[int, list[tuple[int, str]]]] = []
        for run in _runs(uncached):
            hits = sorted(self.prefilter.hits(text, blocks[run[0]][0], blocks[run[-1]][1]))
            positions = [pos for pos, _ in hits]
            for i in run:
                lo, hi = bisect_left(positions, blocks[i][0]), bisect_left(positions, blocks[i][1])
                if lo < hi:
                    pending.append((i, hits[lo:hi]))
                else:
                    results[i] = []
                    self._store(keys[i], [])
        if pending:
            engine = self._get_engine()
            batch = [(blocks[i], keys[i][1], block_hits) for i, block_hits in pending]
            for (i, _), found in zip(pending, engine.run(text, batch), strict=True):
                results[i] = found
                self._store(keys[i], found)
        if not any(results.values()):
            return []
        lines = LineIndex(text)
        sorted_masks = sorted(masks)
        findings: list[Finding] = []
        for i, block in enumerate(blocks):
            for c in results[i]:
                start, end = block[0] + c.start, block[0] + c.end
                line, column = lines.position(start)
                end_line, end_column = lines.position(end)
                fix = None
                if c.fix is not None:
                    level, note = applicability(
                        context=c.context, grammar=c.grammar, quoted=c.quoted, acronym=c.acronym,
                        automatic=c.automatic, advice=c.rule.advice,
                        crosses_markup=_crosses(sorted_masks, start, end), writable=writable)
                    fix = Fix(c.fix, level, (Edit(start, end, c.fix),), note_text(self.labels, note))
                findings.append(Finding(
                    rule=c.rule.id, severity=c.severity, message=c.message, start=start, end=end,
                    line=line, column=column, end_line=end_line, end_column=end_column, text=c.text,
                    replacements=c.replacements, fix=fix, sources=c.rule.sources, family=c.rule.family,
                    category=c.rule.category, context=c.context, path=path, lang=self.pack.language.language))
        return findings

    def _store(self, key: tuple[str, tuple[Span, ...]], found: list[_Cached]) -> None:
        """Remember a block's findings; the cache is bounded by the characters it holds."""
        self._cache[key] = found
        self._cache_chars += len(key[0])
        while self._cache_chars > _CACHE_CHARS and self._cache:
            old, _ = self._cache.popitem(last=False)
            self._cache_chars -= len(old[0])

    def needs_engine(self, text: str) -> bool:
        """Would checking ``text`` need spaCy? (False for text without candidate words.)"""
        return self.prefilter.search(text)

    def severity_of(self, rule: Rule) -> Severity:
        return self._severity[rule.id]

    def _get_engine(self) -> _Engine:
        if self._engine is None:
            self._engine = _Engine(self)
        return self._engine


class _Engine:
    """The spaCy side of a Checker, created on first need."""

    def __init__(self, checker: Checker) -> None:
        from .context import ContextModel
        from .engine import Matchers, pipeline

        self.checker = checker
        self._abbreviations = frozenset(checker.pack.language.grammar.abbreviations)
        self.nlp, self.norm = pipeline(checker.pack.language)
        self.matchers: Matchers = Matchers(self.nlp, self.norm, checker.rules, checker.pack.language,
                                           allow=checker.config.allow)
        self.model: ContextModel = ContextModel(checker.pack, self.matchers)
        vocabulary = self.matchers.vocabulary
        self._join = lambda word: self.norm(word) in vocabulary

    def run(self, text: str,
            blocks: Sequence[tuple[Span, tuple[Span, ...], list[tuple[int, str]]]]) -> list[list[_Cached]]:
        """Findings per block, relative to the block's start.

        Every judgement is local to a sentence, so only the sentences that hold a keyword
        are normalised and tokenised: in dense text that is a small part of each block.
        """
        from .context import judge

        pattern_rules = self.checker.pattern_rules
        no_rules: frozenset[str] = frozenset()
        jobs: list[tuple[int, View, frozenset[str]]] = []
        quotations: list[list[Span]] = []  # per block: the spans inside quotation marks
        for index, ((start, end), block_masks, hits) in enumerate(blocks):
            sentences = sentence_spans(text, start, end, self._abbreviations)
            firsts = [s for s, _ in sentences]
            windows: dict[Span, frozenset[str]] = {}
            for pos, word in hits:
                sentence = sentences[max(0, bisect_right(firsts, pos) - 1)]
                span = window(text, sentence, pos)
                windows[span] = windows.get(span, no_rules) | pattern_rules.get(word, no_rules)
            extra_masks = [(start + s, start + e) for s, e in block_masks]
            quotations.append(quotation_spans(text, start, end))
            for (w_start, w_end), with_patterns in sorted(windows.items()):
                masks = find_masks(text, w_start, w_end) + [m for m in extra_masks if m[1] > w_start and m[0] < w_end]
                jobs.append((index, build_view(text, w_start, w_end, masks=masks, join=self._join), with_patterns))
        out: list[list[_Cached]] = [[] for _ in blocks]
        seen: list[set[tuple[int, int, str]]] = [set() for _ in blocks]
        for (index, view, with_patterns), doc in zip(jobs, self.nlp.pipe(j[1].text for j in jobs), strict=True):
            raws = self.matchers.find(doc, patterns=with_patterns)
            block_start = blocks[index][0][0]
            for o in judge(doc, raws, self.model, self.matchers, self._severity_of_raw, view):
                cached = self._cached(text, view, o, block_start, quotations[index])
                key = (cached.start, cached.end, cached.rule.id)
                if key not in seen[index]:  # windows of one long sentence may overlap
                    seen[index].add(key)
                    out[index].append(cached)
        for found in out:
            found.sort(key=lambda c: (c.start, c.end))
        return out

    def _severity_of_raw(self, m: RawMatch) -> Severity:
        severity = self.checker.severity_of(m.rule)
        if m.kind == "acronym" and SEVERITY_RANK[severity] > SEVERITY_RANK["warning"]:
            # Acronyms are ambiguous (WCST is also a psychological test): never an error.
            return "warning"
        return severity

    def _cached(self, text: str, view: View, o: Occurrence, block_start: int,
                quotations: Sequence[Span]) -> _Cached:
        from .context import CAPPED

        start, end = view.to_source(o.start, o.end)
        # Quoted within its sentence, or inside a quotation that runs over several.
        quoted = o.quoted or any(q_start <= start and end <= q_end for q_start, q_end in quotations)
        slot = o.slot
        article = view.to_source(*slot.article) if slot.article else None
        # Hyphens are word boundaries in the view; only the source shows a compound.
        slot = replace(slot, article=article,
                       hyphen_after=end + 1 < len(text) and text[end] in _HYPHENS and text[end + 1].isalnum(),
                       hyphen_before=start > 1 and text[start - 1] in _HYPHENS and text[start - 2].isalnum())
        rule = o.raw.rule
        grammar = self.checker.pack.language.grammar
        preferred = rule.preferred
        ordered = ([preferred] if preferred is not None else []) + [r for r in rule.replacements
                                                                      if r is not preferred]
        renderings = [render(r, text, start, end, slot, grammar) for r in ordered]
        # The first replacement that fits this place leads (a verb phrase takes the verb,
        # a noun phrase the noun); when none fits, the preferred one is shown as advice.
        fitting = next((i for i, r in enumerate(renderings) if not (r.grammar or "").startswith("no:")), 0)
        if fitting:
            renderings.insert(0, renderings.pop(fitting))
            preferred = ordered[fitting]
        span_start = renderings[0].start if renderings else start
        # Alternatives are offered only where they fit; when nothing fits, the preferred
        # wording is still shown, as advice.
        shown = [r for r in renderings if not (r.grammar or "").startswith("no:")] or renderings[:1]
        texts = tuple(dict.fromkeys(_in_span(r, text, span_start, start) for r in shown))
        first: Rendered | None = renderings[0] if renderings else None
        labels = self.checker.labels
        words = _preferred_words(preferred, slot, first)
        grammar_note = first.grammar if first is not None else None
        if o.context in CAPPED:  # still reported, as a warning that says why it is not an error
            plain = compose_message(labels, rule, text[start:end], words, None, grammar_note)
            message = labels["message.capped"].format(message=plain, note=labels.get(f"context.{o.context}", o.context))
        else:
            message = compose_message(labels, rule, text[start:end], words, o.context, grammar_note)
        return _Cached(rule=rule, severity=o.severity, context=o.context, start=span_start - block_start,
                       end=end - block_start, text=text[span_start:end], replacements=texts,
                       fix=texts[0] if texts else None, grammar=first.grammar if first is not None else None,
                       quoted=quoted, acronym=slot.acronym,
                       automatic=rule.fix is not None and preferred is rule.fix, message=message)


def _in_span(r: Rendered, source: str, span_start: int, start: int) -> str:
    """A rendering for the reported span (which may begin at an article another rendering changed)."""
    return r.text if r.start == span_start else source[span_start:start] + r.text


def _preferred_words(preferred: Replacement | None, slot: Slot, first: Rendered | None) -> str | None:
    """The replacement as the message names it: the rule data's words in the right number, or
    (when the words must change form in place) the form the sentence needs."""
    if preferred is None:
        return None
    if first is not None and first.grammar is None and first.base:
        return first.base  # the form this place takes: a modifier, a depicted form, a verb form
    return preferred.form(slot.plural)


def compose_message(labels: Mapping[str, str], rule: Rule, original: str, preferred: str | None,
                    context: str | None, grammar: str | None) -> str:
    """The finding's message, in the rule's language: the rule's one sentence and what to
    write, or why the words stay."""
    original = " ".join(original.split())  # words broken across lines are quoted on one line
    if context is not None:
        prefer = labels["message.prefer"].format(preferred=preferred) if preferred else ""
        return labels["message.context"].format(original=original, note=labels.get(f"context.{context}", context),
                                                prefer=prefer)
    if not preferred:
        return rule.message
    if grammar is not None and grammar.startswith("no:"):
        return labels["message.reword"].format(message=rule.message, preferred=preferred,
                                               reason=note_text(labels, grammar[3:]))
    return labels["message.use"].format(message=rule.message, preferred=preferred)


def _crosses(masks: Sequence[Span], start: int, end: int) -> bool:
    """Does ``start:end`` run across one of the sorted ``masks`` (markup, a code span)?"""
    i = bisect_right(masks, (start, float("inf"))) - 1
    for s, e in masks[max(i, 0):]:
        if s >= end:
            return False
        if e > start and s < end:
            return True
    return False


def _runs(indices: Sequence[int]) -> Iterable[list[int]]:
    """Group sorted indices into runs of consecutive numbers."""
    run: list[int] = []
    for i in indices:
        if run and i != run[-1] + 1:
            yield run
            run = []
        run.append(i)
    if run:
        yield run


def _masks_per_block(blocks: Sequence[Span], masks: Sequence[Span]) -> list[tuple[Span, ...]]:
    """The masks inside each block (sorted blocks), relative to the block's start.

    One sweep over the sorted masks: a long Markdown document has thousands of blocks and
    thousands of masks, and testing every pair cost more than checking the text.
    """
    ordered = sorted(masks)
    out: list[tuple[Span, ...]] = []
    active: list[Span] = []
    next_mask = 0
    for start, end in blocks:
        while next_mask < len(ordered) and ordered[next_mask][0] < end:
            active.append(ordered[next_mask])
            next_mask += 1
        active = [m for m in active if m[1] > start]
        out.append(tuple((max(s, start) - start, min(e, end) - start) for s, e in active if s < end))
    return out


def anchor_forms(rules: Iterable[Rule], word_variants: Mapping[str, str]) -> tuple[set[str], dict[str, set[str]]]:
    """Surface forms of one required word per term and per pattern: the prefilter's keywords.

    Returns the keywords of terms, and the keywords of patterns with the rules they serve.
    """
    variants: dict[str, set[str]] = {}
    for variant, canonical in word_variants.items():
        variants.setdefault(canonical, {canonical}).add(variant)
        variants.setdefault(variant, {variant}).add(canonical)
    forms: set[str] = set()
    term_forms: set[str] = set()

    def add_word(word: str) -> None:
        word = word.lower()
        for variant in variants.get(word, {word}) | {word}:
            forms.add(variant)
            if variant.endswith("s") and not variant.endswith("ss") and len(variant) > 3:
                variant = variant[:-1]  # written in the plural in the data
            forms.update(word_forms(variant))

    for rule in rules:
        for term in rule.terms:
            words = [w for w in re.split(r"[\s\-‐‑]+", term) if w]
            if len(words) == 1 and words[0].isupper():
                forms.add(words[0].lower())
                continue
            add_word(_anchor_word(words))
    term_forms = forms
    pattern_forms: dict[str, set[str]] = {}
    for rule in rules:
        for pattern in rule.patterns:
            forms = set()
            best: tuple[int, tuple[str, ...]] | None = None
            for token in parse_pattern(pattern):
                if token.kind in ("words", "exact") and not token.optional and not token.repeat:
                    score = min(len(w) for w in token.values) - (10 if any(w in _COMMON for w in token.values)
                                                                 else 0)
                    if best is None or score >= best[0]:  # ties go to the later word, usually the head
                        best = (score, token.values)
            if best is None:
                raise ValueError(f"rule {rule.id}: pattern {pattern!r} has no required word to anchor on")
            for word in best[1]:
                add_word(word)
            for form in forms:
                pattern_forms.setdefault(form, set()).add(rule.id)
    return term_forms, pattern_forms


def _anchor_word(words: Sequence[str]) -> str:
    candidates = [w for w in words if w.lower() not in _COMMON] or list(words)
    longest = max(len(w) for w in candidates)
    return [w for w in candidates if len(w) == longest][-1]  # ties go to the head word
