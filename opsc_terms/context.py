"""Judgement per occurrence: is this match a plain use, a title, a mention or legal text?

Every raw match gets its own decision from the words around it, using cue lists and
titles from the language data (``rules/<lang>/_language.toml`` and ``_titles.toml``):

- inside an official title or proper name             -> dropped (titles) or info (names)
- a quoted term with a metalinguistic cue, a gloss in parentheses after a recommended
  term, or a list of quoted terms                     -> info ("mention")
- a statutory definition, a term cited with its provision, an amendment that strikes
  the term, or a quoted term in a sentence citing a provision -> info
- inside a longer direct quotation (words someone else wrote or said) -> info
- anything else, including scare quotes around a plain use -> the rule's severity

This module works on spaCy tokens but never imports spaCy itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .engine import token_columns
from .rendering import Slot
from .ruleset import SEVERITY_RANK, RulePack, Severity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from .engine import Matchers, RawMatch

Norms = tuple[int, ...]  # NORM hashes, compared as integers

_OPEN_DOUBLE = {"“", "„", "‟", "«", "〝"}
_CLOSE_DOUBLE = {"”", "»", "〞"}
_OPEN_SINGLE = {"‘", "‛", "‹"}
_CLOSE_SINGLE = {"’", "›"}
_QUOTES = _OPEN_DOUBLE | _CLOSE_DOUBLE | _OPEN_SINGLE | _CLOSE_SINGLE | {'"', "'", "`", "``", "''"}
_CONJUNCTIONS = {"and", "or", ",", "/", "nor", "as", "well"}

# What an occurrence turned out to be; None is a plain use.
MENTION = "mention"
GLOSS = "gloss"
QUOTATION = "quotation"
DEFINITION = "definition"
CITATION = "citation"
AMENDMENT = "amendment"
TITLE = "title"
NAME = "name"

CONTEXT_NOTES = {
    MENTION: "a mention of the term itself, not a use of it",
    GLOSS: "the term glossed after a recommended one",
    QUOTATION: "inside a direct quotation",
    DEFINITION: "a statutory definition or a defined term cited with its provision",
    CITATION: "quoted from, or heading of, a cited legal provision",
    AMENDMENT: "text that an amendment strikes out",
    TITLE: "part of an official title",
    NAME: "part of a proper name or title",
}


@dataclass(frozen=True)
class Occurrence:
    """A judged match, in view (block) character offsets.

    ``slot`` says where the words stand in their sentence (its ``article`` is a view
    span); ``quoted`` that they stand inside quotation marks.
    """

    raw: RawMatch
    severity: Severity
    context: str | None
    start: int
    end: int
    slot: Slot
    quoted: bool


class ContextModel:
    """Cue lists, titles and recommended phrases compiled to token NORM sequences."""

    def __init__(self, pack: RulePack, matchers: Matchers) -> None:
        cues = pack.language.context
        strings = matchers.nlp.vocab.strings

        def seq(phrase: str) -> list[int]:
            return [strings.add(n) for n in matchers.norm_sequence(phrase)]

        self.grammar = pack.language.grammar
        self.as_norm = strings.add("as")
        self.quote_orths = frozenset(strings.add(q) for q in _QUOTES)
        self.mention_before = _compile(seq, cues.mention_before)
        self.mention_after = _compile(seq, cues.mention_after)
        self.mention_quoted_before = _compile(seq, cues.mention_quoted_before)
        self.definition_after_quoted = _compile(seq, cues.definition_after_quoted)
        self.copulas = {strings.add(w) for w in ("be", "remain", "remains", "seem", "seems", "sound", "sounds")}
        self.definition_before = _compile(seq, cues.definition_before)
        self.definition_after = _compile(seq, cues.definition_after)
        self.amendment_before = _compile(seq, cues.amendment_before)
        self.insertion_before = _compile(seq, cues.insertion_before)
        self.mention_nouns = {n for phrase in cues.mention_nouns for n in seq(phrase)}
        self.name_heads = {n for phrase in cues.name_heads for n in seq(phrase)}
        self.name_prefixes = {n for phrase in cues.name_prefixes for n in seq(phrase)}
        self.small_words = {w.lower() for w in cues.small_words}
        self.citation = re.compile("|".join(f"(?:{c})" for c in cues.citations), re.IGNORECASE) \
            if cues.citations else None
        self.citation_only = re.compile("|".join(f"(?:{c})" for c in cues.citations), re.IGNORECASE) \
            if cues.citations else None
        self.citation_start = re.compile(r"\s*[\[(]?\s*(?:\d+\s*[:.]?\s*)?"
                                         r"(?:(?:under|pursuant to|according to|in|see|by virtue of)\s+)?(?:" +
                                         "|".join(f"(?:{c})" for c in cues.citations) + ")",
                                         re.IGNORECASE) if cues.citations else None
        titles: list[Norms] = []
        for title in pack.language.titles:
            titles.extend(t for t in _compile(seq, title.match) if t)
        self.titles = titles
        recommended: list[str] = []
        for rule in pack.rules:
            for rep in rule.replacements:
                recommended.append(rep.text)
                if rep.plural:
                    recommended.append(rep.plural)
        self.recommended = [r for r in _compile(seq, recommended) if r]


def _compile(seq: Callable[[str], list[int]], phrases: Sequence[str]) -> list[Norms]:
    out = {tuple(seq(p)) for p in phrases}
    return sorted((t for t in out if t), key=len, reverse=True)


class _DocInfo:
    """Per-document facts computed once and shared by all occurrences in the document.

    A document is one sentence (or a window of a very long one). The facts come from
    spaCy's attribute arrays, so no Token objects are created for the whole document.
    """

    def __init__(self, doc: Doc, quote_orths: frozenset[int]) -> None:
        self.doc = doc
        columns = token_columns(doc)
        self.norms: list[int] = [c[0] for c in columns]
        self.is_quote = [c[1] in quote_orths for c in columns]
        self.is_space = [bool(c[3]) for c in columns]
        self.space_after = [bool(c[4]) for c in columns]
        self.skippable = [q or sp for q, sp in zip(self.is_quote, self.is_space, strict=True)]
        self.comma = doc.vocab.strings.add(",")
        self.orths = [c[1] for c in columns]
        compact: list[int] = []
        position = [-1] * len(columns)
        for i, c in enumerate(columns):
            if not (c[2] or c[3]):
                position[i] = len(compact)
                compact.append(i)
        self.compact = compact
        self.compact_pos = position
        self.quotes = _quotes(self)

    def quote_around(self, start: int, end: int) -> tuple[int, int] | None:
        """The innermost quotation (open quote token, close quote token) around tokens start:end."""
        best: tuple[int, int] | None = None
        for q_open, q_close in self.quotes:
            if q_open < start and end <= q_close and (best is None or q_open > best[0]):
                best = (q_open, q_close)
        return best

    def ends_with(self, i: int, cues: list[Norms], *, skip: bool = True) -> bool:
        """Do the tokens just before index ``i`` (quotes and spaces skipped) end with a cue?"""
        j = i
        while skip and j > 0 and self.skippable[j - 1]:
            j -= 1
        words = [self.norms[k] for k in range(max(0, j - 8), j) if not self.is_space[k]]
        return any(len(c) <= len(words) and tuple(words[-len(c):]) == c for c in cues)

    def starts_with(self, i: int, cues: list[Norms]) -> bool:
        """Do the tokens from index ``i`` (closing quotes and commas skipped) start with a cue?"""
        j = i
        while j < len(self.norms) and (self.skippable[j] or self.orths[j] == self.comma):
            j += 1
        words = [self.norms[k] for k in range(j, min(len(self.norms), j + 8)) if not self.is_space[k]]
        return any(tuple(words[:len(c)]) == c for c in cues)


def judge(doc: Doc, raws: Sequence[RawMatch], model: ContextModel, matchers: Matchers,
          severity_of: Callable[[RawMatch], Severity]) -> list[Occurrence]:
    """Decide, per occurrence, whether and how to report each raw match in ``doc``."""
    if not raws:
        return []
    info = _DocInfo(doc, model.quote_orths)
    kept = _resolve_overlaps(raws, severity_of)
    text = doc.text

    quoted: dict[int, tuple[int, int] | None] = {}
    for m in kept:
        q = info.quote_around(m.focus_start, m.focus_end)
        if q is not None and _extra_words(doc, q, m) > 2:
            q = None  # a longer quotation, handled below
        quoted[id(m)] = q

    out: list[Occurrence] = []
    previous: tuple[int, str | None] | None = None  # (end token, context) of the last occurrence
    # A document is one sentence (or a window of a very long one): the checker splits
    # sentences in the source before tokenising.
    s_start, s_end = 0, len(doc)
    for m in kept:
        if m.rule.near and not matchers.near_ok(m.rule, doc[s_start:s_end]):
            continue
        if _in_title(info, model, m):
            previous = (m.focus_end, TITLE)
            continue
        q = quoted[id(m)]
        context = _context(info, model, m, q, quoted, kept, text, (s_start, s_end), previous)
        severity = "info" if context is not None else severity_of(m)
        out.append(_occurrence(info, model, m, severity, context, matchers))
        previous = (q[1] + 1 if q else m.focus_end, context)
    return out


def _context(info: _DocInfo, model: ContextModel, m: RawMatch, q: tuple[int, int] | None,
             quoted: dict[int, tuple[int, int] | None], kept: Sequence[RawMatch], text: str,
             sentence: tuple[int, int], previous: tuple[int, str | None] | None) -> str | None:
    doc = info.doc
    s_start, s_end = sentence
    left = q[0] if q else m.focus_start  # index of the first token of the occurrence (or its quote)
    right = q[1] + 1 if q else m.focus_end

    if q is not None and info.ends_with(left, model.insertion_before):
        return None  # text an amendment inserts is new wording: a use like any other
    if info.ends_with(left, model.amendment_before):
        return AMENDMENT
    if info.ends_with(left, model.definition_before) or info.starts_with(right, model.definition_after):
        return DEFINITION
    if info.ends_with(left, model.mention_before) or info.starts_with(right, model.mention_after):
        return MENTION
    if q is not None and (info.ends_with(left, model.mention_quoted_before)
                          or info.starts_with(right, model.definition_after_quoted)):
        return MENTION if info.ends_with(left, model.mention_quoted_before) else DEFINITION
    if _names_itself_a_term(info, model, right):
        return MENTION  # "child prostitution is an outdated term"
    if _followed_by_provision(model, text, doc, right):
        return CITATION  # "child pornography (18 U.S.C. § 2256)", "… under section 163.1"
    if _is_gloss(info, model, left):
        return GLOSS
    if previous is not None and previous[1] in (MENTION, GLOSS, DEFINITION, AMENDMENT) \
            and _only_conjunctions(info, previous[0], left):
        return previous[1]
    sentence_text = text[doc[s_start].idx:doc[s_end - 1].idx + len(doc[s_end - 1])] if s_end > s_start else ""
    if _opens_with_provision(model, sentence_text):
        return CITATION  # "Article 3 (1) (c) of the Optional Protocol ...", "18 U.S.C. § 2252A - ..."
    if q is not None:
        if left > 0 and info.norms[left - 1] == model.as_norm:
            return MENTION  # "covered ... as “child pornography”"
        if any(info.norms[k] in model.mention_nouns for k in range(s_start, left)):
            return MENTION  # "terms such as “child prostitute” or ..."
        if model.citation is not None and model.citation.search(sentence_text):
            return CITATION  # the instrument's own wording, quoted with its provision
        if _coordinated_with_quoted(info, m, q, quoted, kept):
            return MENTION
        return None  # scare quotes around a plain use still count as a use
    outer = info.quote_around(m.focus_start, m.focus_end)
    if outer is not None:
        return QUOTATION
    if _is_name(info, model, m, sentence):
        return NAME
    return None


# "of the Optional Protocol": another, named instrument. "of this Act" is a text citing
# itself, which is new wording and stays a plain use.
_OF_INSTRUMENT_RE = re.compile(r"^[\s,()0-9a-z.]{0,40}?\bof\s+(?:the\s+)?[A-Z]")


def _opens_with_provision(model: ContextModel, sentence: str) -> bool:
    """Does the sentence open with a provision of a named instrument, or a code section?

    Such a sentence analyses or heads existing law, whose wording the writer cannot
    change. New legislation ("Article 5: Child prostitution is prohibited") does not name
    another instrument and stays a plain use.
    """
    if model.citation_start is None:
        return False
    m = model.citation_start.match(sentence)
    if m is None:
        return False
    cited = m.group()
    if any(mark in cited for mark in ("§", "U.S.C", "USC", "C.F.R", "CFR")):
        return True
    return bool(_OF_INSTRUMENT_RE.match(sentence[m.end():]))


def _occurrence(info: _DocInfo, model: ContextModel, m: RawMatch, severity: Severity, context: str | None,
                matchers: Matchers) -> Occurrence:
    doc = info.doc
    grammar = model.grammar
    span = doc[m.focus_start:m.focus_end]
    # The head noun is not always last ("women on the younger side"): any plural word counts.
    plural = any(_is_plural(t) for t in span)
    nxt = doc[m.focus_end] if m.focus_end < len(doc) else None
    possessive: bool | str = nxt is not None and nxt.lower_ in ("'s", "’s", "'", "’") and nxt.idx == span.end_char
    if possessive and nxt is not None and nxt.lower_ in ("'", "’"):
        # A bare apostrophe after a plural is a possessive ("prostitutes' families"); after
        # anything else it closes a quotation (‘sextortion’).
        possessive = "plural" if span.text.lower().endswith("s") and info.quote_around(
            m.focus_start, m.focus_end + 1) is None else False
    # A singular term before a noun describes it ("child porn videos"); a plural one is
    # the head itself ("child sex tourists use ...").
    next_is_noun = (nxt is not None and not possessive and not plural and nxt.is_alpha and not nxt.is_stop
                    and matchers.is_noun(nxt.text))
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
    if m.focus_start > 0:
        prev = doc[m.focus_start - 1]
        if prev.lower_ in ("a", "an"):
            article = (prev.idx, prev.idx + len(prev))
    slot = Slot(plural=plural, possessive=possessive, next_is_noun=next_is_noun,
                # "X and trafficking network": a bare word after "and" may share what follows;
                # "X and the law" is a phrase of its own.
                coordinated=(nxt is not None and nxt.lower_ in grammar.conjunctions and m.focus_end + 1 < len(doc)
                             and doc[m.focus_end + 1].is_alpha and not doc[m.focus_end + 1].is_stop),
                next_word=nxt.lower_ if nxt is not None else "",
                before=tuple(before), first_word=span[0].lower_ if len(span) else "",
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
    ranked = sorted(raws, key=lambda m: (-(m.focus_end - m.focus_start), -SEVERITY_RANK[severity_of(m)],
                                         m.focus_start))
    kept: list[RawMatch] = []
    for m in ranked:
        if all(m.focus_end <= k.focus_start or k.focus_end <= m.focus_start for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.focus_start)


def _in_title(info: _DocInfo, model: ContextModel, m: RawMatch) -> bool:
    positions = [info.compact_pos[i] for i in range(m.focus_start, m.focus_end) if info.compact_pos[i] >= 0]
    if not positions:
        return False
    first, last = positions[0], positions[-1]
    compact = info.compact
    for core in model.titles:
        n = len(core)
        for k in range(max(0, last - n + 1), first + 1):
            if k + n > len(compact):
                break
            if all(info.norms[compact[k + j]] == core[j] for j in range(n)):
                return True
    return False


def _extra_words(doc: Doc, q: tuple[int, int], m: RawMatch) -> int:
    inside = [t for t in doc[q[0] + 1:q[1]] if t.is_alpha or t.like_num]
    focus = [t for t in doc[m.focus_start:m.focus_end] if t.is_alpha or t.like_num]
    return len(inside) - len(focus)


def _names_itself_a_term(info: _DocInfo, model: ContextModel, right: int) -> bool:
    """A copula right after the term and a word for "term" soon after it."""
    j = right
    while j < len(info.norms) and info.skippable[j]:
        j += 1
    if j >= len(info.norms) or info.norms[j] not in model.copulas:
        return False
    return any(info.norms[k] in model.mention_nouns for k in range(j + 1, min(len(info.norms), j + 5)))


_PROVISION_LEAD_RE = re.compile(r"\s*[,(\[]?\s*(?:(?:under|in|within|of|pursuant to|see)\s+)?", re.IGNORECASE)


def _followed_by_provision(model: ContextModel, text: str, doc: Doc, right: int) -> bool:
    """The term is followed at once by the provision that defines it."""
    if model.citation_only is None or right > len(doc):
        return False
    at = doc[right].idx if right < len(doc) else len(text)
    lead = _PROVISION_LEAD_RE.match(text, at)
    return bool(lead and model.citation_only.match(text, lead.end()))


def _is_gloss(info: _DocInfo, model: ContextModel, left: int) -> bool:
    j = left
    while j > 0 and info.skippable[j - 1]:
        j -= 1
    if j == 0 or info.doc[j - 1].text not in ("(", "["):
        return False
    return info.ends_with(j - 1, model.recommended, skip=False)


def _only_conjunctions(info: _DocInfo, start: int, end: int) -> bool:
    between = [t for t in info.doc[start:end] if not (t.is_space or t.text in _QUOTES)]
    return len(between) <= 3 and all(t.lower_ in _CONJUNCTIONS or t.is_punct for t in between)


def _coordinated_with_quoted(info: _DocInfo, m: RawMatch, q: tuple[int, int],
                             quoted: dict[int, tuple[int, int] | None], kept: Sequence[RawMatch]) -> bool:
    """“child porn,” and “child pornography,”: a list of quoted terms is about the terms."""
    for other in kept:
        oq = quoted.get(id(other))
        if other is m or oq is None:
            continue
        a, b = (q, oq) if q[0] < oq[0] else (oq, q)
        if _only_conjunctions(info, a[1] + 1, b[0]):
            return True
    return False


def _is_name(info: _DocInfo, model: ContextModel, m: RawMatch, sentence: tuple[int, int]) -> bool:
    """A Title Case run that reaches beyond the term is a proper name, not a use."""
    doc = info.doc
    s_start, s_end = sentence
    if m.kind == "acronym":
        return False  # capitals are what an acronym is made of; they say nothing about names
    words = [t for t in doc[m.focus_start:m.focus_end] if t.is_alpha]
    if not words or not all(_capitalised(t) for t in words if t.lower_ not in model.small_words):
        return False
    if all(t.is_upper for t in words):
        return False  # ALL CAPS is a shouted headline, not a name

    def in_run(t: Token) -> bool:
        return _capitalised(t) or t.lower_ in model.small_words or t.like_num

    left = m.focus_start
    while left - 1 >= s_start and in_run(doc[left - 1]):
        left -= 1
    right = m.focus_end
    while right < s_end and in_run(doc[right]):
        right += 1
    while left < m.focus_start and doc[left].lower_ in model.small_words:
        left += 1
    while right > m.focus_end and doc[right - 1].lower_ in model.small_words:
        right -= 1
    outside = [*doc[left:m.focus_start], *doc[m.focus_end:right]]
    extra = [t for t in outside if t.is_alpha and _capitalised(t)]
    after = doc[right] if right < s_end else None

    if m.focus_start > 0 and doc[m.focus_start - 1].norm in model.name_prefixes \
            and _capitalised(doc[m.focus_start - 1]):
        return True  # "Anti-Child Pornography Act"
    if any(t.norm in model.name_heads for t in outside) or (
            after is not None and after.norm in model.name_heads and _capitalised(after)):
        return True  # "Child Pornography Prevention Act", "the Child Pornography Unit"
    if not extra:
        return False
    if after is not None and after.text == ":" and right + 1 < s_end and _capitalised(doc[right + 1]):
        return True  # "Paedophile Hunters: The Rise of the Vigilantes"
    return not _headline(doc, sentence, model)


def _capitalised(t: Token) -> bool:
    return bool(t.text) and t.text[0].isupper()


def _headline(doc: Doc, sentence: tuple[int, int], model: ContextModel) -> bool:
    words = [t for t in doc[sentence[0]:sentence[1]] if t.is_alpha and t.lower_ not in model.small_words]
    if len(words) < 3:
        return True
    capitalised = sum(1 for t in words if _capitalised(t))
    return capitalised / len(words) >= 0.8


def _quotes(info: _DocInfo) -> list[tuple[int, int]]:
    """Pairs of (opening quote token, closing quote token).

    An opening quote with no closing one runs to the end of the document (a sentence), and
    a closing quote with no opening one starts at its beginning: excerpts and quoted
    speech over several sentences are cut mid-quotation.
    """
    pairs: list[tuple[int, int]] = []
    stacks: dict[str, list[int]] = {"double": [], "single": []}
    n = len(info.norms)
    doc = info.doc

    def attached_left(i: int) -> bool:
        return i > 0 and not info.space_after[i - 1] and not info.is_space[i - 1]

    def attached_right(i: int) -> bool:
        return not info.space_after[i] and i + 1 < n and not info.is_space[i + 1]

    for i in (k for k, q in enumerate(info.is_quote) if q):
        text = doc[i].text
        if text in _OPEN_DOUBLE:
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
            opens = (not attached_left(i) or (i > 0 and doc[i - 1].text in "([“\"")) and attached_right(i)
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
