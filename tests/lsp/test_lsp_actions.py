"""Quick fixes, fix all, hover and the commands, end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_support import Editor, edits_for
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

import opsc_terms
from opsc_terms.explain import rule_markdown

PACK = opsc_terms.load_builtin("en")
# Three findings: one with a safe fix, one with a fix that would not read right before
# a noun (so none), and one after an emoji, to keep positions honest.
TEXT = ("🚨 Police rescued three child prostitutes.\n"
        "The child prostitution ring was run from a flat.\n"
        "Officers seized child pornography.\n")


async def test_quick_fixes_offer_every_replacement_and_prefer_the_safe_one(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    diagnostics = await editor.diagnostics(uri)
    start = TEXT.index("child prostitutes")
    [diagnostic] = [d for d in diagnostics if d.code == "child-prostitute"]

    actions = await editor.code_actions(uri, [diagnostic], start + 3, start + 3)
    quick_fixes = [a for a in actions if a.title.startswith("Replace")]
    [finding] = [f for f in opsc_terms.check(TEXT) if f.rule == "child-prostitute"]
    replaced = [editor.apply(uri, a.edit) for a in quick_fixes]
    assert replaced == [TEXT[:finding.start] + r + TEXT[finding.end:] for r in finding.replacements]
    assert [a.is_preferred for a in quick_fixes] == [True] + [None] * (len(finding.replacements) - 1)
    assert replaced[0].startswith("🚨 Police rescued three children exploited in prostitution.\n")
    assert all(list(a.diagnostics or ()) == [diagnostic] for a in quick_fixes)
    # Without a filter, fix all comes along (as a source action).
    assert {a.kind for a in actions} == {types.CodeActionKind.QuickFix, "source.fixAll.opscTerms"}


async def test_disable_for_this_line(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    markdown = "# Report\n\nPolice rescued three child prostitutes\nand seized child pornography.\n"
    documents = {"plaintext": (tmp_path / "news.txt", TEXT), "markdown": (tmp_path / "news.md", markdown)}
    for language, (path, text) in documents.items():
        uri = editor.open(path, text, language=language)
        diagnostics = await editor.diagnostics(uri)
        [diagnostic] = [d for d in diagnostics if d.code == "child-prostitute"]
        start = text.index("child prostitutes")
        actions = await editor.code_actions(uri, [diagnostic], start, start)
        [disable] = [a for a in actions if a.title == "Disable child-prostitute for this line"]
        assert disable.kind == types.CodeActionKind.QuickFix
        assert not disable.is_preferred
        disabled = editor.apply(uri, disable.edit)
        if language == "markdown":  # a comment at the end of the line keeps the paragraph whole
            assert disabled == markdown.replace("prostitutes\n", "prostitutes <!-- opsc-terms: disable-line "
                                                                  "child-prostitute -->\n")
        else:
            assert disabled == "opsc-terms: disable-next-line child-prostitute\n" + TEXT
        # Applied, the comment does its work and nothing else changes.
        editor.replace_all(uri, disabled)
        after = await editor.diagnostics(uri)
        assert sorted(str(d.code) for d in after) == sorted(str(d.code) for d in diagnostics
                                                           if d.code != "child-prostitute")


async def test_quick_fixes_without_diagnostics_in_the_request(editor: Editor, tmp_path: Path) -> None:
    # Some clients do not send the diagnostics (or their data) back with the request.
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)
    start = TEXT.index("child pornography")
    actions = await editor.code_actions(uri, [], start, start + 5, only=[types.CodeActionKind.QuickFix])
    assert actions
    assert actions[0].is_preferred
    assert editor.apply(uri, actions[0].edit) == TEXT.replace("child pornography", "child sexual abuse material")


async def test_a_stale_diagnostic_gets_no_edit(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    diagnostics = await editor.diagnostics(uri)
    # The user deletes the first line; the client still holds the old diagnostics.
    first_line = TEXT.index("\n") + 1
    editor.edit(uri, 0, first_line, "")
    stale = [d for d in diagnostics if d.code == "child-prostitute"]
    actions = await editor.code_actions(uri, stale, 0, 0, only=[types.CodeActionKind.QuickFix])
    assert actions == []


async def test_fix_all_applies_exactly_the_safe_fixes(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)
    expected = opsc_terms.fix(TEXT, opsc_terms.check(TEXT))
    assert expected != TEXT

    [action] = await editor.code_actions(uri, [], 0, 0, only=["source.fixAll"])
    assert action.kind == "source.fixAll.opscTerms"
    assert editor.apply(uri, action.edit) == expected

    # The same through the command, which asks the client to apply the edit.
    result = await editor.command("opscTerms.fixAll", uri)
    assert result == {"applied": True, "fixes": 2}
    [applied] = [a for a in editor.recorded.applied_edits if edits_for(a.edit, uri)]
    assert editor.apply(uri, applied.edit) == expected


async def test_fix_all_is_offered_on_a_document_just_changed(editor: Editor, tmp_path: Path) -> None:
    # As editors ask on save: the check of the new text is still due when the request
    # arrives, and the answer must be for the new text.
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", "Nothing to see.\n")
    await editor.diagnostics(uri)
    editor.edit(uri, 0, 0, TEXT)
    [action] = await editor.code_actions(uri, [], 0, 0, only=["source.fixAll.opscTerms"])
    text = editor.text(uri)
    assert editor.apply(uri, action.edit) == opsc_terms.fix(text, opsc_terms.check(text))


async def test_edits_name_the_document_version_when_the_client_can_check_it(editor: Editor,
                                                                             tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)
    [action] = await editor.code_actions(uri, [], 0, 0, only=["source.fixAll"])
    assert action.edit is not None
    if editor.client_name == "visual-studio-code":  # declares workspaceEdit.documentChanges
        [change] = action.edit.document_changes or []
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.version == 1
    else:
        assert action.edit.document_changes is None
        assert len(edits_for(action.edit, uri)) == 2


async def test_hover_shows_the_rule_explanation(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)

    hover = await editor.hover(uri, TEXT.index("prostitutes"))
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value == rule_markdown(PACK, PACK.rule("child-prostitute"))

    assert await editor.hover(uri, TEXT.index("Police")) is None


async def test_hover_right_after_an_edit_answers_for_the_new_text(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)
    old = TEXT.index("child pornography")
    # Words inserted before a term move it; the check of the new text may not have run.
    editor.edit(uri, 0, 0, "Officers seized material. ")
    new = editor.text(uri).index("child pornography")
    moved = await editor.hover(uri, new + 2)
    assert moved is not None
    assert isinstance(moved.contents, types.MarkupContent)
    assert moved.contents.value == rule_markdown(PACK, PACK.rule("child-pornography"))
    assert moved.range is not None
    assert editor.spans(uri, [types.Diagnostic(range=moved.range, message="", code="x")]) == [
        ("x", new, new + len("child pornography"))]
    assert await editor.hover(uri, old + 2) is None  # now the middle of other words


async def test_explain_commands(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "news.txt", TEXT)
    await editor.diagnostics(uri)
    markdown = rule_markdown(PACK, PACK.rule("child-pornography"))

    assert await editor.command("opscTerms.explainRule", "child-pornography") == markdown
    with pytest.raises(JsonRpcInvalidParams, match="no-such-rule"):
        await editor.command("opscTerms.explainRule", "no-such-rule")

    at = editor.text(uri).index("pornography")
    found = await editor.command("opscTerms.explainAt", uri, {"line": 2, "character": at - TEXT.rindex("\n", 0, at)})
    assert found == {"rule": "child-pornography", "markdown": markdown}
    # Right after the term, where an editor leaves the cursor when it reveals the problem.
    after = at + len("pornography") - (TEXT.rindex("\n", 0, at) + 1)
    assert await editor.command("opscTerms.explainAt", uri, {"line": 2, "character": after}) == found
    assert await editor.command("opscTerms.explainAt", uri, {"line": 2, "character": 0}) is None


async def test_commands_are_advertised(editor: Editor, tmp_path: Path) -> None:
    result = await editor.initialize(root=tmp_path)
    provider = result.capabilities.execute_command_provider
    assert provider is not None
    assert set(provider.commands) == {"opscTerms.fixAll", "opscTerms.explainRule", "opscTerms.explainAt"}
    options = result.capabilities.code_action_provider
    assert isinstance(options, types.CodeActionOptions)
    assert set(options.code_action_kinds or ()) == {"quickfix", "source.fixAll.opscTerms"}
    # Neither client can be asked to pull diagnostics again, so both get them pushed.
    assert result.capabilities.diagnostic_provider is None
