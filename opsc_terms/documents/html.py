"""HTML: the visible text only, read with the standard library's parser, with exact offsets."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .model import Collector, Prose, parse_directive

COMMENT = ("<!-- ", " -->")
# Elements that set a work's title or a word apart from the sentence around it.
_HTML_EMPHASIS = frozenset({"em", "i", "cite", "a", "dfn"})

# Elements whose content is never prose.
_HTML_SKIP = frozenset({"script", "style", "code", "pre", "kbd", "samp", "template", "svg", "math", "textarea"})
# Elements that start or end a run of text: text never joins across them.
_HTML_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "option", "p", "pre",
    "script", "section", "style", "summary", "table", "tbody", "td", "template", "tfoot", "th", "thead",
    "title", "tr", "ul", "svg", "math", "textarea", "select", "button", "iframe", "object", "video", "audio",
    "noscript", "center",
})


class _HTMLEvents(HTMLParser):
    """Records every parser event with its source offset; each event runs to the next one."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.events: list[tuple[str, int, str]] = []

    def _add(self, kind: str, name: str = "") -> None:
        line, col = self.getpos()
        self.events.append((kind, self.line_starts[line - 1] + col, name))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("void", tag)

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_data(self, data: str) -> None:
        self._add("data")

    def handle_comment(self, data: str) -> None:
        self._add("comment", data)

    def handle_entityref(self, name: str) -> None:
        self._add("entity")

    def handle_charref(self, name: str) -> None:
        self._add("entity")

    def handle_decl(self, decl: str) -> None:
        self._add("other")

    def handle_pi(self, data: str) -> None:
        self._add("other")

    def unknown_decl(self, data: str) -> None:
        self._add("other")


def read(text: str) -> Prose:
    """HTML: the visible text only, with exact offsets.

    Text inside block elements (p, li, td, headings, ...) is one run; inline tags, character
    references and comments inside a run are masked. script, style, code, pre, kbd, samp,
    template, svg and math are skipped, and so are attributes.
    """
    parser = _HTMLEvents(text)
    try:
        parser.feed(text)
        parser.close()
    except (AssertionError, ValueError):  # very malformed markup: keep what was parsed
        pass
    events = parser.events
    out = Collector(text)
    region: list[int] | None = None
    skip: list[str] = []
    opened: list[tuple[str, int]] = []  # emphasis elements open, with where their content starts

    def close() -> None:
        nonlocal region
        if region is not None:
            out.regions.append((region[0], region[1]))
            region = None

    for index, (kind, start, name) in enumerate(events):
        end = events[index + 1][1] if index + 1 < len(events) else len(text)
        if kind == "comment":
            directive = parse_directive(name, end, start + 4)
            if directive is not None:
                out.directives.append(directive)
        if skip:
            if kind == "start" and name == skip[-1]:
                skip.append(name)
            elif kind == "end" and name in skip:
                while skip and skip.pop() != name:
                    pass
            if region is not None:
                out.masks.append((start, end))
            continue
        if kind in ("start", "end", "void"):
            if kind == "start" and name in _HTML_EMPHASIS:
                opened.append((name, end))
            elif kind == "end" and name in _HTML_EMPHASIS and any(n == name for n, _ in opened):
                while opened:
                    open_name, content_start = opened.pop()
                    if open_name == name:
                        out.emphasis.append((content_start, start))
                        break
            if name in _HTML_BLOCK:
                close()
            elif region is not None:
                out.masks.append((start, end))
            if kind == "start" and name in _HTML_SKIP:
                skip.append(name)
                if region is not None:
                    out.masks.append((start, end))
        elif kind == "data":
            if region is None:
                if not text[start:end].strip():
                    continue  # whitespace between blocks does not start a run
                region = [start, end]
            region[1] = end
        elif kind == "entity":
            if region is None:
                region = [start, end]
            region[1] = end
            out.masks.append((start, end))
        elif kind == "comment":
            if region is not None:
                out.masks.append((start, end))
        else:
            close()
    close()
    return out.prose("html", COMMENT)
