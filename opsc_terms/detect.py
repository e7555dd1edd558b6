"""Which language a text is written in, from the frequent function words of each language.

Each rule pack lists about a hundred and fifty stop words (``[detection]`` in its
``_language.toml``). A text's language is the one whose stop words are most of its words;
a paragraph too short to tell takes the language of its document. This needs no model,
costs a split at white space and a dictionary look-up per word, and tells English, French and Spanish apart on a
sentence or two.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain

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
    languages, forms = _forms(_key(stop_words))
    counted = _count(text, start, len(text) if end is None else end, forms, len(languages))
    return Counter(dict(zip(languages, counted, strict=True)))


# Marks that may stick to a word in running text; they are read as spaces, so that words
# can be counted as the text splits at white space. (Apostrophes stay: "qu'il" is a word.)
_MARKS_RE = re.compile(r"[()\[\]{}«»“”‘\"¿¡,.;:!?…]")


def _key(stop_words: Mapping[str, frozenset[str]] | None) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple(sorted((profiles() if stop_words is None else stop_words).items()))


@lru_cache(maxsize=8)
def _forms(stop_words: tuple[tuple[str, frozenset[str]], ...]) -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """The languages, and each stop word with the indexes of the languages whose stop word
    it is. Stop words of several words ("il y a") are left out: the text is read a word at
    a time."""
    languages = tuple(language for language, _ in stop_words)
    forms = {word: tuple(i for i, (_, words) in enumerate(stop_words) if word in words)
             for word in frozenset().union(*(words for _, words in stop_words)) if " " not in word}
    return languages, forms


def _count(text: str, start: int, end: int, forms: Mapping[str, tuple[int, ...]], languages: int) -> list[int]:
    """Stop words of ``text[start:end]`` per language. Splitting at white space and looking each word
    up runs in C except for the stop words themselves: matching words with a regular
    expression at every position of a long document cost more than checking it."""
    counts = [0] * languages
    while start < end:
        # A long paragraph (a file that is one line) is read a window at a time, cut at
        # white space, so its copies and its list of words stay small.
        stop = end if end - start <= _WINDOW else _cut(text, start + _WINDOW, end)
        window = text if start == 0 and stop == len(text) else text[start:stop]
        for word in filter(forms.__contains__, _MARKS_RE.sub(" ", window.lower().replace("’", "'")).split()):
            for index in forms[word]:
                counts[index] += 1
        start = stop
    return counts


_WINDOW = 1 << 20


def _cut(text: str, pos: int, end: int) -> int:
    """Just after the first white space at or after ``pos`` (or ``end``): a word is never split."""
    m = _SPACE_RE.search(text, pos, end)
    return m.start() + 1 if m is not None else end


_SPACE_RE = re.compile(r"\s")


def _stem(word: str) -> str:
    """A word without a plural "s", so "juveniles" and "juvenile" count as one word."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def detect(text: str, default: str = "en", stop_words: Mapping[str, frozenset[str]] | None = None) -> str:
    """The language of ``text`` (``default`` when nothing in it tells)."""
    counts = scores(text, stop_words=stop_words)
    return _decide(counts, text, default, shipped=stop_words is None)


def _decide(counts: Counter[str], text: str, default: str, *, shipped: bool) -> str:
    """The language the counts show; a headline with few function words is settled by
    the letters only one language uses and by the words of its rules."""
    top = _leader(counts, _MIN_EVIDENCE)
    if top is not None:
        return top
    if not shipped:
        return _leader(counts, 1) or default
    return _settle(counts, _letters_in(text), _rule_words_in(text), default)


def _leader(counts: Mapping[str, int], least: int) -> str | None:
    """The language with the most, if it has at least ``least`` and no other has as many."""
    ranked = Counter(counts).most_common(2)
    if ranked and ranked[0][1] >= least and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        return ranked[0][0]
    return None


def _settle(counts: Mapping[str, int], letters: frozenset[str], words: Mapping[str, int], default: str) -> str:
    """Few function words: the letters only one language uses and the words of its rules
    settle it (``letters`` found in the text, ``words`` counted per language)."""
    weak = Counter(counts)
    for language, own in letters_of().items():
        weak[language] += 2 * sum(1 for letter in own if letter in letters)
    for language, n in words.items():
        weak[language] += 3 * n
    return _leader(weak, 1) or default


