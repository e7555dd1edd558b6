"""Source text handling that needs no spaCy: blocks, sentences, quotations and the normalised view.

The engine never searches the source text directly. It searches a *view* of one block in
which line breaks and runs of spaces are one space, hyphens inside words are spaces,
words split by a line-end hyphen are joined again and masked spans (URLs, e-mail
addresses, hashtags, code) are blanked. The view keeps a map back to the source, so
every offset the engine reports is an offset into the text the user gave us.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from .lines import Span

# Characters that are removed from the view: soft hyphen and zero-width marks (PDF and
# HTML exports are full of them, and they split words invisibly).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
HYPHENS = "-\u2010\u2011"

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
    rf"|(?P<lhyph>(?<=\w)[{HYPHENS}\u00ad](?:[ \t]*\r?\n[ \t]*|[ \t]+)(?=\w))"
    rf"|(?P<inv>[{INVISIBLE}]+)"
    rf"|(?P<hyph>(?<=\w)[{HYPHENS}](?=\w))"  # hyphen inside a compound: a word boundary
    r"|(?P<ws>\s{2,}|[^\S ])"  # any run that is not a single plain space
    # A comma or colon glued to an opening quote (",'Stop'"): the tokeniser would keep
    # them in one token with the word before, and the quotation would go unseen.
    r"|(?P<gap>(?<=\w)[,;:](?=['\"‘“]\w))"
)
WORD_BEFORE_RE = re.compile(r"\w+$")
WORD_AFTER_RE = re.compile(r"\w+")

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
    # Those of them that stand for a blank line (a new paragraph): a name does not run across one.
    paragraphs: list[int] = field(default_factory=list)
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

    def to_view(self, pos: int) -> int:
        """The view offset of source offset ``pos``; an offset inside a piece the view
        replaced (a line break, an entity) goes to the end of that piece."""
        i = bisect_right(self._s_starts, pos) - 1
        if i < 0:
            return 0
        v_end = self._v_starts[i + 1] if i + 1 < len(self._v_starts) else len(self.text)
        if self._identity[i]:
            return min(self._v_starts[i] + pos - self._s_starts[i], v_end)
        return self._v_starts[i] if pos == self._s_starts[i] else v_end


def build_view(source: str, start: int, end: int, *, masks: Sequence[Span] = (),
               join: Callable[[str], bool] | None = None, emphasis: Sequence[Span] = ()) -> View:
    """The normalised view of ``source[start:end]`` with ``masks`` blanked.

    ``join`` decides whether a word split by a hyphen at a line end ("pros-\\ntitution")
    is one word; by default the hyphen is kept as a word boundary. ``emphasis`` are spans
    the document sets in italics without any markup in its text (a Word document's
    italic runs): they become marks like those of ``<i>`` and ``</i>``, so the judgement
    reads them as it reads italics written as markup.
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
            if source.count("\n", s_start, s_end) > 1:
                view.paragraphs.append(vpos)

    cursor = start
    for m_start, m_end in _clip(masks, start, end):
        _normalise_into(source, cursor, m_start, add, join, mark)
        mark("mask", m_start, m_end)
        add(_masked(source[m_start:m_end]), m_start, m_end - m_start, False)
        cursor = m_end
    _normalise_into(source, cursor, end, add, join, mark)
    view.text = "".join(pieces)
    if emphasis:
        for e_start, e_end in _clip(sorted(emphasis), start, end):
            view.marks += [(view.to_view(e_start), "<i>"), (view.to_view(e_end), "</i>")]
        view.marks.sort()
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
            left = WORD_BEFORE_RE.search(source, max(start, m.start() - 40), m.start())
            right = WORD_AFTER_RE.match(source, m.end(), end)
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
# Characters that end a sentence (or a line of markup): a blank line after one ends a block.
BLOCK_END_CHARS = ".!?:;)]”\"’'*_>|"
_ENDS_SENTENCE_RE = re.compile("[" + re.escape(BLOCK_END_CHARS) + r"]\s*$")
MAX_BLOCK = 20_000


