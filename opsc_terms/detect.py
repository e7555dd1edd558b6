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
def profiles() -> Mapping[str, frozenset[str]]:
    """Stop words per shipped language.

    Read from each pack's ``_language.toml`` alone: detecting the language of a clean file
    must not cost loading the rules of every language.
    """
    import tomllib
    from importlib import resources

    from .ruleset import available_languages

    out: dict[str, frozenset[str]] = {}
    root = resources.files("opsc_terms.rules")
    for language in available_languages():
        try:
            data = tomllib.loads((root / language / "_language.toml").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a broken pack is reported when its rules are loaded
        words = data.get("detection", {}).get("stop_words", [])
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


def _scores(piece: str, stop_words: Mapping[str, frozenset[str]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    words = Counter(m.group().lower().replace("’", "'") for m in _WORD_RE.finditer(piece))
    for language, vocabulary in stop_words.items():
        counts[language] = sum(n for word, n in words.items() if word in vocabulary)
    return counts


def detect(text: str, default: str = "en", stop_words: Mapping[str, frozenset[str]] | None = None) -> str:
    """The language of ``text`` (``default`` when it has too few function words to tell)."""
    counts = scores(text, stop_words=stop_words)
    if not counts:
        return default
    language, best = counts.most_common(1)[0]
    return language if best >= _MIN_EVIDENCE else default


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
    document = default
    if total:
        language, best = total.most_common(1)[0]
        document = language if best >= _MIN_EVIDENCE else default
    languages = []
    for _, _, counted in pieces:
        language = document
        if counted:
            top, best = counted.most_common(1)[0]
            if top != document and best >= _MIN_EVIDENCE and best >= _MARGIN * counted[document]:
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
