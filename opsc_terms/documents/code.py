"""Program source: only comments and docstrings are prose.

Identifiers (``ChildPornography``, ``child_porn_count``) and string constants name things
in a program: a category a hotline's API returns, a field of a statute's schema. They are
not the author's wording and are never reported. Comments and docstrings are written for
people and are checked like any other text; code spans in backquotes inside them are not.

Each family of languages is a small set of markers: line comments, block comments and the
string delimiters to step over (so a comment marker inside a string is not a comment).
Consecutive line comments are one paragraph, so a phrase broken across comment lines
still reads as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lines import Span
from .model import Collector, Prose, parse_directive


@dataclass(frozen=True)
class Syntax:
    line: tuple[str, ...]  # line comment markers
    block: tuple[tuple[str, str], ...]  # block comment (open, close)
    strings: tuple[str, ...]  # string delimiters, longest first
    docstrings: bool = False  # a triple-quoted string that starts a statement is prose (Python)
    comment: tuple[str, str] = ("# ", "")  # how a suppression comment is written


PYTHON = Syntax(("#",), (), ('"""', "'''", '"', "'"), docstrings=True)
C_LIKE = Syntax(("//",), (("/*", "*/"),), ('"', "'", "`"), comment=("// ", ""))
HASH = Syntax(("#",), (), ('"', "'"))
DASH = Syntax(("--",), (("/*", "*/"),), ("'", '"'), comment=("-- ", ""))

SYNTAX_BY_SUFFIX: dict[str, Syntax] = {
    ".py": PYTHON, ".pyi": PYTHON,
    **dict.fromkeys([".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java", ".c", ".h", ".cc", ".cpp", ".hpp",
                     ".cs", ".go", ".rs", ".swift", ".kt", ".kts", ".scala", ".php", ".dart"], C_LIKE),
    **dict.fromkeys([".sh", ".bash", ".zsh", ".rb", ".r", ".pl", ".ps1"], HASH),
    **dict.fromkeys([".sql", ".lua", ".hs"], DASH),
}
LANGUAGE_IDS: dict[str, Syntax] = {
    "python": PYTHON, "javascript": C_LIKE, "typescript": C_LIKE, "javascriptreact": C_LIKE,
    "typescriptreact": C_LIKE, "java": C_LIKE, "c": C_LIKE, "cpp": C_LIKE, "csharp": C_LIKE, "go": C_LIKE,
    "rust": C_LIKE, "swift": C_LIKE, "kotlin": C_LIKE, "scala": C_LIKE, "php": C_LIKE, "dart": C_LIKE,
    "shellscript": HASH, "ruby": HASH, "r": HASH, "perl": HASH, "powershell": HASH, "sql": DASH, "lua": DASH,
    "haskell": DASH,
}
_BACKQUOTED_RE = re.compile(r"`[^`\n]+`")
_LINE_INDENT_RE = re.compile(r"(?:\A|(?<=\n))[^\S\n]*")
_COMMENT_LEAD_RE = re.compile(r"[ \t]*\*(?!/)[ \t]?")  # " * " at the start of a block comment's line


def reader(syntax: Syntax, fmt: str) -> _Reader:
    return _Reader(syntax, fmt)


