"""What the editor offers on a finding: quick fixes, fix all, disable comments and hover.

Everything here works from a :class:`~.linting.LintResult` or from the ``data`` the
diagnostics carry, never by checking the document again. Every edit is checked against
the document's current text first: an edit computed for text that has changed since is
not offered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

from opsc_terms import Edit, Fix
from opsc_terms.documents import directive_comment
from opsc_terms.explain import rule_markdown

from .linting import SOURCE, LintResult, to_diagnostic
from .positions import PositionMap

FIX_ALL_KIND = "source.fixAll.opscTerms"
FIX_ALL_TITLE = "Fix all safe opsc-terms findings"
_APPLICABILITIES = ("safe", "unsafe", "display-only")
# Formats whose suppression comment stands on a line of its own.
_OWN_LINE = frozenset({"text", "restructuredtext"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Target:
    """A finding that a code action can act on, located in the current text."""

    rule: str
    start: int
    end: int
    text: str
    replacements: tuple[str, ...]
    fix: Fix | None
    diagnostic: types.Diagnostic | None


def targets_from_diagnostics(diagnostics: Iterable[types.Diagnostic], positions: PositionMap) -> list[Target]:
    """Targets from the diagnostics a client sends back with a request: the span from the
    diagnostic's range in the current text, the rest from its ``data`` (where the fix's
    offsets count from the start of the span).

    A diagnostic whose span no longer holds the reported text (the document changed
    since) is skipped rather than trusted.
    """
    text = positions.text
    targets = []
    for diagnostic in diagnostics:
        data = diagnostic.data
        if diagnostic.source != SOURCE or not isinstance(data, Mapping):
            continue
        start, end = positions.offset(diagnostic.range.start), positions.offset(diagnostic.range.end)
        try:
            rule, reported = str(data["rule"]), str(data["text"])
            replacements = tuple(str(r) for r in data.get("replacements") or ())
            fix = _fix_from_data(data.get("fix"), start, len(text))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if start <= end and text[start:end] == reported:
            targets.append(Target(rule, start, end, reported, replacements, fix, diagnostic))
    return targets


def _fix_from_data(raw: Any, start: int, length: int) -> Fix | None:
    """A fix as a diagnostic's data carries it (edits relative to ``start``); anything
    malformed is no fix at all."""
    if raw is None:
        return None
    applicability = raw["applicability"]
    if applicability not in _APPLICABILITIES:
        raise ValueError(applicability)
    edits = tuple(Edit(start + int(e["start"]), start + int(e["end"]), str(e["text"])) for e in raw["edits"])
    if not edits or any(not 0 <= e.start <= e.end <= length for e in edits):
        raise ValueError("edits out of range")
    return Fix(str(raw["text"]), applicability, edits, None if raw.get("note") is None else str(raw["note"]))


def targets_from_result(result: LintResult, start: int, end: int) -> list[Target]:
    """Targets for the findings of a current result that touch ``start``..``end``."""
    assert result.checker is not None or not result.findings
    return [Target(f.rule, f.start, f.end, f.text, f.replacements, f.fix,
                   to_diagnostic(f, result.checker, result.positions) if result.checker is not None else None)
            for f in result.findings if f.start <= end and f.end >= start]


def kind_allowed(kind: str, only: Sequence[str] | None) -> bool:
    """Whether an action of ``kind`` answers a request for the kinds ``only``."""
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


class EditBuilder:
    """Builds workspace edits for one document in the form the client understands."""

    def __init__(self, uri: str, version: int | None, text: str, positions: PositionMap,
                 document_changes: bool) -> None:
        self.uri = uri
        self.version = version
        self.text = text
        self.positions = positions
        self.document_changes = document_changes

    def edit(self, replacements: Iterable[tuple[int, int, str]]) -> types.WorkspaceEdit:
        edits = [types.TextEdit(range=self.positions.range(s, e), new_text=new) for s, e, new in replacements]
        if self.document_changes:
            # With the version, a client refuses the edit if the document changed meanwhile.
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
                text_document=identifier, edits=list(edits))])
        return types.WorkspaceEdit(changes={self.uri: edits})


def fix_all_action(result: LintResult, fixes: list[tuple[int, int, str]],
                   builder: EditBuilder) -> types.CodeAction | None:
    """Fix All: ``fixes`` are the edits ``opsc-terms check --fix`` would make (see ``Linter.fix_all_edits``)."""
    if not fixes:
        return None
    return types.CodeAction(title=FIX_ALL_TITLE, kind=FIX_ALL_KIND, edit=builder.edit(fixes),
                            diagnostics=[d for f, d in zip(result.findings, result.diagnostics, strict=True)
                                         if f.fixable()])


def quick_fixes(target: Target, builder: EditBuilder) -> list[types.CodeAction]:
    """The fix, then the other replacements that fit the place; the fix is preferred when it is safe.

    Nothing is offered for advice (display-only): a mention, a quotation, words across
    markup, or a sentence that needs rewording by hand.
    """
    fix = target.fix
    if fix is None or fix.applicability == "display-only":
        return []
    diagnostics = [target.diagnostic] if target.diagnostic is not None else None
    actions = [types.CodeAction(
        title=f"Replace “{target.text}” with “{fix.text}”" + (" (check the wording)" if fix.applicability == "unsafe"
                                                             else ""),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=diagnostics,
        edit=builder.edit([(e.start, e.end, e.text) for e in fix.edits]),
        is_preferred=True if fix.applicability == "safe" else None,
    )]
    for replacement in target.replacements:
        if replacement == fix.text:
            continue
        actions.append(types.CodeAction(
            title=f"Replace “{target.text}” with “{replacement}” (check the wording)",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=diagnostics,
            edit=builder.edit([(target.start, target.end, replacement)]),
        ))
    return actions


def disable_action(target: Target, fmt: str, builder: EditBuilder) -> types.CodeAction | None:
    """"Disable RULE for this line", with the suppression comment the command line reads.

    Where a comment can close a line (Markdown, HTML, LaTeX) it goes at the end of the
    line, which changes nothing else: a comment line of its own would end a Markdown
    paragraph. Plain text puts it on its own line above. In reStructuredText a comment
    is a block of its own, so it can only go above the first line of a paragraph.
    """
    text = builder.text
    line_start = max(text.rfind("\n", 0, target.start), text.rfind("\r", 0, target.start)) + 1
    break_at = _LINE_BREAK.search(text, target.start)
    line_end = break_at.start() if break_at else len(text)
    newline = m.group() if (m := _LINE_BREAK.search(text)) else "\n"
    if fmt in _OWN_LINE:
        comment = directive_comment(fmt, "disable-next-line", [target.rule])
        if comment is None:
            return None
        indent = re.match(r"[ \t]*", text[line_start:target.start])
        insertion = (indent.group() if indent else "") + comment + newline
        if fmt == "restructuredtext":
            before = _LINE_BREAK.split(text[:line_start])  # [..., previous line, ""]
            if len(before) >= 2 and before[-2].strip():
                return None  # not the first line of its paragraph
            insertion += newline  # a comment needs a blank line after it
        edit = (line_start, line_start, insertion)
    else:
        comment = directive_comment(fmt, "disable-line", [target.rule])
        if comment is None:
            return None
        # Before trailing spaces: two of them end a line in Markdown.
        at = line_start + len(text[line_start:line_end].rstrip(" \t"))
        edit = (at, at, " " + comment)
    return types.CodeAction(
        title=f"Disable {target.rule} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[target.diagnostic] if target.diagnostic is not None else None,
        edit=builder.edit([edit]),
    )


def code_actions(targets: Sequence[Target], result: LintResult | None, fix_all: list[tuple[int, int, str]],
                 builder: EditBuilder, fmt: str, only: Sequence[str] | None) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    if kind_allowed(types.CodeActionKind.QuickFix, only):
        seen: set[tuple[str, int, int]] = set()
        for target in targets:
            if (target.rule, target.start, target.end) in seen:
                continue
            seen.add((target.rule, target.start, target.end))
            actions.extend(quick_fixes(target, builder))
            if (disable := disable_action(target, fmt, builder)) is not None:
                actions.append(disable)
    if result is not None and kind_allowed(FIX_ALL_KIND, only) and (action := fix_all_action(result, fix_all, builder)):
        actions.append(action)
    return actions


def finding_at(result: LintResult, offset: int, text: str) -> int | None:
    """The finding under ``offset`` in ``text``, the narrowest when several overlap.

    ``text`` may be newer than the result (the check of the latest edit is still due);
    a finding counts only where its span still holds the reported words. A cursor right
    after the term still counts (editors leave it there when they reveal a problem), but
    a finding that starts at the cursor wins over one that ends there.
    """
    hits = [i for i, f in enumerate(result.findings) if f.start <= offset <= f.end and text[f.start:f.end] == f.text]
    return min(hits, key=lambda i: (offset == result.findings[i].end,
                                    result.findings[i].end - result.findings[i].start)) if hits else None


def explanation(result: LintResult, index: int) -> str:
    """The rule's explanation, the same text as ``opsc-terms explain``."""
    assert result.checker is not None
    pack = result.checker.pack
    return rule_markdown(pack, pack.rule(result.findings[index].rule))


def hover(result: LintResult, index: int, positions: PositionMap) -> types.Hover:
    finding = result.findings[index]
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=explanation(result, index)),
                       range=positions.range(finding.start, finding.end))


def explain_at(result: LintResult, index: int) -> dict[str, Any]:
    return {"rule": result.findings[index].rule, "markdown": explanation(result, index)}
