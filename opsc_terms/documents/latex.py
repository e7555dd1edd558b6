"""LaTeX: the prose between commands, and the text arguments of prose commands."""

from __future__ import annotations

import re

from .model import Collector, DocumentError, Prose, parse_directive

COMMENT = ("% ", "")
# Commands whose argument sets a work's title or a word apart.
_TEX_EMPHASIS = frozenset({"emph", "textit", "textsl", "enquote", "textquote", "href"})

# Commands whose arguments are prose. The spec lists the arguments in order: "p" a prose
# argument in braces, "m" a braced argument that is not prose, "O" an optional prose
# argument in brackets, "o" an optional argument that is not prose, "*" an optional star.
_TEX_PROSE: dict[str, str] = {
    **dict.fromkeys(["emph", "textit", "textbf", "textsl", "textsc", "textup", "textmd", "textrm", "textsf",
                     "textnormal", "underline", "uline", "sout", "hl", "mbox", "fbox", "text", "enquote",
                     "title", "subtitle", "author", "date", "thanks", "marginpar", "intertext", "frametitle",
                     "framesubtitle", "textquote", "foreignquote", "keyword", "abstract"], "p"),
    **dict.fromkeys(["part", "chapter", "section", "subsection", "subsubsection", "paragraph",
                     "subparagraph", "caption", "footnote", "footnotetext"], "*Op"),
    "item": "O",
    "href": "mp",
    "hyperref": "op",
    "textcolor": "omp",
    "colorbox": "omp",
    "makebox": "oop",
    "parbox": "oomp",
}
# Commands that take arguments which are never prose; their arguments are masked even when
# separated from the command by spaces. Any other unknown command masks only the arguments
# written directly after it.
_TEX_NONPROSE = frozenset({
    "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "parencite", "textcite",
    "autocite", "footcite", "nocite", "ref", "eqref", "pageref", "autoref", "cref", "Cref", "nameref", "vref",
    "label", "url", "path", "includegraphics", "input", "include", "usepackage", "RequirePackage",
    "documentclass", "bibliography", "bibliographystyle", "addbibresource", "newcommand", "renewcommand",
    "providecommand", "newenvironment", "renewenvironment", "setlength", "addtolength", "setcounter",
    "addtocounter", "vspace", "hspace", "texttt", "index", "hypersetup", "graphicspath", "definecolor",
    "color", "pagestyle", "thispagestyle", "bibitem", "lstinputlisting", "newtheorem", "geometry",
    "DeclareMathOperator", "pgfplotsset", "tikzset", "lstset", "captionsetup", "setmainfont",
})
_TEX_MASKED_ENVS = frozenset({
    "equation", "equation*", "align", "align*", "alignat", "alignat*", "gather", "gather*", "multline",
    "multline*", "flalign", "flalign*", "eqnarray", "eqnarray*", "math", "displaymath", "verbatim",
    "verbatim*", "Verbatim", "BVerbatim", "LVerbatim", "lstlisting", "minted", "comment", "tikzpicture",
    "filecontents", "filecontents*", "alltt", "split", "multiline", "dmath", "dmath*", "pycode", "luacode",
})
_TEX_ENV_ARGS: dict[str, str] = {
    "tabular": "om", "tabular*": "mom", "tabularx": "mm", "longtable": "om", "array": "om", "minipage": "ooom",
    "thebibliography": "m", "multicols": "m", "list": "mm", "wrapfigure": "oomm", "subfigure": "om",
}
# Commands whose prose argument is a text of its own (a heading, a caption, a note): it is
# checked apart from the sentence around it.
_TEX_SEPARATE = frozenset({"part", "chapter", "section", "subsection", "subsubsection", "paragraph",
                           "subparagraph", "caption", "footnote", "footnotetext", "title", "subtitle", "author",
                           "date", "thanks", "marginpar", "frametitle", "framesubtitle", "abstract"})
# Commands that end a run of text: words on either side of them never join.
_TEX_BREAKS = frozenset({"par", "item", "newline", "linebreak", "newpage", "clearpage", "cleardoublepage",
                         "maketitle", "tableofcontents", "hline", "cline", "midrule", "toprule", "bottomrule",
                         "bibliography", "printbibliography", "bibitem", "noindent", "centering"})
_TEX_SPECIAL_RE = re.compile(r"[%\\${}~&\[\]]")
_TEX_COMMAND_RE = re.compile(r"\\(?:([A-Za-z@]+)|(.))", re.DOTALL)
# What matters when looking for the end of a group: escapes, comments and the brackets.
_TEX_GROUP_RE = {"{": re.compile(r"\\.|%|[{}]", re.DOTALL), "[": re.compile(r"\\.|%|[\[\]]", re.DOTALL)}


