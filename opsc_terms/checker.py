"""The checker: blocks -> prefilter -> spaCy engine -> judgement -> findings.

A :class:`Checker` is built once per (language, profile, configuration) and reused. spaCy
is imported only when a block passes the prefilter, so clean text never pays for it.
Results are cached per block of text, so an editor re-checks only the blocks that changed.
"""

from __future__ import annotations

import json
import re
import threading
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import cache as caching
from .config import Config
from .findings import Edit, Finding, Fix, applicability
from .labels import labels_of
from .labels import note as note_text
from .lines import LineIndex, Span
from .prefilter import Keywords, Normaliser, Prefilter, keywords, lookup_table, stop_words
from .rendering import Rendered, Slot, render
from .ruleset import SEVERITY_RANK, Grammar, Replacement, Rule, RulePack, Severity, load_builtin, load_language
from .text import (
    BlockRules,
    View,
    build_view,
    find_masks,
    iter_blocks,
    quotation_spans,
    sentence_spans,
    split_blocks,
    window,
)

_T = TypeVar("_T")

if TYPE_CHECKING:
    from .context import ContextModel, Occurrence
    from .engine import Matchers, RawMatch

# Blocks that reached the engine are cached, up to this many characters: enough for the
# sections an editor re-checks and for the passes of --fix over a long document, while a
# batch run over a huge file simply cycles through it.
_CACHE_CHARS = 2_000_000
# Blocks handed to spaCy at a time: between two batches a check looks at its deadline and
# lets a check of another document (on another thread) take its turn.
_BATCH = 32
# spaCy's pipeline and vocabulary are shared by every Checker of a language and are not
# safe to use from two threads at once; checks of different documents may run on
# different threads (the language server does that), so the engine is used under a lock.
ENGINE_LOCK = threading.RLock()


class CheckTimeout(Exception):
    """A check ran past its deadline; nothing it found is reported."""


