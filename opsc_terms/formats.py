"""Output formats of ``opsc-terms check``: text, concise, json, sarif and github.

Every renderer takes findings that are already sorted and returns a string; none of them
prints or decides exit codes. ``text`` is for people (source line, underline, suggestion,
summary); ``concise`` is one stable line per finding; ``json`` is the documented contract;
``sarif`` is SARIF 2.1.0 for code scanning; ``github`` is workflow commands that GitHub
Actions turns into annotations.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from .explain import rule_markdown, rule_text, rule_url
from .findings import Edit, Finding
from .ruleset import Rule, RulePack

FORMATS = ("text", "concise", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}
_MAX_SOURCE_WIDTH = 100
_FIX_LABELS = {"safe": "fixable", "unsafe": "fixable with --unsafe-fixes", "display-only": "advice"}
_MIN_SOURCE_WIDTH = 20
# Line breaks of every kind (a message quotes the reported words, which may run across a
# line), with the spaces around them.
_BREAKS_RE = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]+\s*")
# What a terminal or a log reader would act on or hide: control characters, and the
# characters that reorder text on screen (bidirectional overrides and isolates).
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown_path(path: str | None) -> str:
    """A file name safe to print on one line: control characters escaped, "\\n" for a newline.

    A name is data from the file system; printed raw, a newline in it would start a line
    that reads like another finding (or, in a CI log, a workflow command).
    """
    return _escape(path or "-")


def one_line(text: str) -> str:
    """``text`` on one line: line breaks become a space, other control characters escapes."""
    return _escape(_BREAKS_RE.sub(" ", text))


def _escape(text: str) -> str:
    def escape(m: re.Match[str]) -> str:
        char = m.group()
        return _ESCAPES.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _UNPRINTABLE_RE.sub(escape, text)


def concise(findings: Sequence[Finding]) -> str:
    """``path:line:column: severity [rule] message``, one line per finding."""
    return "".join(f"{shown_path(f.path)}:{f.line}:{f.column}: {f.severity} [{f.rule}] {one_line(f.message)}\n"
                   for f in findings)


def to_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------- text


@dataclass(frozen=True)
class Summary:
    """What the summary line reports besides the findings themselves."""

    files: int  # files checked (not those that could not be read: they are ``problems``)
    fixed: int = 0
    fixed_files: int = 0
    unsafe_fixable: int = 0  # findings --unsafe-fixes would change, beyond the safe ones
    problems: int = 0
    baselined: int = 0
    fixing: bool = False
    not_fixed: int = 0  # files --fix could not write


def text(findings: Sequence[Finding], source_line: Callable[[Finding], str | None], summary: Summary, *,
         color: bool = False, gutter: Callable[[Finding], str] | None = None, summary_line_shown: bool = True,
         width: int | None = None, hints: bool = True) -> str:
    """Each finding with its source line underlined, its suggestion and its source, then a summary.

    ``width`` is the terminal's (None: not a terminal); source lines are cut to fit it and
    the lists of alternatives wrapped. ``hints`` adds, once per rule, the command that
    explains it.
    """

    def style(value: str, **kwargs: Any) -> str:
        return click.style(value, **kwargs) if color else value

    out: list[str] = []
    explained: set[str] = set()
    for f in findings:
        level = style(f.severity, fg=_COLOURS[f.severity], bold=True)
        out.append(f"{style(f'{shown_path(f.path)}:{f.line}:{f.column}:', bold=True)} {level} "
                   f"{style(f'[{f.rule}]', dim=True)} {one_line(f.message)}\n")
        label = gutter(f) if gutter else str(f.line)
        pad = " " * len(label)
        line = source_line(f)
        if line is not None:
            room = _MAX_SOURCE_WIDTH if width is None else max(_MIN_SOURCE_WIDTH, width - len(label) - 3)
            end_column = f.end_column if f.end_line == f.line else len(line) + 1
            shown, start, end = _window(line, f.column - 1, max(end_column - 1, f.column), room)
            note = ""
            if f.fix is not None and f.context is None:
                note = " " + style(f"→ {f.fix.text}", fg="green") + style(f" ({_FIX_LABELS[f.fix.applicability]})",
                                                                         dim=True)
            carets = style("^" * max(1, _width(shown[start:end])), fg=_COLOURS[f.severity], bold=True)
            bar = style("|", fg="blue")
            out.append(f"{pad} {bar}\n")
            out.append(f"{style(label, fg='blue')} {bar} {shown}\n")
            out.append(f"{pad} {bar} {' ' * _width(shown[:start])}{carets}{note}\n")
            if f.fix is not None and f.fix.applicability == "display-only" and f.fix.note and f.context is None:
                out.append(f"{pad} = reword by hand: {f.fix.note}\n")
            others = [r for r in f.replacements if f.fix is None or r != f.fix.text]
            if others and f.context is None:
                out.append(_wrapped(f"{pad} = also: ", "; ".join(f"“{r}”" for r in others), width))
        if f.sources:
            # The primary authority, on one line; the explanation has the others.
            out.append(_cut(f"{pad} = source: {one_line(f.sources[0])}", width or _MAX_SOURCE_WIDTH) + "\n")
        if hints and f.rule not in explained:
            explained.add(f.rule)
            out.append(f"{pad} = {style('why:', dim=True)} opsc-terms explain {f.rule}\n")
        out.append("\n")
    if summary_line_shown:
        out.append(summary_line(findings, summary, style) + "\n")
    return "".join(out)


def summary_line(findings: Sequence[Finding], summary: Summary,
                 style: Callable[..., str] = lambda value, **_: value) -> str:
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    lines = []
    if summary.fixed:
        lines.append(style(f"Fixed {_count(summary.fixed, 'problem')} in "
                           f"{_count(summary.fixed_files, 'file')}.", fg="green"))
    if findings:
        counts = Counter(f.severity for f in findings)
        parts = [_count(counts[s], s if s != "info" else "info", plural_s=s != "info")
                 for s in ("error", "warning", "info") if counts[s]]
        with_files = len({f.path for f in findings})
        lines.append(f"Found {_count(len(findings), 'problem')} ({', '.join(parts)}) in {with_files} of {files} "
                     "checked.")
        fixable = sum(1 for f in findings if f.fixable())
        if fixable and not summary.fixing:
            lines.append(f"{fixable} can be fixed with --fix.")
        if summary.unsafe_fixable:
            lines.append(f"{summary.unsafe_fixable} more with --fix --unsafe-fixes (check the wording).")
    else:
        lines.append(style(f"No problems found in {files}.", fg="green") if summary.files else "No files checked.")
    if summary.baselined:
        lines.append(f"{_count(summary.baselined, 'finding')} already in the baseline not shown.")
    if summary.problems:
        lines.append(style(f"{_count(summary.problems, 'file')} could not be read (see above).", fg="red"))
    if summary.not_fixed:
        lines.append(style(f"{_count(summary.not_fixed, 'file')} could not be fixed (see above).", fg="red"))
    return "\n".join(lines)


def _count(n: int, noun: str, *, plural_s: bool = True) -> str:
    return f"{n} {noun}{'s' if n != 1 and plural_s else ''}"


def _width(value: str) -> int:
    """Columns a string takes in a terminal: wide East Asian characters take two, combining marks none."""
    width = 0
    for ch in value:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _window(line: str, start: int, end: int, room: int = _MAX_SOURCE_WIDTH) -> tuple[str, int, int]:
    """The part of a long line around ``start:end`` that fits in ``room`` columns, offsets moved to match.

    Tabs and other control characters become spaces so the underline lines up. Only the
    window is cleaned and measured, so a line of megabytes costs no more than a short one.
    """
    start, end = max(0, min(start, len(line))), max(0, min(end, len(line)))
    if len(line) <= room:
        return _printable(line), start, end
    # The reported words, with context on both sides; a long match is cut on the right.
    context = max(0, (room - 2 - (end - start)) // 2)
    left = max(0, min(start - context, len(line) - (room - 1)))
    right = min(len(line), left + room - (1 if left else 0) - 1)
    if right >= len(line) - 1:
        right = len(line)
    shown = ("…" if left else "") + _printable(line[left:right]) + ("…" if right < len(line) else "")
    shift = left - (1 if left else 0)
    return shown, min(start - shift, len(shown)), min(end - shift, len(shown))


def _printable(text: str) -> str:
    return "".join(" " if ch < " " or "\x7f" <= ch <= "\x9f" else ch for ch in text)


def _cut(line: str, width: int) -> str:
    """``line`` cut to ``width`` columns, with "…" where it was cut."""
    return line if len(line) <= width else line[:max(0, width - 1)] + "…"


def _wrapped(prefix: str, body: str, width: int | None) -> str:
    """``prefix + body`` wrapped to ``width`` with the continuation lines indented under the body."""
    if width is None or len(prefix) + len(body) <= width:
        return prefix + body + "\n"
    import textwrap

    return "\n".join(textwrap.wrap(body, width=max(_MIN_SOURCE_WIDTH, width), initial_indent=prefix,
                                    subsequent_indent=" " * len(prefix), break_on_hyphens=False)) + "\n"


# --------------------------------------------------------------------------- GitHub Actions


def github(findings: Sequence[Finding]) -> str:
    """Workflow commands: ``::error file=…,line=…,col=…::message``."""
    out = []
    for f in findings:
        props = {"file": f.path or "-", "line": f.line, "col": f.column, "endLine": f.end_line,
                 "endColumn": f.end_column, "title": f"opsc-terms [{f.rule}]"}
        message = f.message + (f" Fix: “{f.fix.text}”." if f.fixable() and f.fix else "")
        rendered = ",".join(f"{k}={_gh_property(str(v))}" for k, v in props.items())
        out.append(f"::{_GITHUB_LEVELS[f.severity]} {rendered}::{_gh_data(message)}\n")
    return "".join(out)


def _gh_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


# --------------------------------------------------------------------------- SARIF


def sarif(findings: Sequence[Finding], rules: Mapping[str, tuple[RulePack, Rule]], *, version: str,
          problems: Sequence[tuple[str, str]] = ()) -> str:
    """A SARIF 2.1.0 log with one run: the reported rules and one result per finding.

    Columns count Unicode code points (``columnKind``), as the findings do.
    """
    reported = sorted({f.rule for f in findings})
    index = {rule_id: i for i, rule_id in enumerate(reported)}
    descriptors = [_sarif_rule(*rules[rule_id]) if rule_id in rules else {"id": rule_id} for rule_id in reported]
    results = [_sarif_result(f, index[f.rule]) for f in findings]
    invocation: dict[str, Any] = {"executionSuccessful": not problems}
    if problems:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": message},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": _uri(path)}}}]}
            for path, message in problems]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "opsc-terms",
                "version": version,
                "semanticVersion": version,
                "informationUri": "https://github.com/opsc-terms/opsc-terms",
                "rules": descriptors,
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def _sarif_rule(pack: RulePack, rule: Rule) -> dict[str, Any]:
    help_markdown = rule_markdown(pack, rule)
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule_text(pack, rule), "markdown": help_markdown},
        "helpUri": rule_url(rule),
        "defaultConfiguration": {"level": _SARIF_LEVELS[rule.severity]},
        "properties": {"tags": [rule.family, rule.category], "sources": list(rule.sources)},
    }


def _sarif_result(f: Finding, rule_index: int) -> dict[str, Any]:
    region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column,
              "charOffset": f.start, "charLength": f.end - f.start, "snippet": {"text": f.text}}
    location = {"artifactLocation": {"uri": _uri(f.path or "-")}, "region": region}
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVELS[f.severity],
        "message": {"text": f.message},
        "locations": [{"physicalLocation": location}],
    }
    properties: dict[str, Any] = {}
    if f.context is not None:
        properties["context"] = f.context
    if f.fix is not None:
        properties["fix"] = {"text": f.fix.text, "applicability": f.fix.applicability}
    if properties:
        result["properties"] = properties
    # Only edits a tool may apply travel as SARIF fixes, and only as character offsets
    # into the file itself (a Word document's paragraphs are not offsets into the file).
    if f.fix is not None and f.fix.applicability != "display-only":
        result["fixes"] = [{
            "description": {"text": f"Replace “{f.text}” with “{f.fix.text}”"
                                    + (" (check the wording)." if f.fix.applicability == "unsafe" else ".")},
            "artifactChanges": [{
                "artifactLocation": {"uri": _uri(f.path or "-")},
                "replacements": [{"deletedRegion": _deleted_region(e, f, region),
                                  "insertedContent": {"text": e.text}} for e in f.fix.edits],
            }],
        }]
    return result


def _deleted_region(e: Edit, f: Finding, region: dict[str, Any]) -> dict[str, Any]:
    if (e.start, e.end) == (f.start, f.end):
        return {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength")}
    return {"charOffset": e.start, "charLength": e.end - e.start}  # a title's underline: offsets only


# --------------------------------------------------------------------------- Word comments


def comment_text(f: Finding) -> str:
    """The review comment a Word document gets for a finding."""
    parts = [f"[{f.rule}] {f.message}"]
    if f.replacements:
        parts.append("Suggested: " + "; ".join(f"“{r}”" for r in f.replacements[:3]) + ".")
    if f.sources:
        parts.append("Sources: " + "; ".join(f.sources) + ".")
    return " ".join(parts)


def _uri(path: str) -> str:
    """A relative URI reference for a relative path; a file: URI for an absolute one."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix())


