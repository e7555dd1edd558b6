"""HTML: the visible text only, read with the standard library's parser, with exact offsets."""

from __future__ import annotations

import re
from typing import Any

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


# Elements whose content is text up to their own end tag, never markup (raw text and
# escapable raw text in the HTML standard).
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
_SPECIAL_RE = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[a-zA-Z][a-zA-Z0-9]{0,31};)")
_TAG_NAME_RE = re.compile(r"[^\t\n\f\r />]*")
_COMMENT_END_RE = re.compile(r"--!?>")
# One piece of a tag after its name: spaces and slashes, or an attribute name with what
# follows up to its value (a quoted value is found separately, so that an unclosed quote
# costs one search, not one per tag).
_ATTRIBUTE_RE = re.compile(r"[\t\n\f\r /]+|[^\t\n\f\r />][^\t\n\f\r />=]*(?:[\t\n\f\r ]*=[\t\n\f\r ]*)?")
_UNQUOTED_VALUE_RE = re.compile(r"[^\t\n\f\r >]*")

Event = tuple[str, int, str]  # (kind, source offset, tag name or comment text)


def _events(text: str) -> list[Event]:
    """The document as a list of events, each running to the next: ``start``, ``end``, ``void``
    (a tag and its name), ``data``, ``entity``, ``comment`` (with its text) and ``other``
    (declarations, processing instructions, a tag cut off by the end of the file).

    A tokenizer after the HTML standard's, in one pass: every search for the end of a
    construct either finds it, and the text up to it is consumed, or runs to the end of the
    file, and so does the construct (an unclosed comment hides the rest of the file, as in
    a browser). The standard library's parser searches again for every unclosed construct,
    which takes minutes for a file with a hundred thousand of them.
    """
    events: list[Event] = []
    n = len(text)
    pos = 0
    quote_at = {'"': -2, "'": -2}  # where the next quotation mark is (-2: not looked for yet)

    def next_quote(mark: str, start: int) -> int:
        at = quote_at[mark]
        if at == -1 or (at >= start):
            return at
        at = text.find(mark, start)
        quote_at[mark] = at
        return at

    def data(start: int, end: int) -> None:
        # Each event runs to the next, so text right after text needs no event of its own.
        if end > start and not (events and events[-1][0] == "data"):
            events.append(("data", start, ""))

    while pos < n:
        m = _SPECIAL_RE.search(text, pos)
        if m is None:
            data(pos, n)
            break
        i = m.start()
        data(pos, i)
        if text[i] == "&":
            entity = _ENTITY_RE.match(text, i)
            if entity is None:
                data(i, i + 1)
                pos = i + 1
            else:
                events.append(("entity", i, ""))
                pos = entity.end()
            continue
        nxt = text[i + 1:i + 2]
        if text.startswith("<!--", i):
            close = _COMMENT_END_RE.search(text, i + 4)
            if text.startswith(">", i + 4) or text.startswith("->", i + 4):  # "<!-->" and "<!--->"
                end, body_end = text.index(">", i + 4) + 1, i + 4
            elif close is None:
                end = body_end = n
            else:
                end, body_end = close.end(), close.start()
            events.append(("comment", i, text[i + 4:body_end]))
            pos = end
        elif nxt in ("!", "?") or (nxt == "/" and not text[i + 2:i + 3].isalpha()):
            if nxt == "/" and text.startswith(">", i + 2):  # "</>" is nothing at all
                events.append(("other", i, ""))
                pos = i + 3
                continue
            close_at = text.find(">", i + 2)
            events.append(("other", i, ""))
            pos = n if close_at == -1 else close_at + 1
        elif nxt.isalpha() or (nxt == "/" and text[i + 2:i + 3].isalpha()):
            closing = nxt == "/"
            name_at = i + 2 if closing else i + 1
            name_end = _TAG_NAME_RE.match(text, name_at).end()  # type: ignore[union-attr]
            name = text[name_at:name_end].lower()
            end, self_closing = _tag_end(text, name_end, next_quote)
            if end == -1:  # the file ends inside the tag: the tag is dropped
                events.append(("other", i, ""))
                break
            events.append(("end" if closing else "void" if self_closing else "start", i, name))
            pos = end
            if not closing and not self_closing and name in _RAW_TEXT:
                close_tag = re.compile(rf"</{re.escape(name)}(?=[\t\n\f\r />]|$)", re.IGNORECASE)
                found = close_tag.search(text, pos)
                raw_end = n if found is None else found.start()
                if raw_end > pos:
                    events.append(("data", pos, ""))
                pos = raw_end
        else:
            data(i, i + 1)  # a "<" that starts nothing: text
            pos = i + 1
    return events


def _tag_end(text: str, pos: int, next_quote: Any) -> tuple[int, bool]:
    """Where a tag whose name ends at ``pos`` ends (after its ">"), and whether it ends "/>"; -1 if never."""
    n = len(text)
    while pos < n:
        if text[pos] == ">":
            return pos + 1, text[pos - 1] == "/"
        m = _ATTRIBUTE_RE.match(text, pos)
        if m is None or m.end() == pos:
            pos += 1
            continue
        pos = m.end()
        if m.group().rstrip("\t\n\f\r ").endswith("=") and pos < n:
            mark = text[pos]
            if mark in "\"'":
                close = next_quote(mark, pos + 1)
                if close == -1:
                    return -1, False
                pos = close + 1
            else:
                pos = _UNQUOTED_VALUE_RE.match(text, pos).end()  # type: ignore[union-attr]
    return -1, False


def read(text: str) -> Prose:
    """HTML: the visible text only, with exact offsets.

    Text inside block elements (p, li, td, headings, ...) is one run; inline tags, character
    references and comments inside a run are masked. script, style, code, pre, kbd, samp,
    template, svg and math are skipped, and so are attributes.
    """
    events = _events(text)
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