def work_clock() -> float:
    """The clock deadlines are given in: the processor time of the calling thread.

    A time box measures how much work a document needs, not how long its thread waited:
    in the language server, checks of several documents share the processor and the
    interpreter lock, and a regular expression running in one thread holds up the others.
    On wall-clock time a plain sentence opened beside a pathological document would run
    out of time while it waited. A deadline is therefore ``work_clock() + seconds``,
    taken and checked on the thread that does the check.
    """
    return time.thread_time()


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
        # What was built from the same rule files, configuration and code is read back
        # from the cache (see opsc_terms.cache): parsing the rules and deriving the
        # prefilter's keywords from the lemma tables is most of a clean file's check.
        self.data_key = _data_key(self.config, language)
        self.pack: RulePack
        found: Keywords
        built = caching.load("checker", self.data_key) if self.data_key is not None else None
        if not (isinstance(built, tuple) and len(built) == 2 and isinstance(built[0], RulePack)
                and isinstance(built[1], Keywords)):
            built = None
        if built is not None:
            self.pack, found = built
        else:
            self.pack = (load_builtin(language) if not self.config.extend_rules
                         else load_language(language, self.config.extend_rules))
        if self.config.profile not in self.pack.language.profiles:
            known = ", ".join(sorted(self.pack.language.profiles))
            raise ValueError(f"unknown profile {self.config.profile!r} (known: {known})")
        self.rules: tuple[Rule, ...] = tuple(r for r in self.pack.rules_for(self.config.profile)
                                             if self.config.selects(r))
        self._severity = {r.id: self.config.severity_for(r, self.pack.severity_for(r, self.config.profile))
                          for r in self.rules}
        if built is None:
            found = keywords(self.rules, self.pack, self.normaliser(), stop_words(language))
            if self.data_key is not None:
                caching.store("checker", self.data_key, (self.pack, found))
        self.prefilter = Prefilter(found.all)
        self.labels = labels_of(self.pack)  # messages and notes in the rules' language
        # Keyword -> rules with patterns: a sentence runs only the patterns of rules whose
        # keyword it contains, because the token Matcher's cost grows with every pattern.
        self.pattern_rules: Mapping[str, frozenset[str]] = found.patterns
        self._engine: _Engine | None = None
        self._cache: OrderedDict[tuple[str, _Markup], list[_Cached]] = OrderedDict()
        self._cache_chars = 0
        self._cache_lock = threading.Lock()
        self._rules_by_id = {r.id: r for r in self.rules}
        self._block_rules = _block_rules(self.pack)

    # ---- public

    def check(self, text: str, *, regions: Sequence[Span] | None = None, masks: Sequence[Span] = (),
              path: str | None = None, writable: bool = True, deadline: float | None = None,
              emphasis: Sequence[Span] = ()) -> list[Finding]:
        """Findings in ``text``. ``regions`` limit checking to prose (source offsets);
        ``masks`` are spans inside them that must never be reported (code, markup);
        ``emphasis`` are spans set in italics by formatting the text does not show (a
        Word document's italic runs), which the judgement reads as it reads italics.

        A finding's fix is never more than advice where its words run across a mask (the
        fix would delete the markup) or, with ``writable`` False, in a document that is
        not rewritten in place. Use :func:`opsc_terms.lint.lint_document` to check a
        document with its markup and suppression comments. Past ``deadline`` (a
        :func:`work_clock` time), :class:`CheckTimeout` is raised.
        """
        regions = [(0, len(text))] if regions is None else regions
        sorted_masks = sorted(masks)
        sweep, italics = _MaskSweep(sorted_masks), _MaskSweep(sorted(emphasis))
        lines: LineIndex | None = None
        findings: list[Finding] = []
        # Block by block, a batch at a time: nothing held for the whole text but the
        # findings, so a large file costs memory for its findings, not for its blocks.
        for batch in _batches(_blocks(text, regions, self._block_rules)):
            markup = [_Markup(sweep.inside(b), italics.inside(b)) for b in batch]
            found_per_block = self._check_blocks(text, batch, markup, deadline)
            for block, found in zip(batch, found_per_block, strict=True):
                if not found:
                    continue
                if lines is None:
                    lines = LineIndex(text)
                for c in found:
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
                        category=c.rule.category, context=c.context, path=path,
                        lang=self.pack.language.language))
        return findings

    def _check_blocks(self, text: str, blocks: Sequence[Span], block_masks: Sequence[_Markup],
                      deadline: float | None) -> list[list[_Cached]]:
        """The findings of each block, relative to its start: from the cache, from the
        result cache, or from the engine for blocks the prefilter lets through."""
        results: list[list[_Cached] | None] = [None] * len(blocks)
        keys: list[tuple[str, _Markup] | None] = [None] * len(blocks)
        uncached: list[int] = []
        with self._cache_lock:
            for i, (block, masks) in enumerate(zip(blocks, block_masks, strict=True)):
                if self._cache:
                    key = keys[i] = (text[block[0]:block[1]], masks)
                    cached = self._cache.get(key)
                    if cached is not None:
                        self._cache.move_to_end(key)
                        results[i] = cached
                        continue
                uncached.append(i)
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
                    if keys[i] is None:
                        keys[i] = (text[blocks[i][0]:blocks[i][1]], block_masks[i])
                else:
                    results[i] = []  # no candidate word: nothing to find (and nothing worth caching)
        store = caching.result_store() if pending and self.data_key is not None and caching.results_enabled() else None
        digests: dict[int, str] = {}
        if store is not None:
            # Blocks checked by an earlier run come back from the result cache: when all
            # do, spaCy is never loaded.
            digests = {i: caching.key("results", self.data_key or "", _key(keys[i])[0], repr(_key(keys[i])[1]))
                       for i, _ in pending}
            stored = store.get_many(list(digests.values()))
            remaining = []
            for i, block_hits in pending:
                raw = stored.get(digests[i])
                decoded = self._decode(raw) if raw is not None else None
                if decoded is None:
                    remaining.append((i, block_hits))
                else:
                    results[i] = decoded
                    self._store(_key(keys[i]), decoded)
            pending = remaining
        fresh: list[tuple[str, bytes]] = []
        for first in range(0, len(pending), _BATCH):
            if deadline is not None and work_clock() > deadline:
                raise CheckTimeout
            part = pending[first:first + _BATCH]
            batch = [(blocks[i], block_masks[i], block_hits) for i, block_hits in part]
            with ENGINE_LOCK:
                found_all = self._get_engine().run(text, batch)
            for (i, _), found in zip(part, found_all, strict=True):
                results[i] = found
                self._store(_key(keys[i]), found)
                if store is not None:
                    fresh.append((digests[i], _encode(found)))
        if store is not None and fresh:
            store.put_many(fresh)
        return [r if r is not None else [] for r in results]

    def _store(self, key: tuple[str, _Markup], found: list[_Cached]) -> None:
        """Remember a block's findings; the cache is bounded by the characters it holds."""
        with self._cache_lock:
            if key in self._cache:
                return
            self._cache[key] = found
            self._cache_chars += len(key[0])
            while self._cache_chars > _CACHE_CHARS and self._cache:
                old, _ = self._cache.popitem(last=False)
                self._cache_chars -= len(old[0])

    def _decode(self, raw: bytes) -> list[_Cached] | None:
        """A block's findings as the result cache holds them; None if they do not fit
        these rules (a rule missing: the entry is not used)."""
        try:
            items = json.loads(raw)
            return [_Cached(rule=self._rules_by_id[item[0]], severity=item[1], context=item[2], start=item[3],
                            end=item[4], text=item[5], replacements=tuple(item[6]), fix=item[7], grammar=item[8],
                            quoted=item[9], acronym=item[10], automatic=item[11], message=item[12])
                    for item in items]
        except (ValueError, KeyError, IndexError, TypeError):
            return None

    def normaliser(self) -> Normaliser:
        """The normal form of words (see :class:`~opsc_terms.prefilter.Normaliser`), one
        per language and spelling variants, shared with the engine."""
        return _normaliser(self.pack.language.language, tuple(sorted(self.pack.language.variants.items())),
                           self.pack.language.grammar)

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
        self._provisions = frozenset(checker.pack.language.grammar.provision_words)
        self.nlp, self.norm = pipeline(checker.pack.language)
        self.matchers: Matchers = Matchers(self.nlp, self.norm, checker.rules, checker.pack.language,
                                           allow=checker.config.allow)
        self.model: ContextModel = ContextModel(checker.pack, self.matchers)
        vocabulary = self.matchers.vocabulary
        self._join = lambda word: self.norm(word) in vocabulary
        self._values: dict[Any, Any] = {}

    def run(self, text: str,
            blocks: Sequence[tuple[Span, _Markup, list[tuple[int, str]]]]) -> list[list[_Cached]]:
        """Findings per block, relative to the block's start.

        spaCy's vocabulary keeps every word it has seen; in a memory zone the words of
        these blocks are forgotten again once their findings (plain data) are out, so a
        long run or a long-lived server does not grow with the vocabulary of its text.
        """
        return self._run(text, blocks)

    def _run(self, text: str,
             blocks: Sequence[tuple[Span, _Markup, list[tuple[int, str]]]]) -> list[list[_Cached]]:
        """Every judgement is local to a sentence, so only the sentences that hold a keyword
        are normalised and tokenised: in dense text that is a small part of each block."""
        from .context import judge

        pattern_rules = self.checker.pattern_rules
        no_rules: frozenset[str] = frozenset()
        jobs: list[tuple[int, View, frozenset[str]]] = []
        quotations: list[list[Span]] = []  # per block: the spans inside quotation marks
        for index, ((start, end), markup, hits) in enumerate(blocks):
            sentences = sentence_spans(text, start, end, self._abbreviations, self._provisions)
            firsts = [s for s, _ in sentences]
            windows: dict[Span, frozenset[str]] = {}
            for pos, word in hits:
                sentence = sentences[max(0, bisect_right(firsts, pos) - 1)]
                span = window(text, sentence, pos)
                windows[span] = windows.get(span, no_rules) | pattern_rules.get(word, no_rules)
            extra_masks = [(start + s, start + e) for s, e in markup.masks]
            italics = [(start + s, start + e) for s, e in markup.emphasis]
            quotations.append(quotation_spans(text, start, end))
            for (w_start, w_end), with_patterns in sorted(windows.items()):
                masks = find_masks(text, w_start, w_end) + [m for m in extra_masks if m[1] > w_start and m[0] < w_end]
                emphasis = [m for m in italics if m[1] > w_start and m[0] < w_end]
                view = build_view(text, w_start, w_end, masks=masks, join=self._join, emphasis=emphasis)
                jobs.append((index, view, with_patterns))
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
        texts = self._shared(texts)
        return _Cached(rule=rule, severity=o.severity, context=o.context, start=span_start - block_start,
                       end=end - block_start, text=self._shared(text[span_start:end]), replacements=texts,
                       fix=texts[0] if texts else None, grammar=first.grammar if first is not None else None,
                       quoted=quoted, acronym=slot.acronym,
                       automatic=rule.fix is not None and preferred is rule.fix, message=self._shared(message))

    def _shared(self, value: _T) -> _T:
        """One object for equal messages, words and replacement lists: a large file has
        tens of thousands of findings and only a few hundred different messages."""
        kept = self._values.setdefault(value, value)
        if len(self._values) > 100_000:
            self._values.clear()
        return kept  # type: ignore[no-any-return]


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


