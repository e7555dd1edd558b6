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

    from .ruleset import available_languages

    out: dict[str, dict[str, object]] = {}
    root = resources.files("opsc_terms.rules")
    for language in available_languages():
        try:
            data = tomllib.loads((root / language / "_language.toml").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a broken pack is reported when its rules are loaded
        table = data.get("detection", {})
        if isinstance(table, dict):
            out[language] = table
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
    words = Counter(m.group().lower().replace("’", "'") for m in _WORD_RE.finditer(piece))
    for language, vocabulary in stop_words.items():
        counts[language] = sum(n for word, n in words.items() if word in vocabulary)
    return counts


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
    weak = Counter(counts)
    lowered = text.lower()
    for language, letters in letters_of().items():
        weak[language] += 2 * sum(1 for letter in letters if letter in lowered)
    for language, words in term_words().items():
        weak[language] += 3 * sum(1 for m in _WORD_RE.finditer(lowered) if _stem(m.group()) in words)
    ranked = weak.most_common(2)
    if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return default


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
    from .ruleset import load_builtin

    words: dict[str, set[str]] = {}
    for language in _detection_tables():
        pack = load_builtin(language)
        words[language] = {_stem(w.lower()) for rule in pack.rules for term in rule.terms
                            for w in _WORD_RE.findall(term)}
    # Words of several languages' rules, and function words ("en", "de"), tell nothing.
    function_words = {_stem(w) for ws in profiles().values() for w in ws}
    shared = function_words | {w for language, ws in words.items() for w in ws
                               if any(w in other for o, other in words.items() if o != language)}
    return {language: frozenset(ws - shared) for language, ws in words.items()}


def paragraphs(text: str, regions: Sequence[Span] | None = None, default: str = "en",
               stop_words: Mapping[str, frozenset[str]] | None = None) -> tuple[str, list[tuple[Span, str]]]:
    """The document's language, and each paragraph of its ``regions`` with its own language.

    A paragraph is in another language only when that language's stop words clearly
    outnumber the document language's ("a French report quoting an English statute").
    When every paragraph is in the document's language, the regions come back as they
    were; otherwise each region is cut where its language changes.
    """
    regions = [(0, len(text))] if regions is None else list(regions)
    total: Counter[str] = Counter()
    pieces: list[tuple[int, Span, Counter[str]]] = []  # (region, paragraph, counts)
    for index, (start, end) in enumerate(regions):
        cursor = start
        for m in [*_BLANK_LINE_RE.finditer(text, start, end), None]:
            stop = m.start() if m is not None else end
            if stop > cursor:
                counted = scores(text, cursor, stop, stop_words)
                total.update(counted)
                pieces.append((index, (cursor, stop), counted))
            if m is not None:
                cursor = m.end()
    document = _decide(total, text, default, shipped=stop_words is None) if total else default
    languages = []
    for _, (p_start, p_end), counted in pieces:
        language = document
        if counted:
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