def read(text: str) -> Prose:
    """Masked: comments, inline and display maths, verbatim and code environments, ``\\verb``,
    commands and their arguments (except the text of ``\\emph``, ``\\section``, ``\\caption``,
    ``\\footnote`` and similar), braces, ``~`` and table alignment marks. Headings, captions
    and footnotes are checked as texts of their own.
    """
    scanner = _TexScanner(text)
    scanner.run()
    out = scanner.out
    # Paragraph breaks, list items, table cells, environments, headings and notes cut the
    # text into runs, so that words on either side of a masked command never join.
    start = 0
    for cut in sorted(set(scanner.cuts)):
        if cut > start:
            out.regions.append((start, cut))
        start = max(start, cut)
    out.regions.append((start, len(text)))
    return out.prose("latex", COMMENT)


class _TexScanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out = Collector(text)
        self.pending_closers: set[int] = set()
        self.cuts: list[int] = []
        self.prose_end = 0  # where the last prose argument in braces ends
        self.ends: dict[str, dict[int, int]] = {"{": {}, "[": {}}  # group ends found so far, by opener
        self.work = 0  # tokens visited while looking for group ends
        self.budget = 4 * self.n + 100_000
        self.next_close_brace = -2  # where the next "}" is (-2: not looked for yet)

    def mask(self, start: int, end: int) -> None:
        if end > start:
            self.out.masks.append((start, end))

    def run(self) -> None:
        text, i = self.text, 0
        while True:
            m = _TEX_SPECIAL_RE.search(text, i)
            if m is None:
                return
            i = m.start()
            c = text[i]
            if c == "%":
                end = self._line_end(i)
                directive = parse_directive(text[i + 1:end], end, i + 1)
                if directive is not None:
                    self.out.directives.append(directive)
                self.mask(i, end)
                i = end
            elif c == "\\":
                i = self.command(i)
            elif c == "$":
                i = self.dollar(i)
            elif c in "{}~&" or (c == "]" and i in self.pending_closers):
                if c == "&":
                    self.cuts.append(i)
                self.mask(i, i + 1)
                i += 1
            else:
                i += 1

    def _next_close_brace(self, i: int) -> int:
        """The next "}" at or after ``i``, remembered: a hundred thousand ``\\begin{`` left open
        cost one search to the end of the text, not one each."""
        at = self.next_close_brace
        if at == -1 or at >= i:
            return at
        self.next_close_brace = self.text.find("}", i)
        return self.next_close_brace

    def _line_end(self, i: int) -> int:
        end = self.text.find("\n", i)
        return self.n if end == -1 else end

    def dollar(self, i: int) -> int:
        text = self.text
        delim = "$$" if text.startswith("$$", i) else "$"
        k = i + len(delim)
        while k < self.n:
            found = text.find(delim, k)
            if found == -1:
                break
            if text[found - 1] != "\\":
                self.mask(i, found + len(delim))
                return found + len(delim)
            k = found + 1
        self.mask(i, i + len(delim))  # an unmatched dollar: mask only itself
        return i + len(delim)

    def group_end(self, i: int, opener: str, closer: str) -> int:
        """End offset (after the closer) of the group opening at ``i``; the text end if unbalanced.

        One scan finds the end of every group it passes through, and remembers them: a
        command inside an argument then finds its own group's end without scanning again,
        so a hundred thousand nested groups cost one scan, not one each. Text that would
        still make the scans add up (groups opened inside what an earlier scan took for a
        comment, line after line) is refused once they pass a multiple of its length.
        """
        ends = self.ends[opener]
        known = ends.get(i)
        if known is not None:
            return known
        text = self.text
        pattern = _TEX_GROUP_RE[opener]
        opened: list[int] = []
        k = i
        while (m := pattern.search(text, k)) is not None:
            self.work += 1
            if self.work > self.budget:
                raise DocumentError("braces or brackets are nested or left open in a way that would take too long "
                                    "to read; check that every { has its } and every [ its ]")
            token = m.group()
            if token == "%":
                k = self._line_end(m.start())
                continue
            if token == opener:
                opened.append(m.start())
            elif token == closer and opened:
                ends[opened.pop()] = m.end()
                if not opened:
                    return m.end()
            k = m.end()
        for start in opened:
            ends[start] = self.n
        return self.n

    def skip_space(self, i: int) -> int:
        """Skip spaces and at most one line break (a blank line ends the argument list)."""
        k, breaks = i, 0
        while k < self.n and self.text[k] in " \t\r\n":
            if self.text[k] == "\n":
                breaks += 1
                if breaks > 1:
                    return i
            k += 1
        return k

    def args(self, i: int, spec: str, *, spaced: bool = True) -> int:
        """Handle the arguments after a command according to ``spec``; return where scanning resumes."""
        text = self.text
        for kind in spec:
            k = self.skip_space(i) if spaced else i
            if kind == "*":
                if k < self.n and text[k] == "*":
                    self.mask(i, k + 1)
                    i = k + 1
                continue
            opener = "[" if kind in "oO" else "{"
            if k >= self.n or text[k] != opener:
                if kind in "oO":
                    continue
                return i
            end = self.group_end(k, opener, "]" if opener == "[" else "}")
            if kind in "om":
                self.mask(i, end)
                i = end
            else:
                # A prose argument: mask its opening bracket and let the main loop scan the
                # content (it masks braces and the closing bracket registered here). Arguments
                # after a prose one are prose too, so the spec ends here.
                self.mask(i, k + 1)
                if opener == "[":
                    self.pending_closers.add(end - 1)
                else:
                    self.prose_end = end
                return k + 1
        return i

    def command(self, i: int) -> int:
        text = self.text
        m = _TEX_COMMAND_RE.match(text, i)
        if m is None:
            self.mask(i, i + 1)
            return i + 1
        name, symbol = m.group(1), m.group(2)
        end = m.end()
        if symbol is not None:
            if symbol in "([":
                closer = "\\)" if symbol == "(" else "\\]"
                found = text.find(closer, end)
                stop = self.n if found == -1 else found + 2
                self.mask(i, stop)
                if symbol == "[":
                    self.cuts += [i, stop]
                return stop
            if symbol == "\\":
                self.cuts.append(i)
                self.mask(i, end)
                return self.args(end, "*o", spaced=False)
            self.mask(i, end)
            return end
        if name in ("verb", "lstinline") or name == "mintinline":
            k = end
            if name == "mintinline":
                k = self.group_end(k, "{", "}") if k < self.n and text[k] == "{" else k
            if k < self.n and text[k] == "*":
                k += 1
            if k < self.n and text[k] == "[":
                k = self.group_end(k, "[", "]")
            if k < self.n and text[k] == "{":
                stop = self.group_end(k, "{", "}")
            elif k < self.n:
                found = text.find(text[k], k + 1)
                stop = self._line_end(k) if found == -1 else found + 1
            else:
                stop = self.n
            self.mask(i, stop)
            return stop
        if name == "begin" or name == "end":
            k = end
            if k < self.n and text[k] == "{":
                close = self._next_close_brace(k)
                if close != -1:
                    env = text[k + 1:close]
                    self.cuts.append(i)
                    if name == "begin" and env in _TEX_MASKED_ENVS:
                        found = text.find(f"\\end{{{env}}}", close)
                        stop = self.n if found == -1 else found + len(env) + 6
                        self.mask(i, stop)
                        self.cuts.append(stop)
                        return stop
                    self.mask(i, close + 1)
                    if name == "begin":
                        return self.args(close + 1, _TEX_ENV_ARGS.get(env, "o"), spaced=False)
                    return close + 1
            self.mask(i, end)
            return end
        if name in ("def", "gdef", "edef", "xdef"):
            brace = text.find("{", end)
            stop = self.n if brace == -1 else self.group_end(brace, "{", "}")
            self.mask(i, stop)
            return stop
        self.mask(i, end)
        if name in _TEX_BREAKS:
            self.cuts.append(i)
        spec = _TEX_PROSE.get(name)
        if spec is not None:
            self.prose_end = 0
            resume = self.args(end, spec)
            if name in _TEX_EMPHASIS and self.prose_end > resume:
                self.out.emphasis.append((resume, self.prose_end - 1))
            if name in _TEX_SEPARATE:
                self.cuts.append(i)
                if self.prose_end:
                    self.cuts.append(self.prose_end)
            return resume
        # Not a prose command: mask its arguments.
        spaced = name in _TEX_NONPROSE
        k = end
        if k < self.n and text[k] == "*":
            k += 1
        while True:
            j = self.skip_space(k) if spaced else k
            if j < self.n and text[j] in "[{":
                k = self.group_end(j, text[j], "]" if text[j] == "[" else "}")
                continue
            break
        self.mask(i, k)
        return k