@dataclass(frozen=True)
class _Markup:
    """What a block's formatting says, relative to the block's start: the spans never
    reported (code, markup) and the spans in italics that the text does not show."""

    masks: tuple[Span, ...] = ()
    emphasis: tuple[Span, ...] = ()


class _MaskSweep:
    """The masks inside each block, relative to the block's start, for blocks given in order.

    One sweep over the sorted masks: a long Markdown document has thousands of blocks and
    thousands of masks, and testing every pair cost more than checking the text.
    """

    def __init__(self, ordered: Sequence[Span]) -> None:
        self.ordered = ordered
        self.next = 0
        self.active: list[Span] = []

    def inside(self, block: Span) -> tuple[Span, ...]:
        start, end = block
        ordered = self.ordered
        while self.next < len(ordered) and ordered[self.next][0] < end:
            self.active.append(ordered[self.next])
            self.next += 1
        self.active = [m for m in self.active if m[1] > start]
        return tuple((max(s, start) - start, min(e, end) - start) for s, e in self.active if s < end)


def _blocks(text: str, regions: Sequence[Span], rules: BlockRules) -> Iterator[Span]:
    """The blocks of every region, in order of position."""
    ordered = sorted(regions)
    if all(a[1] <= b[0] for a, b in pairwise(ordered)):
        for start, end in ordered:
            yield from iter_blocks(text, start, end, rules)
    else:  # regions that overlap (no reader makes them): their blocks, sorted
        yield from sorted(b for r in ordered for b in split_blocks(text, r[0], r[1], rules))