def _letters_in(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(letter for own in letters_of().values() for letter in own if letter in lowered)


def _rule_words_in(text: str) -> Counter[str]:
    found: Counter[str] = Counter()
    stems: Counter[str] = Counter()
    for word, n in Counter(_WORD_RE.findall(text.lower())).items():  # each distinct word once
        stems[_stem(word)] += n
    for language, words in term_words().items():
        found[language] = sum(n for stem, n in stems.items() if stem in words)
    return found


@dataclass(frozen=True)
class Evidence:
    """What tells a document's language (with the shipped profiles), in a form that adds
    up over the parts of a document: the language of a document checked a section at a
    time is decided exactly as if it were read whole. Counts are per language, in the
    order of ``languages``."""

    languages: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()  # stop words in the prose's paragraphs
    letters: frozenset[str] = frozenset()  # letters only one language uses, found in the text
    words: tuple[int, ...] = ()  # words of one language's rules
    paragraphs: int = 0


def combined(parts: Iterable[Evidence]) -> Evidence:
    """The evidence of a document from that of its parts. Summed column by column: an
    editor adds up every section of a long document after each edit."""
    parts = list(parts)
    counted = [p for p in parts if p.languages]
    if not counted:
        return Evidence(paragraphs=sum(p.paragraphs for p in parts))
    return Evidence(counted[0].languages, tuple(map(sum, zip(*(p.counts for p in counted), strict=True))),
                    frozenset().union(*(p.letters for p in parts)),
                    tuple(map(sum, zip(*(p.words for p in counted), strict=True))),
                    sum(p.paragraphs for p in parts))


def evidence(text: str, regions: Sequence[Span] | None = None) -> Evidence:
    """The evidence of ``text``, whose prose is ``regions`` (see :func:`paragraphs`)."""
    pieces = _Paragraphs(text, [(0, len(text))] if regions is None else regions, None)
    words = _rule_words_in(text)
    return Evidence(pieces.languages, pieces.totals(),
                    _letters_in(text), tuple(words[language] for language in pieces.languages), len(pieces))


def document_language(found: Evidence, default: str = "en") -> str:
    """The language of a document with this evidence, as :func:`paragraphs` decides it."""
    if not found.paragraphs:
        return default
    counts = dict(zip(found.languages, found.counts, strict=True))
    return _leader(counts, _MIN_EVIDENCE) or _settle(counts, found.letters,
                                                     dict(zip(found.languages, found.words, strict=True)), default)


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


class _Paragraphs:
    """The paragraphs of some regions of a text and their stop-word counts, kept as arrays
    of numbers: a long document has hundreds of thousands of paragraphs."""

    def __init__(self, text: str, regions: Sequence[Span], stop_words: Mapping[str, frozenset[str]] | None) -> None:
        self.languages, forms = _forms(_key(stop_words))
        width = len(self.languages)
        self.bounds = array("q")  # region index, start and end of each paragraph
        self.counts = array("q")  # then ``width`` counts per paragraph
        for index, (start, end) in enumerate(regions):
            cursor = start
            for m in chain(_BLANK_LINE_RE.finditer(text, start, end), (None,)):
                stop = m.start() if m is not None else end
                if stop > cursor:
                    self.bounds.extend((index, cursor, stop))
                    self.counts.extend(_count(text, cursor, stop, forms, width))
                if m is not None:
                    cursor = m.end()

    def __len__(self) -> int:
        return len(self.bounds) // 3

    def totals(self) -> tuple[int, ...]:
        """Stop words per language over every paragraph."""
        width = len(self.languages)
        return tuple(sum(self.counts[i::width]) for i in range(width))


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
    pieces = _Paragraphs(text, regions, stop_words)
    shipped = stop_words is None
    if document is None:
        document = (_decide(Counter(dict(zip(pieces.languages, pieces.totals(), strict=True))), text, default,
                            shipped=shipped) if len(pieces) else default)
    names, width = pieces.languages, len(pieces.languages)
    own = names.index(document) if document in names else None
    languages: dict[int, str] = {}  # the paragraphs in another language than the document's
    for i in range(len(pieces)):
        counted = pieces.counts[i * width:(i + 1) * width]
        # Another language needs _MIN_EVIDENCE stop words of its own and _MARGIN times the
        # document language's: without such a language nothing need be weighed.
        least = max(_MIN_EVIDENCE, _MARGIN * (counted[own] if own is not None else 0))
        if not any(n >= least for j, n in enumerate(counted) if j != own):
            continue
        span = (pieces.bounds[3 * i + 1], pieces.bounds[3 * i + 2])
        found = Counter({name: n for name, n in zip(names, counted, strict=True) if n})
        top = _decide(found, text[span[0]:span[1]], document, shipped=shipped)
        if top != document and found[top] >= _MIN_EVIDENCE and found[top] >= _MARGIN * found[document]:
            languages[i] = top
    if not languages:
        return document, [(region, document) for region in regions]  # the regions as they were
    # Paragraphs of one region in one language stay together (a blank line inside a region
    # does not end a block of the checker unless the text before it ends a sentence).
    out: list[tuple[int, Span, str]] = []
    for i in range(len(pieces)):
        index, span = pieces.bounds[3 * i], (pieces.bounds[3 * i + 1], pieces.bounds[3 * i + 2])
        language = languages.get(i, document)
        if out and out[-1][0] == index and out[-1][2] == language:
            out[-1] = (index, (out[-1][1][0], span[1]), language)
        else:
            out.append((index, span, language))
    return document, [(span, language) for _, span, language in out]