# --------------------------------------------------------------------------- unified diffs

_DIFF_CONTEXT = 3
_RESYNC_WINDOW = 16  # lines looked ahead on each side for the next pair of equal lines


def unified_diff(old: bytes, new: bytes, path: str) -> bytes:
    """A unified diff from ``old`` to ``new`` (the bytes of one file) that ``patch`` and ``git apply`` accept.

    Lines end at "\\n" only, as ``patch`` reads them: a form feed, a lone carriage return,
    U+2028 or NEL is part of its line. The lines are bytes in the file's own encoding, so
    the diff of a UTF-16 file applies to that file. A last line without a line break is
    marked "\\ No newline at end of file". Linear in the size of the files: fixes change
    lines in place (or join a line with the next), so equal lines are found again a few
    lines ahead; a diff does not have to be the smallest to be right, only every line it
    shows as unchanged must be unchanged.
    """
    a, b = _byte_lines(old), _byte_lines(new)
    if a == b:
        return b""
    name = _diff_name(path)
    out = [b"--- " + _diff_path("a/", name) + b"\n", b"+++ " + _diff_path("b/", name) + b"\n"]
    for ops in _hunks(_opcodes(a, b)):
        out.append(f"@@ -{_range(ops[0][1], ops[-1][2])} +{_range(ops[0][3], ops[-1][4])} @@\n".encode("ascii"))
        for tag, i0, i1, j0, j1 in ops:
            if tag == "equal":
                out.extend(_diff_line(b" ", line) for line in a[i0:i1])
            else:
                out.extend(_diff_line(b"-", line) for line in a[i0:i1])
                out.extend(_diff_line(b"+", line) for line in b[j0:j1])
    return b"".join(out)


