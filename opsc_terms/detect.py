"""Which language a text is written in, from the frequent function words of each language.

Each rule pack lists about a hundred and fifty stop words (``[detection]`` in its
``_language.toml``). A text's language is the one whose stop words are most of its words;
a paragraph too short to tell takes the language of its document. This needs no model,
costs one pass of a regular expression, and tells English, French and Spanish apart on a
sentence or two.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from .lines import Span

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
# Fewer stop words than this and a paragraph is too short to tell.
_MIN_EVIDENCE = 3
# A paragraph keeps the document's language unless another wins clearly.
_MARGIN = 1.5
_BLANK_LINE_RE = re.compile(r"\n[ \t\r\f\v]*\n")


@cache
def _detection_tables() -> Mapping[str, dict[str, object]]:
    """The ``[detection]`` table of each shipped language.

    Read from each pack's ``_language.toml`` alone: detecting the language of a clean file
    must not cost loading the rules of every language.
    """
    import tomllib
    from importlib import resources

    from . import cache as caching
    from .ruleset import available_languages

    root = resources.files("opsc_terms.rules")
    sources: dict[str, bytes] = {}
    for language in available_languages():
        try:
            sources[language] = (root / language / "_language.toml").read_bytes()
        except OSError:
            continue  # a broken pack is reported when its rules are loaded
    # Parsing three language files is most of what detecting a clean file's language
    # costs; the tables come from the cache while the files are unchanged.
    digest = caching.key("detection", *(part for language, data in sorted(sources.items())
                                        for part in (language, data)))
    cached = caching.load("detection", digest)
    if isinstance(cached, dict):
        return cached
    out: dict[str, dict[str, object]] = {}
    for language, data in sources.items():
        try:
            parsed = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        table = parsed.get("detection", {})
        if isinstance(table, dict):
            out[language] = table
    caching.store("detection", digest, out)
    return out


@cache
def profiles() -> Mapping[str, frozenset[str]]:
    """Stop words per shipped language."""
    out: dict[str, frozenset[str]] = {}
    for language, table in _detection_tables().items():
        words = table.get("stop_words", [])
        if isinstance(words, list) and words:
            out[language] = frozenset(str(w).lower() for w in words)
    return out


def scores(text: str, start: int = 0, end: int | None = None,
           stop_words: Mapping[str, frozenset[str]] | None = None) -> Counter[str]:
    """How many words of ``text[start:end]`` are stop words of each language."""
    if stop_words is None:
        # The shipped profiles: a paragraph's counts are kept, so an editor that checks a
        # long document again after an edit counts only the paragraph that changed.
        return Counter(dict(_shipped_scores(text[start:len(text) if end is None else end])))
    return _scores(text[start:len(text) if end is None else end], stop_words)


@lru_cache(maxsize=65_536)
def _shipped_scores(piece: str) -> tuple[tuple[str, int], ...]:
    return tuple(_scores(piece, profiles()).items())


def _stem(word: str) -> str:
    """A word without a plural "s", so "juveniles" and "juvenile" count as one word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _scores(piece: str, stop_words: Mapping[str, frozenset[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    # Only the stop words are picked out, by one expression that runs in C: counting
    # every word of a document in Python cost as much as checking it.
    pattern = _stop_word_pattern(frozenset().union(*stop_words.values()) if stop_words is not profiles()
                                 else _all_stop_words())
    words = Counter(pattern.findall(piece.lower().replace("’", "'"))) if pattern is not None else Counter()
    for language, vocabulary in stop_words.items():
        counts[language] = sum(n for word, n in words.items() if word in vocabulary)
    return counts


@cache
def _all_stop_words() -> frozenset[str]:
    return frozenset().union(*profiles().values())


@lru_cache(maxsize=8)
def _stop_word_pattern(words: frozenset[str]) -> re.Pattern[str] | None:
    """Any of ``words`` as a whole word of :data:`_WORD_RE` (not inside a longer word,
    nor either half of one joined by an apostrophe), in lower-case text."""
    from .prefilter import trie_pattern

    if not words:
        return None
    # The text is searched with "’" written as "'", as the stop words are.
    return re.compile(rf"(?<![^\W\d_])(?<![^\W\d_]')(?:{trie_pattern(words)})(?![^\W\d_])(?!'[^\W\d_])")


def detect(text: str, default: str = "en", stop_words: Mapping[str, frozenset[str]] | None = None) -> str:
    """The language of ``text`` (``default`` when nothing in it tells)."""
    counts = scores(text, stop_words=stop_words)
    return _decide(counts, text, default, shipped=stop_words is None)


def _decide(counts: Counter[str], text: str, default: str, *, shipped: bool) -> str:
    """The language the counts show; a headline with few function words is settled by
    the letters only one language uses and by the words of its rules."""
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= _MIN_EVIDENCE and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    if not shipped:
        return ranked[0][0] if ranked and ranked[0][1] and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) \
            else default
    return _settle(counts, _letters_in(text), _rule_words_in(text), default)


def _settle(counts: Mapping[str, int], letters: frozenset[str], words: Mapping[str, int], default: str) -> str:
    """Few function words: the letters only one language uses and the words of its rules
    settle it (``letters`` found in the text, ``words`` counted per language)."""
    weak = Counter(counts)
    for language, own in letters_of().items():
        weak[language] += 2 * sum(1 for letter in own if letter in letters)
    for language, n in words.items():
        weak[language] += 3 * n
    ranked = weak.most_common(2)
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return default


def _letters_in(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(letter for own in letters_of().values() for letter in own if letter in lowered)


def _rule_words_in(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    stems = Counter(_stem(m.group()) for m in _WORD_RE.finditer(text.lower()))
    for language, words in term_words().items():
        found[language] = sum(n for stem, n in stems.items() if stem in words)
    return found


@dataclass(frozen=True)
class Evidence:
    """What tells a document's language (with the shipped profiles), in a form that adds
    up over the parts of a document: the language of a document checked a section at a
    time is decided exactly as if it were read whole."""

    counts: Mapping[str, int] = field(default_factory=dict)  # stop words in the prose's paragraphs
    letters: frozenset[str] = frozenset()  # letters only one language uses, found in the text
    words: Mapping[str, int] = field(default_factory=dict)  # words of one language's rules, per language
    paragraphs: int = 0

    def __add__(self, other: Evidence) -> Evidence:
        return Evidence(Counter(self.counts) + Counter(other.counts), self.letters | other.letters,
                        Counter(self.words) + Counter(other.words), self.paragraphs + other.paragraphs)


def evidence(text: str, regions: Sequence[Span] | None = None) -> Evidence:
    """The evidence of ``text``, whose prose is ``regions`` (see :func:`paragraphs`)."""
    total: Counter[str] = Counter()
    pieces = _paragraph_counts(text, regions, None)
    for _, _, counted in pieces:
        total.update(counted)
    for language in profiles():
        total.setdefault(language, 0)
    return Evidence(total, _letters_in(text), _rule_words_in(text), len(pieces))


def document_language(found: Evidence, default: str = "en") -> str:
    """The language of a document with this evidence, as :func:`paragraphs` decides it."""
    if not found.paragraphs:
        return default
    counts = Counter(found.counts)
    ranked = counts.most_common(2)
    if ranked and ranked[0][1] >= _MIN_EVIDENCE and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return _settle(counts, found.letters, found.words, default)


@cache
def letters_of() -> Mapping[str, str]:
    """Letters and marks that only one shipped language uses (``[detection] letters``)."""
    out: dict[str, str] = {}
    for language, data in _detection_tables().items():
        letters = data.get("letters", "")
        if isinstance(letters, str):
            out[language] = letters
    return out


@cache
def term_words() -> Mapping[str, frozenset[str]]:
    """The words of each language's rules that belong to that language alone ("pédopornographie")."""
    from importlib import resources

    from . import cache as caching
    from .ruleset import RuleLoadError, load_builtin

    # Loading every language's rules costs more than the rest of detection: the words
    # come from the cache while the rule files are unchanged.
    parts: list[str | bytes] = []
    root = resources.files("opsc_terms.rules")
    try:
        for language in sorted(_detection_tables()):
            for item in sorted((root / language).iterdir(), key=lambda i: i.name):
                if item.name.endswith(".toml"):
                    parts += [language, item.name, item.read_bytes()]
    except OSError:
        parts = []
    digest = caching.key("term-words", *parts) if parts else None
    cached = caching.load("term-words", digest) if digest is not None else None
    if isinstance(cached, dict):
        return cached
    words: dict[str, set[str]] = {}
    for language in _detection_tables():
        try:
            pack = load_builtin(language)
        except RuleLoadError:
            continue  # reported when the language's rules are used
        words[language] = {_stem(w.lower()) for rule in pack.rules for term in rule.terms
                            for w in _WORD_RE.findall(term)}
    # Words of several languages' rules, and function words ("en", "de"), tell nothing.
    function_words = {_stem(w) for ws in profiles().values() for w in ws}
    shared = function_words | {w for language, ws in words.items() for w in ws
                               if any(w in other for o, other in words.items() if o != language)}
    out = {language: frozenset(ws - shared) for language, ws in words.items()}
    if digest is not None:
        caching.store("term-words", digest, out)
    return out


def _paragraph_counts(text: str, regions: Sequence[Span] | None,
                      stop_words: Mapping[str, frozenset[str]] | None) -> list[tuple[int, Span, Counter[str]]]:
    """(region, paragraph, stop-word counts) of each paragraph of ``regions``."""
    regions = [(0, len(text))] if regions is None else list(regions)
    pieces: list[tuple[int, Span, Counter[str]]] = []
    for index, (start, end) in enumerate(regions):
        cursor = start
        for m in [*_BLANK_LINE_RE.finditer(text, start, end), None]:
            stop = m.start() if m is not None else end
            if stop > cursor:
                pieces.append((index, (cursor, stop), scores(text, cursor, stop, stop_words)))
            if m is not None:
                cursor = m.end()
    return pieces


def paragraphs(text: str, regions: Sequence[Span] | None = None, default: str = "en",
               stop_words: Mapping[str, frozenset[str]] | None = None,
               document: str | None = None) -> tuple[str, list[tuple[Span, str]]]:
    """The document's language, and each paragraph of its ``regions`` with its own language.

    A paragraph is in another language only when that language's stop words clearly
    outnumber the document language's ("a French report quoting an English statute").
    When every paragraph is in the document's language, the regions come back as they
    were; otherwise each region is cut where its language changes. ``document`` gives
    the document's language when ``text`` is a part of it (see :func:`document_language`).
    """
    regions = [(0, len(text))] if regions is None else list(regions)
    pieces = _paragraph_counts(text, regions, stop_words)
    if document is None:
        total: Counter[str] = Counter()
        for _, _, counted in pieces:
            total.update(counted)
        document = _decide(total, text, default, shipped=stop_words is None) if total else default
    languages = []
    for _, (p_start, p_end), counted in pieces:
        language = document
        # Another language needs _MIN_EVIDENCE stop words of its own: without them the
        # paragraph keeps the document's language, and nothing else need be weighed.
        if counted and max(counted.values(), default=0) >= _MIN_EVIDENCE:
            top = _decide(counted, text[p_start:p_end], document, shipped=stop_words is None)
            if top != document and counted[top] >= _MIN_EVIDENCE and counted[top] >= _MARGIN * counted[document]:
                language = top
        languages.append(language)
    if all(language == document for language in languages):
        return document, [(region, document) for region in regions]  # the regions as they were
    # Paragraphs of one region in one language stay together (a blank line inside a region
    # does not end a block of the checker unless the text before it ends a sentence).
    out: list[tuple[int, Span, str]] = []
    for (index, span, _), language in zip(pieces, languages, strict=True):
        if out and out[-1][0] == index and out[-1][2] == language:
            out[-1] = (index, (out[-1][1][0], span[1]), language)
        else:
            out.append((index, span, language))
    return document, [(span, language) for _, span, language in out]
