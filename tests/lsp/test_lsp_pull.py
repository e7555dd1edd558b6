"""Pull diagnostics (textDocument/diagnostic), for clients that support them fully."""

from __future__ import annotations

from pathlib import Path

from lsp_support import Editor, eventually
from lsprotocol import types

import opsc_terms

SENTENCE = "Police rescued three child prostitutes. Viewers of child pornography were arrested.\n"


async def pull(editor: Editor, uri: str, previous: str | None = None) -> types.DocumentDiagnosticReport:
    return await editor.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous))


async def test_diagnostics_are_pulled_not_pushed(pull_editor: Editor, tmp_path: Path) -> None:
    result = await pull_editor.initialize(root=tmp_path)
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.identifier == "opsc-terms"
    assert pull_editor.pull

    uri = pull_editor.open(tmp_path / "news.txt", SENTENCE)
    report = await pull(pull_editor, uri)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["child-prostitute", "child-pornography"]

    # Nothing changed: the client keeps what it has.
    again = await pull(pull_editor, uri, report.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == report.result_id

    start = SENTENCE.index("child prostitutes")
    pull_editor.edit(uri, start, start + len("child prostitutes"), "children")
    changed = await pull(pull_editor, uri, report.result_id)
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in changed.items] == ["child-pornography"]
    assert pull_editor.recorded.published == {}


async def test_settings_change_asks_the_client_to_pull_again(own_pull_editor: Editor, tmp_path: Path) -> None:
    pull_editor = own_pull_editor
    await pull_editor.initialize(root=tmp_path)
    uri = pull_editor.open(tmp_path / "news.txt", SENTENCE)
    assert len(await pull_editor.diagnostics(uri)) == 2
    refreshes = pull_editor.client.diagnostic_refresh_count
    pull_editor.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"opscTerms": {"ignore": ["child-prostitute"]}}))
    await eventually(lambda: pull_editor.client.diagnostic_refresh_count > refreshes, "a diagnostic refresh")
    assert [d.code for d in await pull_editor.diagnostics(uri)] == ["child-pornography"]


async def test_a_pull_during_a_burst_of_edits_answers_for_the_final_text(pull_editor: Editor,
                                                                         tmp_path: Path) -> None:
    await pull_editor.initialize(root=tmp_path)
    uri = pull_editor.open(tmp_path / "draft.txt", "")
    for i in range(200):
        text = pull_editor.text(uri)
        pull_editor.edit(uri, len(text), len(text), "child prostitutes, " if i % 7 == 0 else "words ")
    final = pull_editor.text(uri)
    diagnostics = await pull_editor.diagnostics(uri)
    assert pull_editor.spans(uri, diagnostics) == sorted((f.rule, f.start, f.end) for f in opsc_terms.check(final))


async def test_closed_documents_have_no_diagnostics(pull_editor: Editor, tmp_path: Path) -> None:
    await pull_editor.initialize(root=tmp_path)
    uri = pull_editor.open(tmp_path / "news.txt", SENTENCE)
    assert await pull_editor.diagnostics(uri)
    pull_editor.close(uri)
    report = await pull(pull_editor, uri)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert list(report.items) == []