def _byte_lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
        return [line + b"\n" for line in lines]
    return [line + b"\n" for line in lines[:-1]] + [lines[-1]]


def _diff_line(mark: bytes, line: bytes) -> bytes:
    return mark + line if line.endswith(b"\n") else mark + line + b"\n\\ No newline at end of file\n"


def _range(start: int, end: int) -> str:
    """A hunk's line range as unified diffs write it: 1-based start, and the count unless it is 1."""
    count = end - start
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"


Opcode = tuple[str, int, int, int, int]


def _opcodes(a: list[bytes], b: list[bytes]) -> list[Opcode]:
    """("equal" | "replace", a-start, a-end, b-start, b-end) covering both lists in order."""
    ops: list[Opcode] = []
    i = j = 0
    n, m = len(a), len(b)

    def add(tag: str, i0: int, i1: int, j0: int, j1: int) -> None:
        if ops and ops[-1][0] == tag:
            ops[-1] = (tag, ops[-1][1], i1, ops[-1][3], j1)
        else:
            ops.append((tag, i0, i1, j0, j1))

    while i < n and j < m:
        if a[i] == b[j]:
            start_i, start_j = i, j
            while i < n and j < m and a[i] == b[j]:
                i += 1
                j += 1
            add("equal", start_i, i, start_j, j)
            continue
        x, y = _resync(a, b, i, j)
        add("replace", i, i + x, j, j + y)
        i += x
        j += y
    if i < n or j < m:
        add("replace", i, n, j, m)
    return ops


