"""Judgement per occurrence: is this match a plain use, a title, a mention or legal text?

Every raw match gets its own decision from the words around it. The decisions are an
ordered table, :data:`DECISIONS`: the first one that applies says what the occurrence is
and how it is reported (dropped, info, capped at warning, or a plain use at the rule's
severity). rules/README.md documents the same order, and ``opsc-terms explain`` prints it.

Every word the decisions look for (cue phrases, head nouns, verbs of calling, attribution
verbs, legal register cues) comes from the language data (``rules/<lang>/_language.toml``
and ``_titles.toml``), so another language gets the same judgement by writing data.

This module works on spaCy documents but never imports spaCy itself, and the engine only
when a document is judged: ``opsc-terms explain`` reads the table without loading spaCy.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from .rendering import Slot
from .ruleset import SEVERITY_RANK, ContextCues, RulePack, Severity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .engine import Matchers, RawMatch
    from .text import View

Norms = tuple[int, ...]  # canonical NORM hashes of a phrase, compared as integers

_OPEN_DOUBLE = {"“", "„", "‟", "«", "〝"}
_CLOSE_DOUBLE = {"”", "»", "〞"}
_OPEN_SINGLE = {"‘", "‛", "‹"}
_CLOSE_SINGLE = {"’", "›"}
_QUOTES = _OPEN_DOUBLE | _CLOSE_DOUBLE | _OPEN_SINGLE | _CLOSE_SINGLE | {'"', "'", "`", "``", "''"}
# Punctuation that ends the scope of a cue (a comma does not: lists run over commas).
_SCOPE_STOPS = {".", "!", "?", "(", ")", "[", "]", ":", ";", "—", "–"}
# Separators of a glossary or redirect line ("child porn: see …", "child porn → …").
_ARROWS = {"→", "=>", "⇒", "->", "⟶"}
_SEPARATORS = {":", "-", "–", "—", "=", ",", *_ARROWS}
# Markup that marks the title of a work: italics in Markdown, HTML or reStructuredText,
# and the brackets of link text. (Bold is emphasis for stress, not a title.)
_WORK_MARKUP_RE = re.compile(r"^(?:\*|_|<(?:em|i|cite)\b[^>]*>|\[)$|^(?:</(?:em|i|cite)>|\]\(.*)$", re.IGNORECASE)
# Heading marks, quotation bars and bullets at the start of a line.
_LINE_MARKUP = set("#>*•·▪◦‣⁃-–—|")
_YEAR_RE = re.compile(r"^(?:1[89]|20)\d\d$")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")

# What an occurrence turned out to be; None is a plain use.
MENTION = "mention"
GUIDANCE = "guidance"
DENIAL = "denial"
GLOSS = "gloss"
QUOTATION = "quotation"
DEFINITION = "definition"
CITATION = "citation"
OFFENCE = "offence"
AMENDMENT = "amendment"
TITLE = "title"
NAME = "name"
WORK = "work"
CLINICAL = "clinical"
LEGAL = "legal"
DEFINES = "defines"
DISCUSSION = "discussion"
HEADING = "heading"

# The text that says what each context is lives in opsc_terms/labels.py (context.NAME), by language.
# Contexts that keep a finding but cap it at warning; the others make it info.
CAPPED = frozenset({LEGAL, DEFINES, DISCUSSION, HEADING})
# Contexts that a term coordinated with the previous occurrence shares ("the terms X and Y").
_CHAINED = frozenset({MENTION, GUIDANCE, DENIAL, GLOSS, DEFINITION, AMENDMENT})
# Contexts that show the sentence is about words, for the DISCUSSION cap.
_ABOUT_WORDS = frozenset({MENTION, GUIDANCE, DENIAL, GLOSS, DEFINITION})

Effect = Literal["drop", "info", "cap", "use"]


@dataclass(frozen=True)
class Occurrence:
    """A judged match, in view (block) character offsets."""

    raw: RawMatch
    severity: Severity
    context: str | None
    start: int
    end: int
    slot: Slot  # where the words stand, for rendering a replacement (its article is a view span)
    # Inside quotation marks (scare quotes around a use, or a longer quotation): the words
    # inside quotation marks are never rewritten automatically.
    quoted: bool = False


# --------------------------------------------------------------------------- the language model


class ContextModel:
    """Cue lists, titles and recommended phrases compiled to canonical NORM sequences."""

    def __init__(self, pack: RulePack, matchers: Matchers) -> None:
        cues: ContextCues = pack.language.context
        self._strings = matchers.nlp.vocab.strings
        self._normalise = matchers.norm
        self._canon: dict[int, int] = {}
        self._canon_pairs: dict[tuple[int, int], int] = {}

        def seq(phrase: str) -> list[int]:
            doc = matchers.make_doc(phrase)
            return [self.canon(t.orth, t.norm) for t in doc if not (t.is_punct or t.is_space)]

        def phrases(items: Sequence[str]) -> Cues:
            return _compile(seq, items)

        def words(items: Sequence[str]) -> frozenset[int]:
            return frozenset(n for item in items for n in seq(item))

        def lowers(items: Sequence[str]) -> frozenset[str]:
            # Function words are compared as written: lemma tables map some of them onto
            # other words ("as" onto "a").
            return frozenset(w.lower() for item in items for w in item.split())

        def regex(items: Sequence[str]) -> re.Pattern[str] | None:
            return re.compile("|".join(f"(?:{c})" for c in items), re.IGNORECASE) if items else None

        self.grammar = pack.language.grammar
        self.quote_orths = frozenset(self._strings.add(q) for q in _QUOTES)
        self.mention_before = phrases(cues.mention_before)
        self.mention_quoted_before = phrases(cues.mention_quoted_before)
        self.mention_quoted_after = phrases(cues.mention_quoted_after)
        self.mention_after = phrases(cues.mention_after)
        self.mention_nouns = words(cues.mention_nouns)
        self.calling_before = phrases(cues.calling_before)
        self.calling_object_verbs = phrases(cues.calling_object_verbs)
        self.as_verbs = phrases(cues.as_verbs)
        self.redirect_after = phrases(cues.redirect_after)
        self.guidance_before = phrases(cues.guidance_before)
        self.guidance_imperative = phrases(cues.guidance_imperative)
        self.wording_words = words(cues.wording_words)
        self.contrast_before = phrases(cues.contrast_before)
        self.contrast_after = phrases(cues.contrast_after)
        self.preference_before = phrases(cues.preference_before)
        self.preference_words = words(cues.preference_words)
        self.negations = phrases(cues.negations)
        self.reframing_nouns = words(cues.reframing_nouns)
        self.denial_before = phrases(cues.denial_before)
        self.attribution_verbs = phrases(cues.attribution_verbs)
        self.definition_before = phrases(cues.definition_before)
        self.definition_after = phrases(cues.definition_after)
        self.definition_after_quoted = phrases(cues.definition_after_quoted)
        self.definition_links = phrases(cues.definition_links)
        self.amendment_before = phrases(cues.amendment_before)
        self.insertion_before = phrases(cues.insertion_before)
        self.charge_before = phrases(cues.charge_before)
        self.charge_after = phrases(cues.charge_after)
        self.charge_verbs = phrases(cues.charge_verbs)
        self.charge_prepositions = lowers(cues.charge_prepositions)
        self.offence_verbs = words(cues.offence_verbs)
        self.legal_provisions = phrases(cues.legal_provisions)
        self.legal_attribution = words(cues.legal_attribution)
        self.law_nouns = words(cues.law_nouns)
        self.clinical_terms = words(cues.clinical_terms)
        self.clinical_before = phrases(cues.clinical_before)
        self.clinical_after = phrases(cues.clinical_after)
        self.work_before = phrases(cues.work_before)
        self.work_nouns = words(cues.work_nouns)
        self.name_heads = words(cues.name_heads)
        self.name_before = phrases(cues.name_before)
        self.name_prefixes = words(cues.name_prefixes)
        self.copulas = words(cues.copulas)
        self.conjunctions = lowers(cues.conjunctions)
        self.clause_breaks = lowers(cues.clause_breaks)
        self.object_pronouns = lowers(cues.object_pronouns)
        self.determiners = lowers(cues.determiners)
        self.wording_determiners = lowers(cues.wording_determiners)
        self.articles = lowers(cues.articles)
        self.as_words = lowers(cues.as_words)
        self.prepositions = lowers(cues.prepositions)
        self.small_words = lowers(cues.small_words)
        self.citation = regex(cues.citations)
        self.instrument = regex(cues.citation_instruments)
        self.heading_label = regex(cues.heading_labels)
        self.list_marker = re.compile("(?:" + "|".join(cues.list_markers) + r")$") if cues.list_markers else None
        leads = "|".join(re.escape(p) for p in sorted(cues.provision_leads, key=len, reverse=True))
        lead_group = rf"(?:(?:{leads})\s+)?" if leads else ""
        self.citation_start = re.compile(r"\s*[\[(]?\s*(?:\d+\s*[:.]?\s*)?" + lead_group + "(?:" +
                                         "|".join(f"(?:{c})" for c in cues.citations) + ")",
                                         re.IGNORECASE) if cues.citations else None
        self.provision_lead = re.compile(rf"\s*[,(\[]?\s*{lead_group}", re.IGNORECASE)
        links = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in cues.instrument_links)
        self.instrument_link = re.compile(rf"^[\s,()0-9a-z.]{{0,40}}?\b(?:{links})\s+[A-Z]") if links else None
        # "Section 2252A of title 18 …": the provision, then a named code in lower case
        self.instrument_after = re.compile(
            rf"^[\s,()0-9a-z.]{{0,40}}?\b(?:{links})\s+(?:" + "|".join(f"(?:{c})" for c in cues.citation_instruments)
            + ")", re.IGNORECASE) if links and cues.citation_instruments else None
        self.titles = Cues([tuple(seq(m)) for title in pack.language.titles for m in title.match])
        recommended: list[str] = []
        for rule in pack.rules:
            for rep in rule.replacements:
                recommended.append(rep.text)
                if rep.plural:
                    recommended.append(rep.plural)
        self.recommended = _compile(seq, recommended)

    def canon(self, orth: int, norm: int) -> int:
        """The NORM used to compare cues: the normaliser's form of every word.

        The tokeniser gives the parts of contractions their own NORMs ("was" in "wasn't"
        stays "was" where a lone "was" becomes "be"); cues must see one form.
        """
        text = self._strings[orth]
        if not text.isalpha():  # "n't" -> "not", "'m" -> "am" -> "be": the tokeniser's NORM, normalised
            key = (orth, norm)
            cached = self._canon_pairs.get(key)
            if cached is None:
                cached = self._canon_pairs[key] = self._strings.add(self._normalise(self._strings[norm]))
            return cached
        found = self._canon.get(orth)
        if found is None:
            found = self._canon[orth] = self._strings.add(self._normalise(text))
        return found


class Cues:
    """Phrases as NORM sequences, indexed by their first and last word for quick lookups."""

    def __init__(self, phrases: Sequence[Norms]) -> None:
        self.phrases = sorted({p for p in phrases if p}, key=len, reverse=True)  # longest first
        self.by_first: dict[int, list[Norms]] = {}
        self.by_last: dict[int, list[Norms]] = {}
        for phrase in self.phrases:
            self.by_first.setdefault(phrase[0], []).append(phrase)
            self.by_last.setdefault(phrase[-1], []).append(phrase)

    def __iter__(self) -> Iterator[Norms]:
        return iter(self.phrases)

    def __len__(self) -> int:
        return len(self.phrases)


def _compile(seq: Callable[[str], list[int]], phrases: Sequence[str]) -> Cues:
    return Cues([tuple(seq(p)) for p in phrases])


# --------------------------------------------------------------------------- facts about one sentence


class _DocInfo:
    """Per-document facts computed once and shared by all occurrences in the document.

    A document is one sentence (or a window of a very long one). The facts come from
    spaCy's attribute arrays, so no Token objects are created for the whole document.
    """

    def __init__(self, doc: Doc, model: ContextModel, layout: View | None) -> None:
        # Imported here so that the table of decisions can be read (by explain) without spaCy.
        from .engine import token_columns

        self.doc = doc
        self.text = doc.text
        strings = doc.vocab.strings
        columns = token_columns(doc)
        self.n = len(columns)
        self.texts = [strings[c[1]] for c in columns]
        self.lower = [t.lower().replace("’", "'") for t in self.texts]
        self.norms = [model.canon(c[1], c[0]) for c in columns]
        self.is_punct = [bool(c[2]) for c in columns]
        self.is_space = [bool(c[3]) for c in columns]
        self.space_after = [bool(c[4]) for c in columns]
        self.idx = [c[5] for c in columns]
        self.like_num = [bool(c[6]) for c in columns]
        self.is_quote = [c[1] in model.quote_orths for c in columns]
        self.skippable = [q or sp for q, sp in zip(self.is_quote, self.is_space, strict=True)]
        self.is_alpha = [t.isalpha() for t in self.texts]
        self.capitalised = [bool(t) and t[0].isupper() for t in self.texts]
        compact: list[int] = []
        position = [-1] * self.n
        for i, c in enumerate(columns):
            if not (c[2] or c[3]):
                position[i] = len(compact)
                compact.append(i)
        self.compact = compact
        self.compact_pos = position
        self.quotes = _quotes(self) if any(self.is_quote) else []
        # The first token of each token's line, from the line breaks the view recorded.
        breaks = sorted(layout.breaks) if layout is not None else []
        self.line_first = [0] * self.n
        if breaks:
            first, b = 0, 0
            for i in range(self.n):
                while b < len(breaks) and breaks[b] <= self.idx[i]:
                    first, b = i, b + 1
                self.line_first[i] = first
        # Tokens that open a paragraph (after a blank line in the source).
        self.opens_paragraph = [False] * self.n
        for offset in layout.paragraphs if layout is not None else ():
            first = bisect_right(self.idx, offset)  # the first token after the break (markup may lie between)
            if 0 < first < self.n:
                self.opens_paragraph[first] = True
        self.marks = layout.marks if layout is not None else []
        # The words (not spaces or quotes) in order: cues are matched against these.
        self.word_pos = [k for k in range(self.n) if not self.skippable[k]]
        self.word_norm = [self.norms[k] for k in self.word_pos]
        self._found: dict[tuple[int, int, int], list[tuple[int, int]]] = {}

    # ---- moving over words

    def prev_word(self, i: int) -> int:
        """The index of the last token before ``i`` that is not a space or a quote (-1: none)."""
        j = i - 1
        while j >= 0 and self.skippable[j]:
            j -= 1
        return j

    def next_word(self, i: int) -> int:
        """The index of the first token from ``i`` that is not a space or a quote (n: none)."""
        j = i
        while j < self.n and self.skippable[j]:
            j += 1
        return j

    def ends_with(self, i: int, cues: Cues, *, skip: bool = True) -> int:
        """Do the words just before index ``i`` end with a cue? Returns the index of the
        cue's first token, or -1. Quotes, spaces and a colon right before ``i`` are skipped."""
        j = i
        if skip:
            j = self.prev_word(j) + 1
            if j > 0 and self.texts[j - 1] == ":":
                j = self.prev_word(j - 1) + 1
        w = bisect_left(self.word_pos, j)  # the words before j are word_pos[:w]
        if w == 0:
            return -1
        for cue in cues.by_last.get(self.word_norm[w - 1], ()):
            size = len(cue)
            if size <= w and tuple(self.word_norm[w - size:w]) == cue:
                return self.word_pos[w - size]
        return -1

    def starts_with(self, i: int, cues: Cues, *, commas: bool = True) -> int:
        """Do the words from index ``i`` (closing quotes and commas skipped) start with a cue?
        Returns the index just after the cue, or -1."""
        j = i
        while j < self.n and (self.skippable[j] or (commas and self.texts[j] == ",")):
            j += 1
        w = bisect_left(self.word_pos, j)
        if w >= len(self.word_pos):
            return -1
        for cue in cues.by_first.get(self.word_norm[w], ()):
            size = len(cue)
            if tuple(self.word_norm[w:w + size]) == cue:
                return self.word_pos[w + size - 1] + 1
        return -1

    def find(self, cues: Cues, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
        """(first token, end token) of every cue found between tokens ``lo`` and ``hi``."""
        hi = self.n if hi is None else hi
        key = (id(cues), lo, hi)
        cached = self._found.get(key)
        if cached is not None:
            return cached
        first, last = bisect_left(self.word_pos, lo), bisect_left(self.word_pos, hi)
        found: list[tuple[int, int]] = []
        for p in range(first, last):
            for cue in cues.by_first.get(self.word_norm[p], ()):
                size = len(cue)
                if p + size <= last and tuple(self.word_norm[p:p + size]) == cue:
                    found.append((self.word_pos[p], self.word_pos[p + size - 1] + 1))
                    break
        self._found[key] = found
        return found

    def clear(self, lo: int, hi: int, model: ContextModel, *, stops: set[str] = _SCOPE_STOPS) -> bool:
        """No clause break (a clause word or strong punctuation) among tokens ``lo:hi``."""
        return not any(self.texts[k] in stops or self.lower[k] in model.clause_breaks for k in range(lo, hi))

    def first_word(self, model: ContextModel, i: int, start: int | None = None) -> int:
        """The first real word of the line holding token ``i`` (or from ``start``): list
        markers, heading marks, quotes and markup before it are skipped."""
        j = self.line_first[i] if start is None else start
        while j < i and (self.skippable[j] or set(self.texts[j]) <= _LINE_MARKUP
                         or (model.list_marker is not None and model.list_marker.match(self.marker_text(j))
                             and not self.is_alpha[j])):
            j = self.marker_end(j)
        return j

    def marker_text(self, j: int) -> str:
        """The text of a list marker that may span tokens: "(a)", "1.", "(iv)"."""
        if self.texts[j] == "(" and j + 2 < self.n and self.texts[j + 2] == ")":
            return "".join(self.texts[j:j + 3])
        if j + 1 < self.n and self.texts[j + 1] in (".", ")") and not self.space_after[j]:
            return self.texts[j] + self.texts[j + 1]
        return self.texts[j]

    def marker_end(self, j: int) -> int:
        text = self.marker_text(j)
        k, length = j, 0
        while k < self.n and length < len(text):
            length += len(self.texts[k])
            k += 1
        return max(k, j + 1)

    def quote_around(self, start: int, end: int, *, outside: tuple[int, int] | None = None) -> tuple[int, int] | None:
        """The innermost quotation (open quote token, close quote token) around tokens
        start:end, other than ``outside`` and any quotation inside it."""
        best: tuple[int, int] | None = None
        for q_open, q_close in self.quotes:
            if outside is not None and outside[0] <= q_open and q_close <= outside[1]:
                continue
            if q_open < start and end <= q_close and (best is None or q_open > best[0]):
                best = (q_open, q_close)
        return best


# --------------------------------------------------------------------------- the decisions


@dataclass
class _Case:
    """One occurrence being judged, with what the decisions look at."""

    info: _DocInfo
    model: ContextModel
    m: RawMatch
    q: tuple[int, int] | None  # the quotation marks right around the term, if any
    previous: tuple[int, str | None] | None  # (end token, context) of the last occurrence
    quoted: dict[int, tuple[int, int] | None]
    kept: Sequence[RawMatch]
    others: dict[int, str | None]  # contexts decided for the other occurrences (late decisions)
    memo: dict[str, str | None] = field(default_factory=dict)

    @property
    def left(self) -> int:
        """The first token of the occurrence, or of its quotation."""
        return self.q[0] if self.q else self.m.focus_start

    @property
    def right(self) -> int:
        """The token after the occurrence, or after its closing quote."""
        return self.q[1] + 1 if self.q else self.m.focus_end


@dataclass(frozen=True)
class Decision:
    """One step of the judgement: if ``applies`` returns a context, the occurrence is that."""

    name: str
    effect: Effect  # drop: not reported; info; cap: at most a warning; use: the rule's severity
    contexts: tuple[str, ...]  # the contexts it can give
    summary: str
    applies: Callable[[_Case], str | None]
    late: bool = False  # needs the decisions about the other occurrences of the sentence


def _known_title(c: _Case) -> str | None:
    info, m = c.info, c.m
    positions = [info.compact_pos[i] for i in range(m.focus_start, m.focus_end) if info.compact_pos[i] >= 0]
    if not positions:
        return None
    first, last = positions[0], positions[-1]
    compact = info.compact
    for core in c.model.titles:
        n = len(core)
        for k in range(max(0, last - n + 1), first + 1):
            if k + n > len(compact):
                break
            if all(info.norms[compact[k + j]] == core[j] for j in range(n)):
                return TITLE
    return None


def _inserted(c: _Case) -> str | None:
    """Quoted words an amendment inserts: the answer only stops the judgement (a plain use)."""
    if c.q is not None and c.info.ends_with(c.left, c.model.insertion_before) >= 0:
        return "inserted"
    return None


def _amendment(c: _Case) -> str | None:
    return AMENDMENT if c.info.ends_with(c.left, c.model.amendment_before) >= 0 else None


def _definition(c: _Case) -> str | None:
    info, model = c.info, c.model
    if info.ends_with(c.left, model.definition_before) >= 0 or info.starts_with(c.right, model.definition_after) >= 0:
        return DEFINITION
    if c.q is not None and info.starts_with(c.right, model.definition_after_quoted) >= 0:
        return DEFINITION  # "“child pornography” includes …"
    return None


def _guidance(c: _Case) -> str | None:
    info, model = c.info, c.model
    if info.ends_with(c.left, model.guidance_before) >= 0:
        return GUIDANCE  # "never say child prostitute"
    if info.ends_with(c.left, model.guidance_imperative, skip=False) >= 0 and _about_wording(c):
        return GUIDANCE  # "Avoid child prostitute; write …"
    contrast = _contrast(c)
    return GUIDANCE if contrast == GUIDANCE else None


def _about_wording(c: _Case) -> bool:
    """Does the sentence, outside the term, talk about words or name a recommended term?"""
    info = c.info
    outside = [k for k in range(info.n) if not c.m.focus_start <= k < c.m.focus_end]
    if any(info.norms[k] in c.model.wording_words or info.norms[k] in c.model.mention_nouns for k in outside):
        return True
    return any(s < c.m.focus_start or s >= c.m.focus_end for s, _ in info.find(c.model.recommended))


def _contrast(c: _Case) -> str | None:
    """"X, not Y" and "not Y but X": Y is advice or a denial when X is the better wording.
    Three decisions ask; the answer is worked out once."""
    if "contrast" not in c.memo:
        c.memo["contrast"] = _contrast_of(c)
    return c.memo["contrast"]


def _contrast_of(c: _Case) -> str | None:
    info, model = c.info, c.model
    cue = info.ends_with(c.left, model.contrast_before, skip=False)
    preferred = info.ends_with(c.left, model.preference_before, skip=False)
    if cue < 0 and preferred >= 0 and any(info.norms[k] in model.preference_words for k in range(preferred)
                                          if info.clear(k, preferred, model)):
        cue = preferred  # "prefers “child sexual abuse material” to “child pornography”"
    j = cue - 1
    while j >= 0 and (info.skippable[j] or info.texts[j] == ","):
        j -= 1
    if cue >= 0 and j >= 0:
        if info.norms[j] in model.reframing_nouns:
            return DENIAL  # "they are victims, not child prostitutes"
        if j + 1 < cue and info.is_quote[j + 1]:
            return GUIDANCE  # "write “child sexual abuse material”, not “child pornography”"
        if info.ends_with(j + 1, model.recommended, skip=False) >= 0:
            return GUIDANCE  # "child sexual abuse material, not child pornography"
        for _, end in info.find(model.mention_before, max(0, cue - 10), cue):
            if info.clear(end, cue, model):
                return MENTION  # "the term child sex abuse and not child pornography"
        if c.previous is not None and c.previous[1] in _CHAINED and c.previous[0] >= cue - 3:
            return c.previous[1]
    # "not child prostitutes but victims"
    if info.ends_with(c.left, model.negations, skip=False) < 0:
        return None
    j = c.right
    while j < info.n and (info.skippable[j] or info.texts[j] in (",", ";", ":")):
        j += 1
    after = info.starts_with(j, model.contrast_after, commas=False)
    j = info.next_word(after if after >= 0 else j)
    while j < info.n and info.lower[j] in model.articles:
        j = info.next_word(j + 1)
    if j < info.n and info.norms[j] in model.reframing_nouns:
        return DENIAL
    if info.starts_with(j, model.recommended) >= 0:
        return GUIDANCE
    return None


def _denial(c: _Case) -> str | None:
    if c.info.ends_with(c.left, c.model.denial_before, skip=False) >= 0:
        return DENIAL  # "there is no such thing as a child prostitute", "I was not a …"
    return DENIAL if _contrast(c) == DENIAL else None


def _mention(c: _Case) -> str | None:
    info, model = c.info, c.model
    if info.ends_with(c.left, model.mention_before) >= 0 or info.starts_with(c.right, model.mention_after) >= 0:
        return MENTION
    if c.q is not None and (info.ends_with(c.left, model.mention_quoted_before) >= 0
                            or info.starts_with(c.right, model.mention_quoted_after) >= 0):
        return MENTION  # "many reporters still say “child porn”", "“X” is what the law calls it"
    j = info.prev_word(c.left)
    if j >= 0 and info.lower[j] in model.articles:
        cue = info.ends_with(j, model.mention_before, skip=False)
        # "known as a …", "was called a …"; but "called a child prostitute to his room"
        if cue >= 0 and (info.lower[j - 1] in model.as_words
                         or info.norms[max(0, info.prev_word(cue))] in model.copulas):
            return MENTION
    if (_names_itself_a_term(c) or _calling_list(c) or _calling_object(c) or _as_framing(c) or _redirect(c)
            or _list_named_after(c) or _called_after(c)):
        return MENTION
    return MENTION if _contrast(c) == MENTION else None


def _names_itself_a_term(c: _Case) -> bool:
    """A copula right after the term and a word for "term" soon after it."""
    info = c.info
    j = info.next_word(c.right)
    if j >= info.n or info.norms[j] not in c.model.copulas:
        return False
    return any(info.norms[k] in c.model.mention_nouns for k in range(j + 1, min(info.n, j + 5)))


def _called_after(c: _Case) -> bool:
    """"child prostitutes, as they called them, …": the name is someone else's."""
    info, model = c.info, c.model
    j = info.next_word(c.right)
    if j < info.n and info.texts[j] == ",":
        j = info.next_word(j + 1)
    if j >= info.n or info.lower[j] not in model.as_words:
        return False
    end = j + 1
    while end < min(info.n, j + 6) and not info.is_punct[end]:
        end += 1
    return bool(info.find(model.calling_object_verbs, j + 1, end) or info.find(model.calling_before, j + 1, end))


def _list_named_after(c: _Case) -> bool:
    """"lists child porn, kiddie porn and … as terms to avoid", "X, Y, Z: all of these terms
    …": a list of terms that the words after it call terms."""
    info, model = c.info, c.model
    end = c.right
    for other in c.kept:  # the list runs on over later terms joined by commas and conjunctions
        oq = c.quoted.get(id(other))
        o_start, o_end = (oq[0], oq[1] + 1) if oq else (other.focus_start, other.focus_end)
        if o_start >= end and _only_conjunctions(info, model, end, o_start):
            end = o_end
    j = info.next_word(end)
    separated = False
    while j < info.n and info.texts[j] in (",", ":", "—", "–", "-"):
        separated = separated or info.texts[j] != ","
        j = info.next_word(j + 1)
    if j < info.n and info.lower[j] in model.as_words:
        for k in range(j + 1, min(info.n, j + 5)):
            if info.is_punct[k]:
                return False
            if info.norms[k] in model.mention_nouns:
                return True  # "… as terms to avoid", "… as slang"
        return False
    if separated:
        return _wording_referred_to(c, j, min(info.n, j + 5))  # "…: all of these terms"
    return False


def _calling_list(c: _Case) -> bool:
    """"It can also be called A, B or C": a later item of a list after a verb of calling."""
    info, model = c.info, c.model
    before = info.prev_word(c.left)
    if before < 0 or not (info.texts[before] == "," or info.lower[before] in model.conjunctions):
        return False
    for k in range(before, max(-1, before - 16), -1):
        if info.texts[k] in _SCOPE_STOPS or info.lower[k] in model.clause_breaks or info.norms[k] in model.copulas:
            return False
        start = info.ends_with(k + 1, model.calling_before, skip=False)
        if start >= 0:
            after = info.next_word(k + 1)
            if after >= info.n or info.lower[after] in model.prepositions:
                return False  # "called for", "called on": another verb
            opener = info.prev_word(start)
            # ", called Safe Haven, helped …": an apposition names one thing
            return not (opener >= 0 and info.texts[opener] in (",", "(")
                        and any(info.texts[x] == "," for x in range(k + 1, before)))
    return False


def _calling_object(c: _Case) -> bool:
    """"don't call them child prostitutes", "labelled the girls child prostitutes"."""
    info, model = c.info, c.model
    end = info.prev_word(c.left) + 1
    for size in range(1, 5):
        verb_end = end - size
        if verb_end <= 0:
            return False
        obj = [k for k in range(verb_end, end) if not info.skippable[k]]
        if not obj or any(info.is_punct[k] or info.lower[k] in model.prepositions or info.norms[k] in model.copulas
                          for k in obj):
            return False
        if info.ends_with(verb_end, model.calling_object_verbs, skip=False) < 0:
            continue
        if len(obj) == 1:
            return info.lower[obj[0]] in model.object_pronouns
        return info.lower[obj[0]] in model.determiners or info.lower[obj[0]] in model.object_pronouns
    return False


def _as_framing(c: _Case) -> bool:
    """"treats exploited children as child prostitutes": a verb of framing, then "as"."""
    info, model = c.info, c.model
    j = info.prev_word(c.left)
    if j >= 0 and info.lower[j] in model.articles:
        j = info.prev_word(j)
    if j < 0 or info.lower[j] not in model.as_words:
        return False
    for k in range(j, max(-1, j - 8), -1):
        if k < j and (info.texts[k] in _SCOPE_STOPS or info.lower[k] in model.clause_breaks):
            return False
        if info.ends_with(k, model.as_verbs, skip=False) >= 0:
            return True
    return False


def _redirect(c: _Case) -> bool:
    """A glossary or redirect line: "Child pornography: see child sexual abuse material"."""
    info, model = c.info, c.model
    first = info.first_word(model, c.m.focus_start)
    before = info.prev_word(c.left)
    if first not in (c.left, c.left + 1) and before >= 0 and not (
            info.texts[before] == ":" and info.first_word(model, before) == info.prev_word(before)):
        return False  # the term opens its line, or follows a label ("Glossary: …")
    j = info.next_word(c.right)
    if j < info.n and info.texts[j] == "(":  # "child pornography (outdated): see …"
        while j < info.n and info.texts[j] != ")":
            j += 1
        j = info.next_word(j + 1)
    if j >= info.n or info.texts[j] not in _SEPARATORS:
        return False
    if info.texts[j] in _ARROWS:
        return True  # "child prostitute → child exploited in prostitution"
    return info.starts_with(j + 1, model.redirect_after) >= 0


def _cited_provision(c: _Case) -> str | None:
    if _followed_by_provision(c):
        return CITATION  # "child pornography (18 U.S.C. § 2256)", "… under section 163.1"
    if _ends_with_instrument_citation(c):
        return CITATION  # "… containing apparent child pornography … (18 U.S. Code § 2258A (b)(5))."
    return None


def _followed_by_provision(c: _Case) -> bool:
    """The term is followed at once by the provision that defines it."""
    model, info = c.model, c.info
    if model.citation is None or c.right > info.n:
        return False
    at = info.idx[c.right] if c.right < info.n else len(info.text)
    lead = model.provision_lead.match(info.text, at)
    return bool(lead and model.citation.match(info.text, lead.end()))


_LAST_PARENTHESES_RE = re.compile(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)[\s.;:,”’\"']*$")


def _ends_with_instrument_citation(c: _Case) -> bool:
    """The sentence ends with a provision of a named code or act in parentheses: it
    restates that law, as statutes are quoted in notes and comments."""
    model, info = c.model, c.info
    if model.citation is None or model.instrument is None:
        return False
    m = _LAST_PARENTHESES_RE.search(info.text)
    if m is None or m.start() < info.idx[c.m.focus_start]:
        return False
    cited = m.group(1)
    return bool(model.citation.search(cited) and model.instrument.search(cited))


def _gloss(c: _Case) -> str | None:
    """"child sexual abuse material (child pornography)": the old term glossed after a
    recommended one; "abuse images (“child pornography”)": the old name, quoted, alone in
    brackets after the words the writer uses."""
    info = c.info
    j = info.prev_word(c.left) + 1
    if j == 0 or info.texts[j - 1] not in ("(", "["):
        return None
    if info.ends_with(j - 1, c.model.recommended, skip=False) >= 0:
        return GLOSS
    if c.q is not None and j - 1 > 0:
        after = c.q[1] + 1
        while after < info.n and info.texts[after].isspace():
            after += 1
        if after < info.n and info.texts[after] in (")", "]"):
            return GLOSS
    return None


def _coordinated(c: _Case) -> str | None:
    """"the terms child prostitution and child pornography": a list shares its first item's context."""
    if c.previous is None or c.previous[1] not in _CHAINED:
        return None
    return c.previous[1] if _only_conjunctions(c.info, c.model, c.previous[0], c.left) else None


def _only_conjunctions(info: _DocInfo, model: ContextModel, start: int, end: int) -> bool:
    between = [k for k in range(start, end) if not info.skippable[k]]
    return len(between) <= 3 and all(info.lower[k] in model.conjunctions or info.is_punct[k] for k in between)


def _existing_law(c: _Case) -> str | None:
    """A sentence that opens with a provision of a named instrument ("Article 3 (1) (c) of
    the Optional Protocol …") or a code section ("18 U.S.C. § 2252A - …") analyses or heads
    law whose wording the writer cannot change. New legislation ("Article 5: Child
    prostitution is prohibited") names no other instrument and is not excused here."""
    model, info = c.model, c.info
    if model.citation_start is None:
        return None
    m = model.citation_start.match(info.text)
    if m is None or m.end() > info.idx[c.m.focus_start]:
        return None
    if model.instrument is not None and model.instrument.search(m.group()) and "§" not in m.group().strip()[:2]:
        return CITATION
    for pattern in (model.instrument_link, model.instrument_after):
        if pattern is not None and pattern.match(info.text[m.end():]):
            return CITATION
    return None


def _quoted_term(c: _Case) -> str | None:
    """A term in quotation marks of its own: what the quotation marks say about it."""
    q = c.q
    if q is None:
        return None
    info, model = c.info, c.model
    before = info.prev_word(q[0])
    if before >= 0 and info.lower[before] in model.as_words:
        return MENTION  # "covered … as “child pornography”"
    if any(info.norms[k] in model.mention_nouns for k in range(q[0])) or _wording_referred_to(c, q[1] + 1):
        return MENTION  # "terms such as “child prostitute”", "“…” remains the wording of …"
    if model.citation is not None and model.citation.search(info.text):
        return CITATION  # the instrument's own wording, quoted with its provision
    if _coordinated_with_quoted(c):
        return MENTION  # “child porn,” and “child pornography,”
    if _in_charge(c):
        return OFFENCE  # "arrested for “child prostitution”"
    if _work(c):
        return WORK  # "the song “Child Bride”"
    if _attributed(c):
        return QUOTATION  # “Child prostitutes,” he said, …
    if _whole_sentence(c):
        return MENTION  # “Child prostitute.” standing alone
    if _glossary_definition(c):
        return DEFINITION  # "‘Loverboys’ are traffickers who …"
    if _quoted_name(c):
        return NAME  # "the gesture ‘Stop Child Porn’"
    return None  # scare quotes around a plain use still count as a use


def _wording_referred_to(c: _Case, start: int, end: int | None = None) -> bool:
    """A word for "term" with a determiner ("the term", "this wording", "these words")
    between ``start`` and ``end``: the sentence refers to a term as a term."""
    info, model = c.info, c.model
    for k in range(start, info.n if end is None else end):
        if info.norms[k] in model.mention_nouns and not c.m.focus_start <= k < c.m.focus_end:
            d = info.prev_word(k)
            if d >= 0 and info.lower[d] in model.wording_determiners:
                return True
    return False


def _coordinated_with_quoted(c: _Case) -> bool:
    """“child porn,” and “child pornography,”: a list of quoted terms is about the terms."""
    assert c.q is not None
    for other in c.kept:
        oq = c.quoted.get(id(other))
        if other is c.m or oq is None:
            continue
        a, b = (c.q, oq) if c.q[0] < oq[0] else (oq, c.q)
        if _only_conjunctions(c.info, c.model, a[1] + 1, b[0]):
            return True
    return False


def _in_charge(c: _Case) -> bool:
    """A charge cue earlier in the same clause ("pleaded guilty to …", "arrested … for")."""
    info, model = c.info, c.model
    ends = [end for _, end in info.find(model.charge_before, 0, c.left)]
    for _, end in info.find(model.charge_verbs, 0, c.left):
        # "charges him with", "arresting underage girls for": the object, then the preposition
        for k in range(end, min(c.left, end + 5)):
            if info.is_punct[k]:
                break
            if info.lower[k] in model.charge_prepositions:
                ends.append(k + 1)
                break
    # a list of charges runs over semicolons
    return any(info.clear(end, c.left, model, stops=_SCOPE_STOPS - {";", ":"}) for end in ends)


def _attributed(c: _Case) -> bool:
    """Quoted words attributed to a speaker or writer: “…,” he said / she said: “…”."""
    assert c.q is not None
    info, model = c.info, c.model
    q_open, q_close = c.q
    j = q_close + 1
    words = 0
    while j < info.n and words <= 5:
        if info.skippable[j] or info.texts[j] == ",":
            j += 1
            continue
        if info.starts_with(j, model.attribution_verbs, commas=False) >= 0:
            return True
        if info.is_punct[j]:
            break
        words += 1
        j += 1
    k = info.prev_word(q_open)
    if k >= 0 and info.texts[k] in (",", ":"):
        for size in range(5):
            if info.ends_with(k - size, model.attribution_verbs, skip=False) >= 0:
                return True
    return False


def _whole_sentence(c: _Case) -> bool:
    """The quotation is all there is: the term is shown, not used."""
    assert c.q is not None
    info = c.info
    outside = [k for k in range(info.n) if not c.q[0] <= k <= c.q[1] and not info.is_punct[k]
               and not info.is_space[k]]
    return not outside


def _glossary_definition(c: _Case) -> bool:
    """A quoted term that opens its sentence and is defined: "‘X’ (or Y) are people who …"."""
    info, model = c.info, c.model
    assert c.q is not None
    if info.prev_word(c.q[0]) >= 0 and info.first_word(model, c.q[0]) not in (c.q[0], c.q[0] + 1):
        return False
    return _defined_after(info, model, c.right)


def _defined_after(info: _DocInfo, model: ContextModel, right: int, *, determiner: bool = False) -> bool:
    """After ``right``: (a parenthesis,) a copula, at most four words and a definition link;
    with ``determiner``, the words after the copula must start with one ("is the …")."""
    j = info.next_word(right)
    if j < info.n and info.texts[j] == "(":
        while j < info.n and info.texts[j] != ")":
            j += 1
        j = info.next_word(j + 1)
    if j >= info.n or info.norms[j] not in model.copulas:
        return False
    k = j + 1
    if determiner:
        d = info.next_word(k)
        if d >= info.n or info.lower[d] not in model.determiners:
            return False
    for _ in range(5):
        k = info.next_word(k)
        if k >= info.n or info.is_punct[k]:
            return False
        if info.starts_with(k, model.definition_links, commas=False) >= 0 and k > j + 1:
            return True
        k += 1
    return False


def _quoted_name(c: _Case) -> bool:
    """A quoted phrase in Title Case that reaches beyond the term is a name (a slogan, a
    campaign, a report): "the gesture ‘Stop Child Porn’"."""
    assert c.q is not None
    info, model = c.info, c.model
    inside = [k for k in range(c.q[0] + 1, c.q[1]) if info.is_alpha[k]]
    term = set(range(c.m.focus_start, c.m.focus_end))
    extra = [k for k in inside if k not in term]
    if not extra or len(inside) > 12:
        return False
    return all(info.capitalised[k] or info.lower[k] in model.small_words for k in inside) and any(
        info.capitalised[k] for k in extra)


def _quotation(c: _Case) -> str | None:
    """Inside a longer quotation: someone else's words, which the writer cannot reword."""
    outer = c.info.quote_around(c.m.focus_start, c.m.focus_end, outside=c.q)
    return QUOTATION if outer is not None else None


def _quote_opens_with_capital(info: _DocInfo, q: tuple[int, int]) -> bool:
    """A quotation that starts with a capital, as a title in sentence case does («La …»)."""
    first = next((k for k in range(q[0] + 1, min(q[1], info.n)) if info.is_alpha[k]), None)
    return first is not None and info.capitalised[first]


def _title_case_term(c: _Case) -> list[int] | None:
    """The word tokens of the term when every one is capitalised (small words aside)."""
    info, model = c.info, c.model
    if c.m.kind == "acronym":
        return None  # capitals are what an acronym is made of; they say nothing about names
    words = [k for k in range(c.m.focus_start, c.m.focus_end) if info.is_alpha[k]]
    if not words or not all(info.capitalised[k] for k in words if info.lower[k] not in model.small_words):
        return None
    return words


def _run(c: _Case) -> tuple[int, int]:
    """The Title Case run around the term (small words inside it, not at its ends)."""
    info, model = c.info, c.model

    def in_run(k: int) -> bool:
        return info.capitalised[k] or info.lower[k] in model.small_words or info.like_num[k]

    def colon(k: int) -> bool:  # "Defining Child Pornography: Law Enforcement …": one title
        return (info.texts[k] == ":" and k > 0 and info.capitalised[k - 1] and k + 1 < info.n
                and info.capitalised[k + 1])

    # A name does not run across a blank line: a heading above an entry ("Child Pornography" /
    # "OFFENCE Section 163.1 …") is not one name with the entry's first words.
    left = c.m.focus_start
    while (left - 1 >= 0 and not info.opens_paragraph[left] and (in_run(left - 1) or colon(left - 1))
           and not info.is_quote[left - 1]):
        left -= 1
    right = c.m.focus_end
    while (right < info.n and not info.opens_paragraph[right] and (in_run(right) or colon(right))
           and not info.is_quote[right]):
        right += 1
    while left < c.m.focus_start and info.lower[left] in model.small_words:
        left += 1
    while right > c.m.focus_end and info.lower[right - 1] in model.small_words:
        right -= 1
    return left, right


def _work(c: _Case) -> str | None:
    """The title of a film, book or report: named by a cue word, a year or markup."""
    info, model = c.info, c.model
    if _title_case_term(c) is None and not (model.grammar.sentence_case_titles and c.q is not None
                                           and _quote_opens_with_capital(info, c.q)):
        return None
    # An unclosed quotation runs to the end of the sentence, one past its last token.
    left, right = _run(c) if c.q is None else (max(c.q[0], 0), min(c.q[1] + 1, info.n))
    # "the documentary, Sextortion: …", "1938’s Child Bride"
    j = info.prev_word(left)
    if j >= 0 and info.texts[j] == ",":
        j = info.prev_word(j)
    if j >= 0 and info.ends_with(j + 1, model.work_before, skip=False) >= 0:
        return WORK
    if j >= 0 and info.texts[j] in ("’s", "'s") and j > 0 and _YEAR_RE.match(info.texts[j - 1]):
        return WORK
    # the subtitle after a colon belongs to the title
    end = right
    if end < info.n and info.texts[end] == ":" and end + 1 < info.n and info.capitalised[info.next_word(end + 1)]:
        end = _run_from(info, model, info.next_word(end + 1))
    # "Child Bride (1938)", "Child Bride, a 1938 film", "Child Bride was a government film"
    k = info.next_word(end)
    if k + 2 < info.n and info.texts[k] == "(" and _YEAR_RE.match(info.texts[k + 1]) and info.texts[k + 2] == ")":
        return WORK
    if _described_as(info, model, left, end, model.work_nouns, None, copula=True):
        return WORK
    if _marked_as_work(info, left, end):
        return WORK
    return None


def _described_as(info: _DocInfo, model: ContextModel, left: int, right: int, nouns: frozenset[int],
                  before: Cues | None, *, copula: bool = False) -> bool:
    """Is the Title Case run ``left:right`` described by one of ``nouns``: right after it
    ("the Paedophile Hunters documentary"), in an appositive (", an online support group",
    "– the new programme") or, with ``copula``, after "is a" ("was a government film")? Or
    named after a cue in ``before`` ("the group …")?"""
    k = info.next_word(right)
    if k < info.n and info.norms[k] in nouns and not info.capitalised[k]:
        return True
    if k < info.n and (info.texts[k] in (",", "–", "—", "-", "(") or (copula and info.norms[k] in model.copulas)):
        d = info.next_word(k + 1)
        if d < info.n and info.lower[d] in model.determiners:
            for w in range(d + 1, min(info.n, d + 6)):
                if info.texts[w] in _SCOPE_STOPS or info.texts[w] == ",":
                    break
                if info.norms[w] in nouns:
                    return True
    return before is not None and info.ends_with(left, before, skip=False) >= 0


def _run_from(info: _DocInfo, model: ContextModel, start: int) -> int:
    k = start
    while k < info.n and (info.capitalised[k] or info.lower[k] in model.small_words or info.like_num[k]):
        k += 1
    return k


def _marked_as_work(info: _DocInfo, left: int, right: int) -> bool:
    """Italics or link text around the run: in the text itself, or as masked markup."""
    before = info.prev_word(left)
    after = right
    literal = (before >= 0 and info.texts[before] in ("*", "_") and after < info.n and info.texts[after] in ("*", "_"))
    if literal:
        return True
    start_char, end_char = info.idx[left], info.idx[right - 1] + len(info.texts[right - 1])
    opening = any(start_char - 2 <= pos <= start_char and _WORK_MARKUP_RE.match(mark.strip())
                  and not mark.strip().startswith(("</", "](")) for pos, mark in info.marks)
    closing = any(end_char <= pos <= end_char + 2 and _WORK_MARKUP_RE.match(mark.strip())
                  and not mark.strip().startswith(("<em", "<i", "<cite", "["))
                  for pos, mark in info.marks)
    return opening and closing


def _name(c: _Case) -> str | None:
    """A Title Case run is a proper name only with evidence; capitals alone are a headline's."""
    if c.q is not None or _title_case_term(c) is None:
        return None
    info, model = c.info, c.model
    words = [k for k in range(c.m.focus_start, c.m.focus_end) if info.is_alpha[k]]
    all_caps = all(info.texts[k].isupper() for k in words)
    left, right = _run(c)
    outside = [*range(left, c.m.focus_start), *range(c.m.focus_end, right)]
    extra = [k for k in outside if info.is_alpha[k] and info.capitalised[k]]
    after = right if right < info.n else None
    prefix = c.m.focus_start - 1
    if prefix >= 0 and info.norms[prefix] in model.name_prefixes and info.capitalised[prefix]:
        return NAME  # "Anti-Child Pornography Act"
    if all_caps:
        return None  # ALL CAPS is a shouted headline, not a name
    # A head noun ends the name ("… Prevention Act") or governs it through a small word
    # ("Council Against Child Pornography"); elsewhere it is only another capitalised word.
    heads = [k for k in outside if info.norms[k] in model.name_heads
             and (k == right - 1 or (k + 1 < info.n and info.lower[k + 1] in model.small_words))]
    if heads or (after is not None and info.norms[after] in model.name_heads and info.capitalised[after]):
        return NAME  # "Child Pornography Prevention Act", "the Child Pornography Unit"
    if not extra:
        return None
    k = info.next_word(right)
    if k + 2 < info.n and info.texts[k] == "(" and _ACRONYM_RE.match(info.texts[k + 1]) and info.texts[k + 2] == ")":
        return NAME  # "the Paedophile Information Exchange (PIE)", even in a headline
    if _described_as(info, model, left, right, model.name_heads, model.name_before):
        return NAME  # "Virtuous Pedophiles, an online support group", "the group Virtuous Pedophiles"
    return None  # capitals alone never make a name (see _subtitled for "X: A Subtitle")


def _subtitled(c: _Case) -> str | None:
    """"Investigating Child Pornography: A Handbook": the title of a paper or book used as
    a heading. Its author chose the words, so it stays reported, but it may be a work's
    title that the writer only cites: at most a warning."""
    if c.q is not None or _title_case_term(c) is None:
        return None
    left, right = _run(c)
    return HEADING if any(c.info.texts[k] == ":" for k in range(left, right)) else None


def _clinical(c: _Case) -> str | None:
    info, model = c.info, c.model
    if not any(info.norms[k] in model.clinical_terms for k in range(c.m.focus_start, c.m.focus_end)):
        return None
    if info.ends_with(c.left, model.clinical_before) >= 0 or info.starts_with(c.right, model.clinical_after) >= 0:
        return CLINICAL  # "non-offending paedophiles", "paedophiles who have never offended"
    return None


def _legal(c: _Case) -> str | None:
    """Statutory or charge wording: the writer may be citing law in force."""
    info, model = c.info, c.model
    if _in_charge(c) or info.starts_with(c.right, model.charge_after, commas=False) >= 0:
        return LEGAL  # "pleaded guilty to possessing child pornography", "child pornography charges"
    if info.find(model.legal_provisions):
        return LEGAL  # "Every person who … is guilty of an indictable offence"
    if model.citation is not None and model.instrument is not None and any(
            model.instrument.search(info.text, max(0, m.start() - 40), m.end() + 40)
            for m in model.citation.finditer(info.text)):
        return LEGAL  # "Penal Code section 311.11 makes possession of … a crime"
    if model.heading_label is not None:
        start = info.first_word(model, c.m.focus_start, start=0)
        if start < c.m.focus_start and model.heading_label.match(info.text, info.idx[start]):
            return LEGAL  # "§ 2258C. Use to combat child pornography …"
    line = info.line_first[c.m.focus_start]
    first = info.first_word(model, c.m.focus_start)
    if first > line and first < c.m.focus_start and info.norms[first] in model.offence_verbs:
        return LEGAL  # "(1) Acting as a procurer of …", "• causing or inciting …"
    first = info.next_word(0)
    if first < info.n and info.norms[first] in model.legal_attribution:
        for k in range(first + 1, min(c.m.focus_start, first + 8)):
            if info.norms[k] in model.law_nouns and any(info.texts[x] == "," for x in range(k, c.m.focus_start)):
                return LEGAL  # "Under Florida law, child pornography is …"
    return None


def _defines(c: _Case) -> str | None:
    """The term opens a sentence that defines it: "Child pornography is the representation of …"."""
    info, model = c.info, c.model
    first = info.first_word(model, c.m.focus_start)
    if first not in (c.left, c.m.focus_start) and info.next_word(0) not in (c.left, c.m.focus_start):
        return None
    return DEFINES if _defined_after(info, model, c.right, determiner=True) else None


def _discussion(c: _Case) -> str | None:
    """A plain use in a clause that talks about the words: perhaps an echo of the mention.
    A semicolon ends the clause ("… drop the term “X”; police still found X")."""
    info = c.info
    lo = c.m.focus_start
    while lo > 0 and info.texts[lo - 1] != ";":
        lo -= 1
    hi = c.m.focus_end
    while hi < info.n and info.texts[hi] != ";":
        hi += 1
    if any(ctx in _ABOUT_WORDS and lo <= other.focus_start < hi
           for other in c.kept if other is not c.m for ctx in (c.others.get(id(other)),)):
        return DISCUSSION
    return DISCUSSION if _wording_referred_to(c, lo, hi) else None


DECISIONS: tuple[Decision, ...] = (
    Decision("known title", "drop", (TITLE,),
             "inside the distinctive wording of an official title in _titles.toml", _known_title),
    Decision("inserted wording", "use", (),
             "quoted text that an amendment inserts is new wording: a plain use", _inserted),
    Decision("amendment", "info", (AMENDMENT,), "text that an amendment strikes out", _amendment),
    Decision("definition", "info", (DEFINITION,),
             "a term that a sentence defines (“defines … as”, “… means”, a quoted term before “includes”)",
             _definition),
    Decision("denial", "info", (DENIAL,),
             "a rejected label: “there is no such thing as …”, “I was not a …”, “victims, not …”", _denial),
    Decision("guidance", "info", (GUIDANCE,),
             "advice about words: “never say …”, “avoid …” in a sentence about wording, "
             "“X, not Y” after recommended or quoted wording", _guidance),
    Decision("mention", "info", (MENTION,),
             "the word itself: metalinguistic cues (“the term”, “so-called”, “can be misleading”), "
             "verbs of calling (“called A, B or C”, “call them …”, “treats … as …”), redirect lines",
             _mention),
    Decision("cited provision", "info", (CITATION,),
             "a term followed by its provision, or in a sentence that ends with a cited code or act",
             _cited_provision),
    Decision("gloss", "info", (GLOSS,), "in parentheses after a recommended term", _gloss),
    Decision("coordinated", "info", tuple(sorted(_CHAINED)),
             "listed with the previous occurrence (“the terms X and Y”): the same decision", _coordinated),
    Decision("existing law", "info", (CITATION,),
             "a sentence that opens with a provision of a named instrument or code", _existing_law),
    Decision("quoted term", "info", (MENTION, CITATION, OFFENCE, QUOTATION, DEFINITION, NAME),
             "a term in its own quotation marks that a wording noun, a provision, a list of quoted "
             "terms, a charge, an attribution or a definition shows to be a mention; otherwise "
             "scare quotes, which stay a use", _quoted_term),
    Decision("quotation", "info", (QUOTATION,), "inside a longer direct quotation", _quotation),
    Decision("work", "info", (WORK,),
             "a Title Case title of a work, shown by a cue word (“the film”), a year or italics",
             lambda c: _work(c) if c.q is None else None),
    Decision("proper name", "info", (NAME,),
             "a Title Case name with evidence: a head noun (“… Act”, “Council Against …”), “Anti-”, an "
             "acronym in parentheses, an appositive (“…, a support group”) or a cue (“the campaign …”)",
             _name),
    Decision("clinical", "info", (CLINICAL,), "a clinical term in its clinical sense (“non-offending …”)",
             _clinical),
    Decision("legal register", "cap", (LEGAL,),
             "charges as pleaded, operative provisions, numbered statutory headings, listed offences, "
             "“under … law”: at most a warning", _legal),
    Decision("subtitled title", "cap", (HEADING,),
             "a Title Case title with a subtitle after a colon: at most a warning", _subtitled),
    Decision("defining sentence", "cap", (DEFINES,),
             "the term opens a sentence that defines it: at most a warning", _defines),
    Decision("discussion", "cap", (DISCUSSION,),
             "a sentence that also talks about the words: at most a warning", _discussion, late=True),
)


# --------------------------------------------------------------------------- judging


def judge(doc: Doc, raws: Sequence[RawMatch], model: ContextModel, matchers: Matchers,
          severity_of: Callable[[RawMatch], Severity], layout: View | None = None) -> list[Occurrence]:
    """Decide, per occurrence, whether and how to report each raw match in ``doc``.

    ``layout`` (the view the document was made from) tells where lines break and where
    markup was, for list items, headings and the titles of works.
    """
    if not raws:
        return []
    info = _DocInfo(doc, model, layout)
    kept = _resolve_overlaps(raws, severity_of)

    quoted: dict[int, tuple[int, int] | None] = {}
    for m in kept:
        q = info.quote_around(m.focus_start, m.focus_end)
        if q is not None and _extra_words(info, q, m) > 2:
            q = None  # a longer quotation, handled by its own decision
        quoted[id(m)] = q

    # A document is one sentence (or a window of a very long one): the checker splits
    # sentences in the source before tokenising.
    decided: list[tuple[RawMatch, Decision | None, str | None]] = []
    others: dict[int, str | None] = {}
    previous: tuple[int, str | None] | None = None
    for m in kept:
        if m.rule.near and not matchers.near_ok(m.rule, doc[0:len(doc)]):
            continue
        case = _Case(info, model, m, quoted[id(m)], previous, quoted, kept, others)
        decision, context = _decide(case, late=False)
        decided.append((m, decision, context))
        others[id(m)] = context
        q = quoted[id(m)]
        previous = (q[1] + 1 if q else m.focus_end, context)

    out: list[Occurrence] = []
    for m, decision, context in decided:
        if decision is None:
            decision, context = _decide(_Case(info, model, m, quoted[id(m)], None, quoted, kept, others), late=True)
        if decision is not None and decision.effect == "drop":
            continue
        severity = severity_of(m)
        if decision is None or decision.effect == "use":
            context = None
        elif decision.effect == "info":
            severity = "info"
        elif SEVERITY_RANK[severity] > SEVERITY_RANK["warning"]:
            severity = "warning"
        else:
            context = None  # a cap that changes nothing leaves a plain use
        out.append(_occurrence(info, model, m, severity, context, matchers))
    return out


def _decide(case: _Case, *, late: bool) -> tuple[Decision | None, str | None]:
    """The first decision of the table that applies (the late ones only when ``late``)."""
    for decision in DECISIONS:
        if decision.late != late:
            continue
        context = decision.applies(case)
        if context is not None:
            return decision, context
    return None, None


def _occurrence(info: _DocInfo, model: ContextModel, m: RawMatch, severity: Severity, context: str | None,
                matchers: Matchers) -> Occurrence:
    doc = info.doc
    grammar = model.grammar
    span = doc[m.focus_start:m.focus_end]
    # The head noun is not always last in English ("women on the younger side"): any plural
    # word counts. Where the head comes first ("prostitution des enfants"), its own number.
    alpha = [t for t in span if t.is_alpha]
    plural = (_is_plural(alpha[0]) if alpha else False) if grammar.head_first else any(_is_plural(t) for t in span)
    nxt = doc[m.focus_end] if m.focus_end < len(doc) else None
    possessive: bool | str = nxt is not None and nxt.lower_ in ("'s", "’s", "'", "’") and nxt.idx == span.end_char
    if possessive and nxt is not None and nxt.lower_ in ("'", "’"):
        # A bare apostrophe after a plural is a possessive ("prostitutes' families"); after
        # anything else it closes a quotation (‘sextortion’).
        possessive = "plural" if span.text.lower().endswith("s") and info.quote_around(
            m.focus_start, m.focus_end + 1) is None else False
    # A singular term before a noun describes it ("child porn videos"); a plural one is
    # the head itself ("child sex tourists use ...").
    next_is_noun = (not grammar.head_first and nxt is not None and not possessive and not plural and nxt.is_alpha
                    and not nxt.is_stop and matchers.is_noun(nxt.text))
    if next_is_noun and nxt is not None and nxt.lower_.endswith("s") and matchers.is_verb(nxt.text):
        # "child pornography keeps growing": a word that can be a verb is one when what
        # follows is not what follows a noun (a verb, a preposition, the sentence's end).
        after = doc[m.focus_end + 1] if m.focus_end + 1 < len(doc) else None
        next_is_noun = after is None or after.is_punct or after.lower_ in grammar.after_noun
    article = None
    before: list[str] = []
    k = m.focus_start - 1
    while k >= 0 and len(before) < 2:
        if not doc[k].is_space:
            before.insert(0, doc[k].lower_)
        k -= 1
    # A determiner that may have to agree with the replacement: one word ("a", "la", "l'") or
    # two ("de la", "à l'"), as the language data lists them.
    for size in (2, 1):
        first = m.focus_start - size
        if first < 0 or any(doc[k].is_space for k in range(first, m.focus_start)):
            continue
        words = " ".join(doc[k].lower_.replace("’", "'") for k in range(first, m.focus_start))
        if words in grammar.determiners:
            article = (doc[first].idx, doc[m.focus_start - 1].idx + len(doc[m.focus_start - 1]))
            break
    slot = Slot(plural=plural, possessive=possessive, next_is_noun=next_is_noun,
                # "X and trafficking network": a bare word after "and" may share what follows;
                # "X and the law" is a phrase of its own.
                coordinated=(nxt is not None and nxt.lower_ in grammar.conjunctions and m.focus_end + 1 < len(doc)
                             and doc[m.focus_end + 1].is_alpha and not doc[m.focus_end + 1].is_stop),
                next_word=nxt.lower_ if nxt is not None else "",
                before=tuple(before), first_word=span[0].lower_ if len(span) else "",
                words=tuple(t.lower_ for t in span if t.is_alpha),
                subject_plural=_subject_plural(info, model, m.focus_start) if m.kind == "pattern" else None,
                article=article, acronym=m.kind == "acronym")
    quoted = info.quote_around(m.focus_start, m.focus_end) is not None
    return Occurrence(m, severity, context, span.start_char, span.end_char, slot, quoted)


def _is_plural(t: Token) -> bool:
    return t.is_alpha and not t.is_stop and t.norm_ != t.lower_ and t.lower_.endswith(("s", "en"))


def _subject_plural(info: _DocInfo, model: ContextModel, start: int) -> bool | None:
    """The number of the nearest pronoun or noun before a verb phrase, if one is close."""
    doc = info.doc
    grammar = model.grammar
    for k in range(start - 1, max(-1, start - 7), -1):
        t = doc[k]
        if t.is_punct and t.text not in ("'", "’"):
            return None
        lower = t.lower_
        if lower in grammar.singular_pronouns:
            return False
        if lower in grammar.plural_pronouns:
            return True
        if t.is_alpha and not t.is_stop and t.norm_ != t.lower_ and lower.endswith(("s", "en")):
            return True
        if t.is_alpha and not t.is_stop and t.norm_ == t.lower_ and t.text[:1].isupper() and k > 0:
            return False  # a name: "Maria worked ..."
    return None


# --------------------------------------------------------------------------- pieces


def _resolve_overlaps(raws: Sequence[RawMatch],
                      severity_of: Callable[[RawMatch], Severity]) -> list[RawMatch]:
    """Keep the longest of overlapping matches (then the more severe, then the first rule)."""
    # Between equal matches, the rule whose own severity is higher is the more specific one
    # ("affair with a child" over "sex with a child").
    ranked = sorted(raws, key=lambda m: (-(m.focus_end - m.focus_start), -SEVERITY_RANK[severity_of(m)],
                                         -SEVERITY_RANK[m.rule.severity], m.focus_start))
    kept: list[RawMatch] = []
    for m in ranked:
        if all(m.focus_end <= k.focus_start or k.focus_end <= m.focus_start for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.focus_start)


def _extra_words(info: _DocInfo, q: tuple[int, int], m: RawMatch) -> int:
    inside = sum(1 for k in range(q[0] + 1, q[1]) if info.is_alpha[k] or info.like_num[k])
    focus = sum(1 for k in range(m.focus_start, m.focus_end) if info.is_alpha[k] or info.like_num[k])
    return inside - focus


def _quotes(info: _DocInfo) -> list[tuple[int, int]]:
    """Pairs of (opening quote token, closing quote token).

    An opening quote with no closing one runs to the end of the document (a sentence), and
    a closing quote with no opening one starts at its beginning: excerpts and quoted
    speech over several sentences are cut mid-quotation.
    """
    pairs: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {"double": [], "single": []}
    n = info.n
    texts = info.texts

    def attached_left(i: int) -> bool:
        return i > 0 and not info.space_after[i - 1] and not info.is_space[i - 1]

    def attached_right(i: int) -> bool:
        return not info.space_after[i] and i + 1 < n and not info.is_space[i + 1]

    for i in (k for k, q in enumerate(info.is_quote) if q):
        text = texts[i]
        if text in _OPEN_DOUBLE:
            if stacks["double"] and attached_left(i) and not attached_right(i):
                _close(stacks["double"], i, pairs)  # “…“: an opening mark typed where a closing one belongs
            else:
                stacks["double"].append(i)
        elif text in _CLOSE_DOUBLE or text == "''":
            _close(stacks["double"], i, pairs)
        elif text in ('"', "``"):
            if stacks["double"] and (attached_left(i) or not attached_right(i)):
                _close(stacks["double"], i, pairs)
            else:
                stacks["double"].append(i)
        elif text in _OPEN_SINGLE:
            stacks["single"].append(i)
        elif text in _CLOSE_SINGLE or text == "'":
            opens = (not attached_left(i) or (i > 0 and texts[i - 1] in "([“\"")) and attached_right(i)
            if opens and text == "'":
                stacks["single"].append(i)
            elif stacks["single"]:
                _close(stacks["single"], i, pairs)
            # else an apostrophe (plural possessive), not a quote
    for stack in stacks.values():
        pairs.extend((unclosed, n) for unclosed in stack)
    return pairs


def _close(stack: list[int], i: int, pairs: list[tuple[int, int]]) -> None:
    pairs.append((stack.pop(), i) if stack else (-1, i))
