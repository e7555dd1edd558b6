"""reStructuredText: paragraphs, lists, titles and the content of prose directives."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..lines import Span, line_spans
from .model import Adornment, Collector, Prose, parse_directive

COMMENT = (".. ", "")

_RST_EXPLICIT_RE = re.compile(r"^(\s*)\.\.(?:\s+|$)")
_RST_DIRECTIVE_RE = re.compile(r"([A-Za-z0-9][\w:.+-]*)\s?::(?:\s+|$)")
_RST_OPTION_RE = re.compile(r"^\s+:[^:\s][^:]*:(?:\s|$)")
_RST_ADORNMENT_RE = re.compile(r"^\s*([!-/:-@\[-`{-~])\1{2,}\s*$|^\s*[+=|:-][+=|: -]*[+=|:-]\s*$")
# Directives whose content is code, data or markup, never prose.
_RST_NONPROSE = frozenset({
    "code", "code-block", "sourcecode", "literalinclude", "highlight", "math", "raw", "include", "image",
    "doctest", "testcode", "testoutput", "testsetup", "testcleanup", "productionlist", "graphviz", "digraph",
    "graph", "plantuml", "mermaid", "toctree", "csv-table", "parsed-literal", "default-role", "role",
    "meta", "class", "index", "tabularcolumns", "jupyter-execute", "ipython", "autosummary",
})
# Directives whose argument is a title to check.
_RST_TITLE_ARG = frozenset({"admonition", "topic", "sidebar", "rubric", "table", "list-table", "figure",
                            "container", "note", "warning", "seealso"})
# Roles whose content is prose; other roles hold code, paths, labels or maths.
_RST_PROSE_ROLES = frozenset({"emphasis", "strong", "sub", "subscript", "sup", "superscript",
                              "title-reference", "title", "t", "abbr", "term", "dfn", "guilabel"})
_RST_INLINE_RE = re.compile(
    r"(?=[`:_|\[*])"  # every construct starts with one of these: lets the scan skip spaces fast
    r"(?:(?P<literal>``.+?``)"
    r"|(?P<interp>(?P<pre>:[A-Za-z][\w.:+-]*:)?_?`(?P<body>[^`]+)`(?P<post>:[A-Za-z][\w.:+-]*:)?(?P<link>__?)?)"
    r"|(?P<subst>(?<![\w|])\|[^\s|](?:[^|]*[^\s|])?\|(?:__?)?(?![\w|]))"
    r"|(?P<footnote>\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_)"
    r"|(?P<emph>(?<![\w*\\])\*\*?(?=[^\s*])|(?<=[^\s*\\])\*\*?(?![\w*]))"
    r"|(?P<refname>(?<=\w)__?(?=[\s.,;:!?)\]'\"]|$)))",
    re.DOTALL,
)
_RST_TITLED_RE = re.compile(r"(?s)(.*?\S)\s*<([^<>]+)>\s*$")


def read(text: str) -> Prose:
    """Skipped: literal blocks (after ``::``), doctest blocks, comments (``..``), targets,
    substitution definitions, the content of code, math, raw and similar directives,
    directive options, inline literals, roles that hold code or labels, link targets,
    substitution and footnote references, and section adornments.
    """
    lines = line_spans(text)
    out = Collector(text)
    n = len(lines)

    def line(i: int) -> str:
        return text[lines[i][0]:lines[i][1]]

    def indent_of(s: str) -> int:
        return len(s) - len(s.lstrip())

    def block_end(i: int, indent: int) -> int:
        """First line at or after ``i`` that is not blank and not indented beyond ``indent``."""
        last = i
        while i < n:
            s = line(i)
            if s.strip():
                if indent_of(s) <= indent:
                    break
                last = i + 1
            i += 1
        return last

    i = 0
    literal_indent: int | None = None
    while i < n:
        s = line(i)
        if not s.strip():
            i += 1
            continue
        indent = indent_of(s)
        if literal_indent is not None:
            pending, literal_indent = literal_indent, None
            if indent > pending:
                i = block_end(i, pending)
                continue
        m = _RST_EXPLICIT_RE.match(s)
        if m:
            body = s[m.end():]
            end = block_end(i + 1, indent)
            directive = (parse_directive(body, lines[i][1], lines[i][0] + m.end())
                         if body.startswith("opsc-terms:") else None)
            dm = _RST_DIRECTIVE_RE.match(body)
            if directive is not None:
                out.directives.append(directive)
                i += 1
            elif dm:
                name = dm.group(1).lower()
                base = name.rsplit(":", 1)[-1]
                if base in _RST_TITLE_ARG:
                    arg_start = lines[i][0] + m.end() + dm.end()
                    out.regions.append((arg_start, lines[i][1]))
                j = i + 1
                while j < end and _RST_OPTION_RE.match(line(j)):
                    j += 1
                # Prose directives: the content is scanned like any other text.
                i = end if base in _RST_NONPROSE or base.startswith("auto") else j
            elif body.startswith("[") and "]" in body:
                close = s.index("]", m.end())
                _rst_paragraph(text, out, lines[i][0] + close + 1, lines[end - 1][1])
                i = end
            else:
                i = end  # a comment, a hyperlink target or a substitution definition
            continue
        stripped = s.strip()
        if stripped == "::":
            literal_indent = indent
            i += 1
            continue
        if stripped.startswith(">>>"):
            while i < n and line(i).strip():
                i += 1
            continue
        j = i
        while j < n and line(j).strip() and (j == i or not _RST_EXPLICIT_RE.match(line(j))):
            j += 1
        for k in range(i, j):
            if _RST_ADORNMENT_RE.match(line(k)):
                out.masks.append(lines[k])
                _title_adornment(line, lines, out, i, k, j)
        last = line(j - 1).rstrip()
        if last.endswith("::"):
            literal_indent = indent
            cut = lines[j - 1][0] + len(last)
            out.masks.append((cut - 2, cut))
        _rst_paragraph(text, out, lines[i][0], lines[j - 1][1])
        i = j
    return out.prose("restructuredtext", COMMENT)


def _title_adornment(line: Callable[[int], str], lines: Sequence[Span], out: Collector, first: int, k: int,
                     stop: int) -> None:
    """Record a section title whose underline is line ``k`` (and its overline, if any)."""
    if k - 1 < first or _RST_ADORNMENT_RE.match(line(k - 1)) or not line(k - 1).strip():
        return
    char = line(k).strip()[:1]
    over = k - 2 >= first and _RST_ADORNMENT_RE.match(line(k - 2)) and line(k - 2).strip()[:1] == char
    if k - 2 >= first and not over:
        return  # a paragraph line above the "title": not a section title
    if k + 1 < stop and not over:
        return  # text continues below: a transition or a table border, not an underline
    title_start = lines[k - 1][0] + len(line(k - 1)) - len(line(k - 1).lstrip())
    title = (title_start, lines[k - 1][1] - (len(line(k - 1)) - len(line(k - 1).rstrip())))
    adornments = ((lines[k - 2],) if over else ()) + (lines[k],)
    out.adornments.append(Adornment(title, adornments, char))


def _rst_paragraph(text: str, out: Collector, start: int, end: int) -> None:
    out.regions.append((start, end))
    open_star = -1  # where a single-star emphasis began
    for m in _RST_INLINE_RE.finditer(text, start, end):
        if m.group("interp"):
            role = (m.group("pre") or m.group("post") or "").strip(":").lower() or None
            body_start, body_end = m.span("body")
            titled = _RST_TITLED_RE.match(m.group("body"))
            if titled and (role is None or role in _RST_PROSE_ROLES or m.group("link") or role in
                           ("ref", "doc", "term", "numref", "any")):
                out.masks.append((m.start(), body_start))
                out.masks.append((body_start + titled.end(1), m.end()))
                out.emphasis.append((body_start, body_start + titled.end(1)))
            elif role is None or role in _RST_PROSE_ROLES:
                out.masks.append((m.start(), body_start))
                out.masks.append((body_end, m.end()))
                # The default role is a title reference; links and emphasis set words apart too.
                if role in (None, "title-reference", "title", "t", "emphasis", "dfn", "term") or m.group("link"):
                    out.emphasis.append((body_start, body_end))
            else:
                out.masks.append(m.span())
        else:
            out.masks.append(m.span())
            if m.group("emph") == "*":
                if open_star < 0:
                    open_star = m.end()
                else:
                    out.emphasis.append((open_star, m.start()))
                    open_star = -1