def _resync(a: list[bytes], b: list[bytes], i: int, j: int) -> tuple[int, int]:
    """How many lines of ``a`` (from ``i``) and ``b`` (from ``j``) to replace before they agree again.

    The pair of equal lines closest ahead (fewest lines replaced) within the window; with
    none there, the whole window is replaced, so a long run of changed lines costs a
    constant per line.
    """
    window = _RESYNC_WINDOW
    ahead: dict[bytes, int] = {}
    for y in range(j, min(len(b), j + window + 1)):
        ahead.setdefault(b[y], y - j)
    best: tuple[int, int] | None = None
    for x in range(min(len(a) - i, window + 1)):
        found = ahead.get(a[i + x])
        if found is not None and (best is None or x + found < best[0] + best[1]):
            best = (x, found)
    if best is not None:
        return best
    return min(window, len(a) - i), min(window, len(b) - j)


def _hunks(ops: list[Opcode]) -> list[list[Opcode]]:
    """The changes grouped with up to three unchanged lines around each; groups that would overlap merge."""
    ops = list(ops)
    context = _DIFF_CONTEXT
    if ops[0][0] == "equal":
        tag, i0, i1, j0, j1 = ops[0]
        ops[0] = (tag, max(i0, i1 - context), i1, max(j0, j1 - context), j1)
    if ops[-1][0] == "equal":
        tag, i0, i1, j0, j1 = ops[-1]
        ops[-1] = (tag, i0, min(i1, i0 + context), j0, min(j1, j0 + context))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i0, i1, j0, j1 in ops:
        if tag == "equal" and i1 - i0 > 2 * context:
            group.append((tag, i0, i0 + context, j0, j0 + context))
            groups.append(group)
            group = []
            i0, j0 = i1 - context, j1 - context
        group.append((tag, i0, i1, j0, j1))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return [g for g in groups if any(op[0] != "equal" for op in g)]


def _diff_name(path: str) -> str:
    return Path(path).as_posix() if not Path(path).is_absolute() else Path(path).as_posix().lstrip("/")


def _diff_path(prefix: str, name: str) -> bytes:
    """``a/name``, in double quotes with C escapes (as git writes it) when the name holds special characters."""
    raw = (prefix + name).encode("utf-8", "surrogateescape")
    if not re.search(rb'[\x00-\x20"\\\x7f]', raw):
        return raw
    escaped = b"".join(_C_ESCAPES.get(byte, bytes([byte]) if 0x20 <= byte < 0x7f else b"\\%03o" % byte)
                       for byte in raw)
    return b'"' + escaped + b'"'


_C_ESCAPES = {0x22: b'\\"', 0x5c: b"\\\\", 0x0a: b"\\n", 0x09: b"\\t", 0x0d: b"\\r", 0x07: b"\\a", 0x08: b"\\b",
              0x0b: b"\\v", 0x0c: b"\\f", 0x20: b" "}
