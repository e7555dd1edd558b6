"""Source text handling that needs no spaCy: blocks, the normalised view and the prefilter.

The engine never searches the source text directly. It searches a *view* of one block in
which line breaks and runs of spaces are one space, hyphens inside words are spaces,
words split by a line-end hyphen are joined again and masked spans (URLs, e-mail
addresses, hashtags, code) are blanked. The view keeps a map back to the source, so
every offset the engine reports is an offset into the text the user gave us.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from .lines import Span

# Characters that are removed from the view: soft hyphen and zero-width marks (PDF and
# HTML exports are full of them, and they split words invisibly).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_HYPHENS = "-\u2010\u2011"

# Character references that stand for quotation marks or spaces in HTML and XML sources:
# the view shows the character, so a mention in “…” is seen as quoted there too.
_ENTITIES = {
    "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’", "laquo": "«", "raquo": "»", "quot": '"', "apos": "'",
    "#8220": "“", "#8221": "”", "#8216": "‘", "#8217": "’", "#34": '"', "#39": "'", "#x201c": "“", "#x201d": "”",
    "#x2018": "‘", "#x2019": "’", "#x22": '"', "#x27": "'", "nbsp": " ", "#160": " ", "#xa0": " ", "amp": "&",
}
_SPECIAL_RE = re.compile(
    r"(?P<ent>&(?:" + "|".join(sorted(_ENTITIES, key=len, reverse=True)) + r");)"
    # A hyphen at a line end, or (text copied from a PDF) before a space: "porno- graphie".
    # The word is joined only when the joined word is one the rules know.
    rf"|(?P<lhyph>(?<=\w)[{_HYPHENS}\u00ad](?:[ \t]*\r?\n[ \t]*|[ \t]+)(?=\w))"
    rf"|(?P<inv>[{_INVISIBLE}]+)"
    rf"|(?P<hyph>(?<=\w)[{_HYPHENS}](?=\w))"  # hyphen inside a compound: a word boundary
    r"|(?P<ws>\s{2,}|[^\S ])"  # any run that is not a single plain space
    # A comma or colon glued to an opening quote (",'Stop'"): the tokeniser would keep
    # them in one token with the word before, and the quotation would go unseen.
    r"|(?P<gap>(?<=\w)[,;:](?=['\"‘“]\w))"
)
_WORD_BEFORE_RE = re.compile(r"\w+$")
_WORD_AFTER_RE = re.compile(r"\w+")

# URLs, e-mail addresses and hashtags never produce findings; they are blanked in the view.
MASK_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'“”‘’()\[\]{}]+(?:\([^\s()]*\)[^\s<>\"'“”()\[\]{}]*)*"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
    r"|(?<![\w&#])#\w+"
    r"|\b(?:[\w-]+\.)+(?:com|org|net|int|gov|edu|info|io|uk|eu|be|lu|fr|de|nl|au|ca|ph)(?:/[^\s<>\"'“”]*)?"
    r"(?=[\s,;:)\]'\"”’]|\.(?:\s|$)|$)"
)


@dataclass
class View:
    """A normalised copy of one block of source text, with the map back to the source."""

    text: str
    base: int  # source offset of the block
    # View offsets of the spaces that stand for a line break in the source: the judgement
    # reads list items, headings and glossary lines from them.
    breaks: list[int] = field(default_factory=list)
    # (view offset, source text) of each masked span: emphasis markup around a name is
    # evidence that it is the title of a work.
    marks: list[tuple[int, str]] = field(default_factory=list)
    _v_starts: list[int] = field(default_factory=list, repr=False)
    _s_starts: list[int] = field(default_factory=list, repr=False)
    _s_lens: list[int] = field(default_factory=list, repr=False)
    _identity: list[bool] = field(default_factory=list, repr=False)

    def source_start(self, pos: int) -> int:
        i = bisect_right(self._v_starts, pos) - 1
        if i < 0:
            return self.base
        if self._identity[i]:
            return self._s_starts[i] + (pos - self._v_starts[i])
        return self._s_starts[i]

    def source_end(self, pos: int) -> int:
        i = bisect_left(self._v_starts, pos) - 1
        if i < 0:
            return self.base
        if self._identity[i]:
            return self._s_starts[i] + (pos - self._v_starts[i])
        return self._s_starts[i] + self._s_lens[i]

    def to_source(self, start: int, end: int) -> Span:
        return self.source_start(start), self.source_end(end)


def build_view(source: str, start: int, end: int, *, masks: Sequence[Span] = (),
               join: Callable[[str], bool] | None = None) -> View:
    """The normalised view of ``source[start:end]`` with ``masks`` blanked.

    ``join`` decides whether a word split by a hyphen at a line end ("pros-\\ntitution")
    is one word; by default the hyphen is kept as a word boundary.
    """
    view = View("", start)
    pieces: list[str] = []
    vpos = 0

    def add(text: str, s_start: int, s_len: int, identity: bool) -> None:
        nonlocal vpos
        # Never two spaces in a row: a masked span or a line break next to a space would
        # otherwise split a phrase into separate tokens.
        if pieces and pieces[-1].endswith(" "):
            if not identity and text == " ":
                return
            if identity and text.startswith(" "):
                stripped = len(text) - len(text.lstrip(" "))
                text, s_start, s_len = text[stripped:], s_start + stripped, s_len - stripped
        if not text and identity:
            return
        view._v_starts.append(vpos)
        view._s_starts.append(s_start)
        view._s_lens.append(s_len)
        view._identity.append(identity)
        pieces.append(text)
        vpos += len(text)

    def mark(kind: str, s_start: int, s_end: int) -> None:
        if kind == "mask":
            view.marks.append((vpos, source[s_start:s_end]))
        elif "\n" in source[s_start:s_end]:
            view.breaks.append(vpos)

    cursor = start
    for m_start, m_end in _clip(masks, start, end):
        _normalise_into(source, cursor, m_start, add, join, mark)
        mark("mask", m_start, m_end)
        add(_masked(source[m_start:m_end]), m_start, m_end - m_start, False)
        cursor = m_end
    _normalise_into(source, cursor, end, add, join, mark)
    view.text = "".join(pieces)
    return view


_QUOTE_ENTITIES = {name: char for name, char in _ENTITIES.items() if char in "“”‘’«»\"'"}


def _masked(hidden: str) -> str:
    """What a masked span shows in the view: a space, or the quotation mark a character
    reference stands for (``&ldquo;child porn&rdquo;`` is quoted, whatever the markup)."""
    core = hidden.strip()
    if core.startswith("&") and core.endswith(";"):
        char = _QUOTE_ENTITIES.get(core[1:-1].lower())
        if char is not None:
            return (" " if hidden[:1].isspace() else "") + char + (" " if hidden[-1:].isspace() else "")
    return " "


def _normalise_into(source: str, start: int, end: int, add: Callable[[str, int, int, bool], None],
                    join: Callable[[str], bool] | None, mark: Callable[[str, int, int], None]) -> None:
    cursor = start
    for m in _SPECIAL_RE.finditer(source, start, end):
        if m.start() > cursor:
            add(source[cursor:m.start()], cursor, m.start() - cursor, True)
        kind = m.lastgroup
        length = m.end() - m.start()
        if kind == "lhyph":
            left = _WORD_BEFORE_RE.search(source, max(start, m.start() - 40), m.start())
            right = _WORD_AFTER_RE.match(source, m.end(), end)
            joined = (left.group() if left else "") + (right.group() if right else "")
            if join is not None and join(joined):
                pass  # the line-end hyphen and the break vanish: one word again
            else:
                add(" ", m.start(), length, False)
        elif kind == "inv":
            pass  # removed from the view
        elif kind == "ent":
            add(_ENTITIES[m.group()[1:-1].lower()], m.start(), length, False)
        elif kind == "gap":
            add(m.group() + " ", m.start(), length, False)
        else:  # "hyph" or "ws"
            if kind == "ws":
                mark("ws", m.start(), m.end())
            add(" ", m.start(), length, False)
        cursor = m.end()
    if end > cursor:
        add(source[cursor:end], cursor, end - cursor, True)


def _clip(spans: Sequence[Span], start: int, end: int) -> Iterator[Span]:
    last = start
    for s, e in sorted(spans):
        s, e = max(s, last), min(e, end)
        if s < e:
            yield s, e
            last = e


_MASK_HINT_RE = re.compile(r"://|www\.|@|#|\.(?:com|org|net|int|gov|edu|info|io|uk|eu|be|lu|fr|de|nl|au|ca|ph)\b",
                           re.IGNORECASE)


def find_masks(source: str, start: int = 0, end: int | None = None) -> list[Span]:
    """URLs, e-mail addresses and hashtags in ``source[start:end]``."""
    end = len(source) if end is None else end
    # The full expression tries at every word; most text has none of its triggers.
    if not _MASK_HINT_RE.search(source, start, end):
        return []
    return [m.span() for m in MASK_RE.finditer(source, start, end)]


# --------------------------------------------------------------------------- blocks

_BLANK_LINE_RE = re.compile(r"\n[ \t\f\v\r\u00a0]*\n\s*")
_ENDS_SENTENCE_RE = re.compile(r"[.!?:;)\]”\"’'*_>|]\s*$")
MAX_BLOCK = 20_000


def split_blocks(source: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Split ``source[start:end]`` into blocks that are checked independently.

    A blank line ends a block only where the text before it ends a sentence (or a
    heading-like short line): text extracted from PDFs puts blank lines in the middle of
    sentences, even inside treaty titles, and a title cut in two is no longer a title.
    Very long blocks are cut at a line break so no single spaCy document grows unbounded.
    """
    end = len(source) if end is None else end
    blocks: list[Span] = []
    block_start = start
    for m in _BLANK_LINE_RE.finditer(source, start, end):
        before = source[max(block_start, m.start() - 200):m.start()]
        last_line = before.rsplit("\n", 1)[-1]
        if _ENDS_SENTENCE_RE.search(before) or _looks_like_heading(last_line, source, m.start()):
            _append_block(blocks, source, block_start, m.start())
            block_start = m.end()
    _append_block(blocks, source, block_start, end)
    return blocks


