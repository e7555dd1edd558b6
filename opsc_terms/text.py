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

Span = tuple[int, int]

# Characters that are removed from the view: soft hyphen and zero-width marks (PDF and
# HTML exports are full of them, and they split words invisibly).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_HYPHENS = "-\u2010\u2011"

_SPECIAL_RE = re.compile(
    rf"(?P<lhyph>(?<=\w)[{_HYPHENS}\u00ad][ \t]*\r?\n[ \t]*(?=\w))"  # hyphen at a line end
    rf"|(?P<inv>[{_INVISIBLE}]+)"
    rf"|(?P<hyph>(?<=\w)[{_HYPHENS}](?=\w))"  # hyphen inside a compound: a word boundary
    r"|(?P<ws>\s{2,}|[^\S ])"  # any run that is not a single plain space
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
        if not text and identity:
            return
        view._v_starts.append(vpos)
        view._s_starts.append(s_start)
        view._s_lens.append(s_len)
        view._identity.append(identity)
        pieces.append(text)
        vpos += len(text)

    cursor = start
    for m_start, m_end in _clip(masks, start, end):
        _normalise_into(source, cursor, m_start, add, join)
        add(" ", m_start, m_end - m_start, False)
        cursor = m_end
    _normalise_into(source, cursor, end, add, join)
    view.text = "".join(pieces)
    return view


def _normalise_into(source: str, start: int, end: int, add: Callable[[str, int, int, bool], None],
                    join: Callable[[str], bool] | None) -> None:
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
        else:  # "hyph" or "ws"
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


def find_masks(source: str, start: int = 0, end: int | None = None) -> list[Span]:
    """URLs, e-mail addresses and hashtags in ``source[start:end]``."""
    return [m.span() for m in MASK_RE.finditer(source, start, len(source) if end is None else end)]


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
    """A cheap keyword scan: a block with no candidate word never reaches spaCy.

    ``forms`` are the surface forms of one required word per term or pattern, so a block
    without any of them cannot hold a match. Words split by a line-end hyphen or by an
    invisible soft hyphen are checked after joining them.
    """

    def __init__(self, forms: Iterable[str]) -> None:
        self.forms = frozenset(f.lower() for f in forms if f)
        # A trie-shaped pattern: Python's re tries a flat alternation word by word at every
        # position, which made this scan the slowest part of checking a large clean file.
        alternation = _trie_pattern(self.forms)
        self._words = re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE) if self.forms else None
        self._split = re.compile(rf"(\w+)[{_HYPHENS}\u00ad][ \t]*\r?\n[ \t]*(\w+)|(\w*)[{_INVISIBLE}]+(\w+)")
        self._form_re = re.compile(rf"(?:{alternation})", re.IGNORECASE) if self.forms else None

    def search(self, source: str, start: int = 0, end: int | None = None) -> bool:
        end = len(source) if end is None else end
        if self._words is None:
            return False
        if self._words.search(source, start, end):
            return True
        # Joined words are rare enough that a second pass only runs when it can matter.
        if "\n" not in source[start:end] and not any(c in source[start:end] for c in _INVISIBLE):
            return False
        for m in self._split.finditer(source, start, end):
            joined = (m.group(1) or m.group(3) or "") + (m.group(2) or m.group(4) or "")
            assert self._form_re is not None
            if self._form_re.fullmatch(joined):
                return True
        return False

    def candidate_blocks(self, source: str, blocks: Iterable[Span]) -> list[Span]:
        return [b for b in blocks if self.search(source, b[0], b[1])]


_Trie = dict[str, "_Trie"]


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching exactly ``words``, with shared prefixes factored out."""
    root: _Trie = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: _Trie) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def word_forms(word: str) -> set[str]:
    """Inflected surface forms of a (singular, lower-case) English word: enough for the prefilter."""
    forms = {word, word + "s", word + "es", word + "'s", word + "’s"}
    if word.endswith("y") and len(word) > 2:
        forms.add(word[:-1] + "ies")
    return forms


# --------------------------------------------------------------------------- positions


class LineIndex:
    """1-based line and column (in characters) of offsets in a text."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1