def _block_rules(pack: RulePack) -> BlockRules:
    """Where blank lines end blocks in this pack's language (see :class:`BlockRules`)."""
    cues = pack.language.context
    # An entry opens with a provision of a named instrument, after at most one label in
    # capitals ("OFFENCE", "DÉLIT"): the heading above it names what the provision covers.
    entry = (re.compile(r"[ \t]*(?:(?-i:[A-ZÀ-ÖØ-Þ]{2,})[ \t]+)?(?:" + "|".join(f"(?:{c})" for c in cues.citations)
                        + ")", re.IGNORECASE) if cues.citations else None)
    instrument = (re.compile("|".join(f"(?:{c})" for c in cues.citation_instruments), re.IGNORECASE)
                  if cues.citation_instruments else None)
    return BlockRules(frozenset(w.lower() for w in pack.language.grammar.small_title_words), entry, instrument)


def _batches(blocks: Iterable[Span], chars: int = 1 << 16) -> Iterator[list[Span]]:
    """Blocks in groups of about ``chars`` characters."""
    batch: list[Span] = []
    size = 0
    for block in blocks:
        batch.append(block)
        size += block[1] - block[0]
        if size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _key(key: tuple[str, _Markup] | None) -> tuple[str, _Markup]:
    assert key is not None  # set for every block that reaches the engine
    return key


def _encode(found: Sequence[_Cached]) -> bytes:
    return json.dumps([[c.rule.id, c.severity, c.context, c.start, c.end, c.text, list(c.replacements), c.fix,
                        c.grammar, c.quoted, c.acronym, c.automatic, c.message] for c in found],
                      ensure_ascii=False).encode("utf-8")


def _data_key(config: Config, language: str) -> str | None:
    """The cache key of everything a Checker builds from: the rule files' bytes and the
    settings that choose and grade rules. None when a rule file cannot be read (loading
    it again reports why)."""
    parts: list[str | bytes] = [language, config.profile, repr(config.select), repr(config.ignore),
                                repr(config.severity), repr(config.allow)]
    try:
        from importlib import resources

        folder = resources.files("opsc_terms.rules") / language
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.name.endswith(".toml"):
                parts += [item.name, item.read_bytes()]
        for path in config.extend_rules:
            parts += [str(path), Path(path).read_bytes()]
    except (OSError, ValueError, TypeError, ModuleNotFoundError):
        return None
    return caching.key("checker", *parts)


@cache
def _normaliser(language: str, variants: tuple[tuple[str, str], ...], grammar: Grammar) -> Normaliser:
    return Normaliser(lookup_table(language), dict(variants), grammar, language)
