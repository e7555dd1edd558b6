"""The keyword prefilter: which parts of a text could hold a finding at all.

Every term and every token pattern needs some word. The prefilter picks one such word per
term and per pattern (its *anchor*) and scans the text for the anchors' surface forms with
one regular expression; text without any of them never reaches spaCy.

The surface forms come from the same data the engine matches with: a word's forms are
every word whose normal form (:class:`Normaliser`: lower case, the pack's ``[variants]``,
the lemma lookup table of spacy-lookups-data) is the anchor's normal form. So a term added
to the rule data is always found in every form the engine would match, in any language
with a lookup table; nothing here knows English.

Nothing here imports spaCy.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .ruleset import Grammar, PatternToken, Rule, RulePack, parse_pattern
from .text import HYPHENS, INVISIBLE, WORD_AFTER_RE, WORD_BEFORE_RE

# --------------------------------------------------------------------------- normal forms

def lookup_data(language: str, table: str) -> Mapping[str, Any]:
    """A table of spacy-lookups-data as a plain dict (empty when there is none).

    Reading the package's gzipped JSON directly is several times faster than spaCy's
    Lookups, which hashes every key into its own table; spaCy's loader is the fallback.
    """
    import gzip
    import json

    try:
        import spacy_lookups_data

        path = Path(str(getattr(spacy_lookups_data, language)[table]))
        if not path.exists():
            path = path.with_name(path.name + ".gz")
        raw = path.read_bytes()
        data: dict[str, Any] = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
        return data
    except (ImportError, AttributeError, KeyError, OSError, ValueError):
        from spacy.lookups import load_lookups

        lookups = load_lookups(language, [table], strict=False)
        return lookups.get_table(table) if table in lookups else {}


@cache
def lookup_table(language: str) -> Mapping[str, str]:
    """The lookup lemmatizer's table from spacy-lookups-data (keyed by string).

    Some languages' tables list several lemmas for a word; the first is the usual one.
    """
    table = lookup_data(language, "lemma_lookup")
    if any(isinstance(v, list) for v in itertools.islice(table.values(), 100)):
        return {k: v[0] for k, v in table.items() if isinstance(v, list) and v} | {
            k: v for k, v in table.items() if isinstance(v, str)}
    return table


@cache
def noun_rules(language: str) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
    """The rule lemmatizer's suffix rules for nouns (("ies", "y"), ...) and the words they
    may lead to: the known nouns of spacy-lookups-data and every word of the language's
    shipped rules (so the rules' own words always have their plurals); empty for a
    language without suffix rules."""
    rules = lookup_data(language, "lemma_rules").get("noun") or ()
    if not rules:
        return (), frozenset()
    nouns = set(lookup_data(language, "lemma_index").get("noun") or ())
    from .ruleset import RuleLoadError, load_builtin

    try:
        rules_of_language = load_builtin(language).rules
    except RuleLoadError:
        rules_of_language = ()
    for rule in rules_of_language:
        for phrase in (*rule.terms, *rule.exceptions):
            nouns.update(w.lower() for w in _words(phrase))
        nouns.update(w.lower() for pattern in rule.patterns for token in parse_pattern(pattern)
                     if token.kind in ("words", "exact") for w in token.values)
    return tuple((str(old), str(new)) for old, new in rules), frozenset(nouns)


class Normaliser:
    """The NORM of a word: lower case, singular, one spelling. Cached per word type.

    Only plurals are reduced (a word with one of the language's plural endings, or one of
    its irregular plurals, from the pack's [grammar]): reducing every word to its lemma
    would make "child abused" read as "child abuse". A plural is made singular by the
    lemma lookup table; a plural the table does not know by the language's noun suffix
    rules, where they give a known noun ("pornographies"), or else by dropping its ending.
    The engine gives this to spaCy as the vocabulary's NORM getter, and the prefilter
    inverts it (:meth:`forms`), so the two always agree.
    """

    def __init__(self, lookup: Mapping[str, str], variants: Mapping[str, str], grammar: Grammar | None = None,
                 language: str | None = None) -> None:
        grammar = grammar or Grammar()
        self._lookup = lookup
        self._variants = variants
        self._suffixes = tuple(grammar.plural_suffixes)
        self._irregular = frozenset(grammar.irregular_plurals)
        self._singular_endings = tuple(grammar.singular_endings)
        self._language = language
        self._inverse: dict[str, set[str]] | None = None
        # Bounded: spaCy keeps each word's normal form in its vocabulary anyway; this only
        # spares the rule data and the prefilter from computing one twice.
        self.__call__ = lru_cache(maxsize=1 << 16)(self._norm)  # type: ignore[method-assign]

    def __call__(self, text: str) -> str:  # replaced per instance by the cached version
        return self._norm(text)

    def _norm(self, text: str) -> str:
        word = text.lower().replace("’", "'")
        word = self._variants.get(word, word)
        if (self._suffixes and word.endswith(self._suffixes)) or word in self._irregular:
            lemma = self._lookup.get(word)
            if lemma is None and len(word) > 3:
                lemma = self._by_suffix(word)
            if lemma is not None:
                word = lemma
            elif len(word) > 3 and not word.endswith(self._singular_endings):
                for suffix in self._suffixes:
                    if word.endswith(suffix):
                        word = word[:-len(suffix)]  # an unknown plural: "paedophiles", "sextortions"
                        break
        return self._variants.get(word, word)

    def _by_suffix(self, word: str) -> str | None:
        if self._language is None:
            return None
        rules, nouns = noun_rules(self._language)
        for old, new in rules:
            if word.endswith(old):
                candidate = word[:len(word) - len(old)] + new
                if candidate in nouns:
                    return candidate
        return None

    def forms(self, norm: str) -> set[str]:
        """Every lower-case word whose NORM is ``norm``: the words of the lookup table and
        the variants that lead to it, and the plurals the suffix rules and the dropped "s"
        give."""
        if self._inverse is None:
            inverse: dict[str, set[str]] = {}
            for word, lemma in self._lookup.items():
                inverse.setdefault(lemma, set()).add(word)
            for variant, canonical in self._variants.items():
                inverse.setdefault(canonical, set()).add(variant)
            self._inverse = inverse
        inverse = self._inverse
        rules = noun_rules(self._language)[0] if self._language is not None else ()
        candidates = {norm}
        for _ in range(3):  # variant -> table word -> variant: three steps reach every form
            candidates |= {w for c in candidates for w in inverse.get(c, ())}
        # Plurals the table does not know, and their variants.
        candidates |= {c + suffix for c in candidates for suffix in self._suffixes} | {
            c[:len(c) - len(new)] + old for c in candidates for old, new in rules if c.endswith(new)}
        candidates |= {w for c in candidates for w in inverse.get(c, ())}
        return {c for c in candidates if self(c) == norm}


# --------------------------------------------------------------------------- anchors and keywords


@cache
def stop_words(language: str) -> frozenset[str]:
    """spaCy's stop words for ``language`` ("with", "of", "became"): the worst anchors.

    Read from spaCy's ``lang/<language>/stop_words.py`` as data (its string constants),
    because importing the module would import all of spaCy, which a scan of clean text
    must never do. Empty when the file cannot be found or read.
    """
    import ast

    try:
        spec = importlib.util.find_spec("spacy")
        locations = spec.submodule_search_locations if spec is not None else None
        if not locations:
            return frozenset()
        path = Path(next(iter(locations))) / "lang" / language / "stop_words.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, ImportError):
        return frozenset()
    return frozenset(word.lower() for node in ast.walk(tree)
                     if isinstance(node, ast.Constant) and isinstance(node.value, str)
                     for word in node.value.split())


@dataclass(frozen=True)
class Keywords:
    """The prefilter's keywords: the forms of the terms' anchors, and of the patterns'
    anchors with the rules whose patterns need them."""

    terms: frozenset[str]
    patterns: Mapping[str, frozenset[str]]

    @property
    def all(self) -> frozenset[str]:
        return self.terms | frozenset(self.patterns)


_WORD_SPLIT_RE = re.compile(rf"[\s{re.escape(HYPHENS)}]+")


def _words(term: str) -> list[str]:
    return [w for w in _WORD_SPLIT_RE.split(term) if w]


def keywords(rules: Sequence[Rule], pack: RulePack, norm: Normaliser, stop: frozenset[str] = frozenset()) -> Keywords:
    """The keywords of ``rules`` (the rules being checked, from ``pack``).

    Any required word makes a correct anchor; a rare one makes a fast scan. Rarity is
    judged from data, in this order: never a stop word of the language (``stop``) if
    another word will do; not a word of the recommended wording or of an official title
    (texts that follow the guidelines use those all the time: "material", "online"); then
    the word the pack's terms, patterns and prose use least ("child", "sexual" are in
    most of them). Ties go to the longer word, then to the later one (the head of an
    English or French noun phrase alike). A pattern's anchor is chosen the same way
    among its required words, preferring one that is a keyword already.
    """
    counts = _usage(pack, norm)

    def rank(word: str, position: int) -> tuple[bool, bool, int, int, int]:
        n = norm(word)
        return word.lower() in stop, n in counts.recommended, counts.use[n], -len(word), -position

    term_forms: set[str] = set()
    pattern_forms: dict[str, set[str]] = {}
    for rule in rules:
        for term in rule.terms:
            words = _words(term)
            if len(words) == 1 and words[0].isupper():  # an acronym: matched as written
                term_forms.add(words[0].lower())
                continue
            anchor = min(((w, i) for i, w in enumerate(words)), key=lambda wi: rank(*wi))[0]
            term_forms |= norm.forms(norm(anchor))

    def token_rank(token: PatternToken, position: int) -> tuple[bool, bool, bool, int, int, int]:
        values = token.values
        return (any(w.lower() in stop for w in values), not all(w.lower() in term_forms for w in values),
                any(norm(w) in counts.recommended for w in values), max(counts.use[norm(w)] for w in values),
                -min(len(w) for w in values), -position)

    for rule in rules:
        for pattern in rule.patterns:
            required = [t for t in parse_pattern(pattern) if t.kind in ("words", "exact") and not t.optional
                        and not t.repeat]
            if not required:
                raise ValueError(f"rule {rule.id}: pattern {pattern!r} has no required word to anchor on")
            token = min(((t, i) for i, t in enumerate(required)), key=lambda ti: token_rank(*ti))[0]
            for form in _token_forms(token, norm):
                pattern_forms.setdefault(form, set()).add(rule.id)
    return Keywords(frozenset(term_forms), {k: frozenset(v) for k, v in pattern_forms.items()})


@dataclass(frozen=True)
class _Usage:
    use: Counter[str]  # normal form -> how often the pack's terms, patterns and prose use it
    recommended: frozenset[str]  # normal forms of the words of recommended wordings and titles


_WORD_RE = re.compile(r"\w+")


def _usage(pack: RulePack, norm: Normaliser) -> _Usage:
    use: Counter[str] = Counter()
    recommended: set[str] = set()
    for rule in pack.rules:
        for term in rule.terms:
            use.update({norm(w) for w in _words(term)})
        for pattern in rule.patterns:
            use.update({norm(w) for token in parse_pattern(pattern) if token.kind in ("words", "exact")
                        for w in token.values})
        for text in (rule.message, rule.rationale, *rule.examples.good, *rule.examples.bad):
            use.update(norm(w) for w in _WORD_RE.findall(text))
        for replacement in rule.replacements:
            recommended.update(norm(w) for w in _WORD_RE.findall(replacement.text))
    for title in pack.language.titles:
        recommended.update(norm(w) for w in _WORD_RE.findall(title.name))
    return _Usage(use, frozenset(recommended))


def _token_forms(token: PatternToken, norm: Normaliser) -> set[str]:
    if token.kind == "exact":  # matched on the lower-case word as written
        return {w.lower() for w in token.values}
    return {form for w in token.values for form in norm.forms(norm(w))}


# --------------------------------------------------------------------------- the scan


class Prefilter:
    """A cheap keyword scan: text with no candidate word never reaches spaCy.

    ``forms`` are the surface forms of one required word per term or pattern, so text
    without any of them cannot hold a match. Words split by a line-end hyphen or by an
    invisible soft hyphen are checked after joining them. The forms are compiled into one
    trie-shaped regular expression, which scans at close to the speed of a plain search.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = frozenset(f.lower() for f in forms if f)
        pattern = trie_pattern(self.forms)
        # Word edges that also treat "_" as an edge: "_child prostitutes_" is emphasis in
        # Markdown and in plain-text mail alike.
        edged = rf"(?<![^\W_])(?:{pattern})(?![^\W_])"
        self._words = re.compile(edged) if self.forms else None
        self._words_any_case = re.compile(edged, re.IGNORECASE) if self.forms else None
        # A break inside a word: a hyphen at a line end or before a space (text copied
        # from a PDF: "porno- graphie"), or invisible characters.
        self._split = re.compile(rf"[{re.escape(HYPHENS)}\u00ad](?:[ \t]*\r?\n[ \t]*|[ \t]+)|[{INVISIBLE}]+")

    def hits(self, source: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
        """(offset, lower-case keyword) of every candidate word in ``source[start:end]``."""
        end = len(source) if end is None else end
        if self._words is None or self._words_any_case is None:
            return []
        # Matching lower-cased text is much faster than a case-insensitive pattern, and
        # offsets stay the same unless lower-casing changed a character's length (rare).
        # A long text is lowered a piece at a time (cut at white space), so a scan never
        # holds a second copy of a whole large file.
        found: list[tuple[int, str]] = []
        piece_start = start
        while piece_start < end:
            piece_end = min(end, piece_start + _PIECE)
            if piece_end < end:
                space = source.rfind(" ", piece_start + _PIECE // 2, piece_end)
                piece_end = space if space != -1 else piece_end
                while piece_end < end and not source[piece_end].isspace():  # never inside a word
                    piece_end += 1
            lowered = source[piece_start:piece_end].lower()
            if len(lowered) == piece_end - piece_start:
                found.extend((piece_start + m.start(), m.group()) for m in self._words.finditer(lowered))
            else:
                found.extend((m.start(), m.group().lower())
                             for m in self._words_any_case.finditer(source, piece_start, piece_end))
            piece_start = piece_end
        for m in self._split.finditer(source, start, end):
            left = WORD_BEFORE_RE.search(source, max(start, m.start() - 40), m.start())
            right = WORD_AFTER_RE.match(source, m.end(), end)
            if left is None or right is None:
                continue
            joined = (left.group() + right.group()).lower()
            if joined in self.forms:
                found.append((left.start(), joined))
        return found

    def search(self, source: str, start: int = 0, end: int | None = None) -> bool:
        return bool(self.hits(source, start, end))


_PIECE = 1 << 20  # characters lowered at a time


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression for a set of words, factored as a trie ("porn(?:o|ography)")."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def walk(node: dict) -> str:  # type: ignore[type-arg]
        ending = "" in node
        branches = [re.escape(char) + walk(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ending:
            return f"(?:{body})?" if len(branches) > 1 or len(branches[0]) > 1 else f"{body}?"
        return body

    return walk(trie)