def _looks_like_heading(line: str, source: str, pos: int) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return False
    line_start = pos - len(line)
    # A short line that follows a blank line (or starts the text) and is not cut mid-phrase.
    preceded_by_blank = line_start == 0 or source[max(0, line_start - 2):line_start].strip() == ""
    return preceded_by_blank and not stripped.endswith((",", " and", " of", " the", " on", " to", "-"))


def _append_block(blocks: list[Span], source: str, start: int, end: int) -> None:
    while end - start > MAX_BLOCK:
        cut = source.rfind("\n", start + MAX_BLOCK // 2, start + MAX_BLOCK)
        if cut == -1:
            cut = source.rfind(" ", start + MAX_BLOCK // 2, start + MAX_BLOCK)
        if cut == -1:
            cut = start + MAX_BLOCK
        blocks.append((start, cut))
        start = cut
    if source[start:end].strip():
        blocks.append((start, end))


# --------------------------------------------------------------------------- prefilter


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
        # A break inside a word: a hyphen at a line end, or invisible characters.
        self._split = re.compile(rf"[{_HYPHENS}\u00ad](?:[ \t]*\r?\n[ \t]*|[ \t]+)|[{_INVISIBLE}]+")

    def hits(self, source: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
        """(offset, lower-case keyword) of every candidate word in ``source[start:end]``."""
        end = len(source) if end is None else end
        if self._words is None or self._words_any_case is None:
            return []
        # Matching lower-cased text is much faster than a case-insensitive pattern, and
        # offsets stay the same unless lower-casing changed a character's length (rare).
        lowered = source[start:end].lower()
        if len(lowered) == end - start:
            found = [(start + m.start(), m.group()) for m in self._words.finditer(lowered)]
        else:
            found = [(m.start(), m.group().lower()) for m in self._words_any_case.finditer(source, start, end)]
        for m in self._split.finditer(source, start, end):
            left = _WORD_BEFORE_RE.search(source, max(start, m.start() - 40), m.start())
            right = _WORD_AFTER_RE.match(source, m.end(), end)
            if left is None or right is None:
                continue
            joined = (left.group() + right.group()).lower()
            if joined in self.forms:
                found.append((left.start(), joined))
        return found

    def search(self, source: str, start: int = 0, end: int | None = None) -> bool:
        return bool(self.hits(source, start, end))


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


# --------------------------------------------------------------------------- quotations

_OPENING = "“„«‹〝"
_CLOSING = "”»›〞"
_QUOTE_CHARS_RE = re.compile("[\"'‘’" + _OPENING + _CLOSING + "]")


def quotation_spans(source: str, start: int, end: int) -> list[Span]:
    """Spans of ``source[start:end]`` that stand inside quotation marks, marks included.

    Read at the level of a block, so a quotation of several sentences counts whole. A
    quotation still open at the block's end runs to it, and a closing mark with no
    opening one starts at the block's beginning: a paragraph of a longer quotation. A
    straight or single mark opens only before a word and closes only after one; a lone
    "’" or "'" after a word is an apostrophe.
    """
    spans: list[Span] = []
    open_double: list[int] = []
    open_single: list[int] = []  # "‘": closed by "’"
    open_straight: list[int] = []  # "'": closed by "'" (or by "’" in mixed typography)

    def word(i: int) -> bool:
        return start <= i < end and (source[i].isalnum())

    for m in _QUOTE_CHARS_RE.finditer(source, start, end):
        i = m.start()
        c = source[i]
        before, after = word(i - 1), word(i + 1)
        if c in _OPENING:
            open_double.append(i)
        elif c in _CLOSING:
            spans.append((open_double.pop() if open_double else start, i + 1))
        elif c == '"':
            if open_double and (before or not after):
                spans.append((open_double.pop(), i + 1))
            else:
                open_double.append(i)
        elif c == "‘":
            open_single.append(i)
        elif c == "'" and not before and after:
            open_straight.append(i)
        elif before and after:
            continue  # an apostrophe inside a word: "children's", "don’t"
        elif c == "’" and open_single:
            spans.append((open_single.pop(), i + 1))
        elif open_straight:
            spans.append((open_straight.pop(), i + 1))
    spans.extend((i, end) for i in open_double + open_single + open_straight)
    return spans


# --------------------------------------------------------------------------- sentences

# A sentence ends at . ! ? before a capital or a digit (Latin capitals with accents too,
# after opening quotes, brackets and the Spanish opening marks).
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[\"'“‘«¿¡(\[\s]*[A-Z0-9À-ÖØ-ÞŒŸ])")
_ABBREVIATION_BEFORE_RE = re.compile(r"([\w.]+)$")
# A paragraph or section number on its own, with any heading or list markup before it.
_LABEL_RE = re.compile(r"\s*[#>*\-•]*\s*(?:§+\s*|(?:section|sec|article|art|rule|chapter|part|clause|schedule)"
                       r"\.?\s+)?\(?[0-9IVXLC]+[A-Za-z]?(?:[.\-][0-9]+)*\)?\s*", re.IGNORECASE)
MAX_SENTENCE = 2000


def sentence_spans(source: str, start: int, end: int, abbreviations: frozenset[str] = frozenset()) -> list[Span]:
    """Sentences of ``source[start:end]``, split after . ! ? before a capital or a digit.

    Abbreviations ("No. 9775", "art. 2") and initials do not end a sentence. Blank lines do
    not either: PDF text breaks sentences, and titles, across blank lines.
    """
    spans: list[Span] = []
    sentence_start = start
    for m in _SENTENCE_END_RE.finditer(source, start, end):
        before = _ABBREVIATION_BEFORE_RE.search(source, max(start, m.start() - 12), m.start())
        word = before.group(1).lower().rstrip(".") if before else ""
        if word in abbreviations or (len(word) == 1 and word.isalpha()):
            continue
        if _LABEL_RE.fullmatch(source, sentence_start, m.start()):
            continue  # "12." or "§ 2258C." labels the sentence that follows; it is not one
        cut = m.end()
        spans.append((sentence_start, cut))
        sentence_start = cut
    if sentence_start < end:
        spans.append((sentence_start, end))
    return spans


def window(source: str, span: Span, pos: int, size: int = MAX_SENTENCE // 2) -> Span:
    """The part of a very long sentence around ``pos``, cut at whitespace."""
    start, end = span
    if end - start <= MAX_SENTENCE:
        return span
    lo, hi = max(start, pos - size), min(end, pos + size)
    if lo > start:
        space = source.find(" ", lo, pos)
        lo = space + 1 if space != -1 else lo
    if hi < end:
        space = source.rfind(" ", pos, hi)
        hi = space if space > pos else hi
    return lo, hi


_Trie = dict[str, "_Trie"]


def word_forms(word: str) -> set[str]:
    """Inflected surface forms of a (singular, lower-case) English word: enough for the prefilter."""
    forms = {word, word + "s"}
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    return forms