class _Reader:
    def __init__(self, syntax: Syntax, fmt: str) -> None:
        self.syntax = syntax
        self.fmt = fmt
        markers = [*syntax.line, *(o for o, _ in syntax.block), *syntax.strings]
        self._next = re.compile("|".join(re.escape(m) for m in sorted(markers, key=len, reverse=True)))
        # Inside a string: its closing quote, an escape, or a line break.
        self._string_stops = {quote: re.compile(re.escape(quote) + r"|\\.|\n", re.DOTALL) for quote in syntax.strings}

    def __call__(self, text: str) -> Prose:
        syntax = self.syntax
        out = Collector(text)
        run: list[Span] = []  # consecutive line comments: (start of the marker, end of the line)
        i, n = 0, len(text)
        # Where each line's first character that is not a space is: found once, so that telling
        # a docstring from a string later on a long line costs nothing per string.
        line_firsts = {m.end() for m in _LINE_INDENT_RE.finditer(text)} if syntax.docstrings else set()
        while True:
            m = self._next.search(text, i)
            if m is None:
                break
            token, start = m.group(), m.start()
            if token in syntax.line:
                end = text.find("\n", start)
                end = n if end == -1 else end
                if run and not text[run[-1][1]:start].strip():
                    run.append((start, end))  # the next line of the same paragraph
                else:
                    self._flush(text, run, out)
                    run = [(start, end)]
                i = end
                continue
            self._flush(text, run, out)
            run = []
            closer = next((c for o, c in syntax.block if o == token), None)
            if closer is not None:
                end = text.find(closer, m.end())
                stop = n if end == -1 else end + len(closer)
                self._prose(text, out, m.end(), n if end == -1 else end, marker=(start, m.end()))
                out.masks.append((start, m.end()))
                if end != -1:
                    out.masks.append((end, stop))
                i = stop
                continue
            end = self._string_end(text, m.end(), token)
            if syntax.docstrings and len(token) == 3 and start in line_firsts:
                # A triple-quoted string that starts a statement: a docstring, written for people.
                self._prose(text, out, m.end(), end - len(token) if end <= n else n, marker=None)
            i = min(end, n)
        self._flush(text, run, out)
        return out.prose(self.fmt, self.syntax.comment)

    def _string_end(self, text: str, pos: int, quote: str) -> int:
        """Where the string that opened with ``quote`` before ``pos`` ends (after its closing quote)."""
        stops = self._string_stops[quote]
        i = pos
        while (m := stops.search(text, i)) is not None:
            token = m.group()
            if token == quote:
                return m.end()
            if token == "\n" and len(quote) == 1 and quote != "`":
                return m.start()  # an unterminated one-line string ends at the line's end
            i = m.end()  # an escape, or a line break inside a string that may hold one
        return len(text) + len(quote)

    def _flush(self, text: str, run: list[Span], out: Collector) -> None:
        """A paragraph of line comments: prose from after the first marker to the last line's end."""
        if not run:
            return
        first_start = run[0][0]
        marker = next(m for m in self.syntax.line if text.startswith(m, first_start))
        body_start = first_start + len(marker)
        directive = parse_directive(text[body_start:run[0][1]], run[0][1], body_start)
        for k, (start, end) in enumerate(run):
            line_marker = next(m for m in self.syntax.line if text.startswith(m, start))
            body = text[start + len(line_marker):end]
            directive = parse_directive(body, end, start + len(line_marker))
            if directive is not None:
                out.directives.append(directive)
                out.masks.append((start, end))
                continue
            if k:
                # The marker of a continuation line (and the indentation before it) is one space.
                line_start = text.rfind("\n", 0, start) + 1
                out.masks.append((line_start, start + len(line_marker)))
        out.regions.append((body_start, run[-1][1]))
        out.masks.append((first_start, body_start))
        self._mask_code(text, body_start, run[-1][1], out)

    def _prose(self, text: str, out: Collector, start: int, end: int, marker: Span | None) -> None:
        if end <= start:
            return
        directive = parse_directive(text[start:end], end, start) if marker is not None else None
        if directive is not None:
            out.directives.append(directive)
            return
        out.regions.append((start, end))
        if marker is not None:  # "/** ... \n * ... */": the leading stars of each line are markup
            for line in re.finditer(r"\n", text[start:end]):
                lead = _COMMENT_LEAD_RE.match(text, start + line.end())
                if lead is not None and lead.end() <= end:
                    out.masks.append(lead.span())
        self._mask_code(text, start, end, out)

    def _mask_code(self, text: str, start: int, end: int, out: Collector) -> None:
        for m in _BACKQUOTED_RE.finditer(text, start, end):
            out.masks.append(m.span())