@dataclass(frozen=True)
class BlockRules:
    """What the language tells about where a blank line ends a block.

    ``open_words`` cannot end a heading: a short line that ends with one ("… of the") was
    cut mid-phrase. A paragraph whose first line matches ``entry`` at its start and names
    an instrument (``instrument`` found in that line) belongs to the heading above it: an
    entry that opens with the provision the heading names ("Child pornography" /
    "OFFENCE  Section 163.1 of the Criminal Code"), which the judgement must see whole.
    """

    open_words: frozenset[str] = frozenset()
    entry: re.Pattern[str] | None = None
    instrument: re.Pattern[str] | None = None

    def opens_entry(self, source: str, pos: int, end: int) -> bool:
        if self.entry is None or self.instrument is None or self.entry.match(source, pos, end) is None:
            return False
        line_end = source.find("\n", pos, end)
        return self.instrument.search(source, pos, end if line_end == -1 else line_end) is not None


def split_blocks(source: str, start: int = 0, end: int | None = None, rules: BlockRules = BlockRules()) -> list[Span]:
    """Split ``source[start:end]`` into blocks that are checked independently.

    A blank line ends a block only where the text before it ends a sentence (or a
    heading-like short line): text extracted from PDFs puts blank lines in the middle of
    sentences, even inside treaty titles, and a title cut in two is no longer a title.
    Very long blocks are cut at a line break so no single spaCy document grows unbounded.
    """
    return list(iter_blocks(source, start, end, rules))


def iter_blocks(source: str, start: int = 0, end: int | None = None,
                rules: BlockRules = BlockRules()) -> Iterator[Span]:
    """The blocks of :func:`split_blocks`, one at a time."""
    end = len(source) if end is None else end
    block_start = start
    for m in _BLANK_LINE_RE.finditer(source, start, end):
        before = source[max(block_start, m.start() - 200):m.start()]
        last_line = before.rsplit("\n", 1)[-1]
        if _ENDS_SENTENCE_RE.search(before) or (
                _looks_like_heading(last_line, source, m.start(), rules.open_words)
                and not rules.opens_entry(source, m.end(), end)):
            yield from _cut_block(source, block_start, m.start())
            block_start = m.end()
    yield from _cut_block(source, block_start, end)


_LAST_WORD_RE = re.compile(r"[\w']+$")


def _looks_like_heading(line: str, source: str, pos: int, open_words: frozenset[str]) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return False
    line_start = pos - len(line)
    # A short line that follows a blank line (or starts the text) and is not cut mid-phrase.
    preceded_by_blank = line_start == 0 or source[max(0, line_start - 2):line_start].strip() == ""
    last = _LAST_WORD_RE.search(stripped)
    cut_mid_phrase = stripped.endswith((",", "-")) or (last is not None and last.group().lower() in open_words)
    return preceded_by_blank and not cut_mid_phrase


def _cut_block(source: str, start: int, end: int) -> Iterator[Span]:
    while end - start > MAX_BLOCK:
        cut = source.rfind("\n", start + MAX_BLOCK // 2, start + MAX_BLOCK)
        if cut == -1:
            cut = source.rfind(" ", start + MAX_BLOCK // 2, start + MAX_BLOCK)
        if cut == -1:
            cut = start + MAX_BLOCK
        yield start, cut
        start = cut
    if source[start:end].strip():
        yield start, end


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
            if open_double and before and not after:
                spans.append((open_double.pop(), i + 1))  # “…“: an opening mark typed as a closing one
            else:
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
_LABEL_RE = re.compile(r"\s*[#>*\-•]*\s*(?:§+\s*|(?P<word>\w+)\.?\s+)?\(?[0-9IVXLC]+[A-Za-z]?(?:[.\-][0-9]+)*\)?\s*",
                       re.IGNORECASE)
MAX_SENTENCE = 2000


def sentence_spans(source: str, start: int, end: int, abbreviations: frozenset[str] = frozenset(),
                   provisions: frozenset[str] = frozenset()) -> list[Span]:
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
        label = _LABEL_RE.fullmatch(source, sentence_start, m.start())
        if label is not None and (label.group("word") is None or label.group("word").lower() in provisions):
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
