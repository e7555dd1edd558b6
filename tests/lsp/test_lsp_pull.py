"""Pull diagnostics (textDocument/diagnostic), for clients that support them fully."""

from __future__ import annotations

from pathlib import Path

from lsp_support import Session, eventually
from lsprotocol import types

import opsc_terms

SENTENCE = "Police rescued three child prostitutes. Viewers of child pornography were arrested.\n"


async def pull(session: Session, uri: str, previous: str | None = None) -> types.DocumentDiagnosticReport:
    return await session.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous))


async def test_diagnostics_are_pulled_not_pushed(pull_session: Session, tmp_path: Path) -> None:
    result = await pull_session.initialize(root=tmp_path)
    provider = result.capabilities.diagnostic_provider
    assert isinstance(provider, types.DiagnosticOptions)
    assert provider.identifier == "opsc-terms"
    assert pull_session.pull

    uri = pull_session.open(tmp_path / "news.txt", SENTENCE)
    report = await pull(pull_session, uri)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["child-prostitute", "child-pornography"]

    # Nothing changed: the client keeps what it has.
    again = await pull(pull_session, uri, report.result_id)
    assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
    assert again.result_id == report.result_id

    start = SENTENCE.index("child prostitutes")
    pull_session.edit(uri, start, start + len("child prostitutes"), "children")
    changed = await pull(pull_session, uri, report.result_id)
    assert isinstance(changed, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in changed.items] == ["child-pornography"]
    assert pull_session.recorded.published == {}


async def test_settings_change_asks_the_client_to_pull_again(pull_session: Session, tmp_path: Path) -> None:
    await pull_session.initialize(root=tmp_path)
    uri = pull_session.open(tmp_path / "news.txt", SENTENCE)
    assert len(await pull_session.diagnostics(uri)) == 2
    refreshes = pull_session.client.diagnostic_refresh_count
    pull_session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"opscTerms": {"ignore": ["child-prostitute"]}}))
    await eventually(lambda: pull_session.client.diagnostic_refresh_count > refreshes, "a diagnostic refresh")
    assert [d.code for d in await pull_session.diagnostics(uri)] == ["child-pornography"]


async def test_a_pull_during_a_burst_of_edits_answers_for_the_final_text(pull_session: Session,
                                                                         tmp_path: Path) -> None:
    await pull_session.initialize(root=tmp_path)
    uri = pull_session.open(tmp_path / "draft.txt", "")
    for i in range(200):
        text = pull_session.text(uri)
        pull_session.edit(uri, len(text), len(text), "child prostitutes, " if i % 7 == 0 else "words ")
    final = pull_session.text(uri)
    diagnostics = await pull_session.diagnostics(uri)
    assert pull_session.spans(uri, diagnostics) == sorted((f.rule, f.start, f.end) for f in opsc_terms.check(final))


async def test_closed_documents_have_no_diagnostics(pull_session: Session, tmp_path: Path) -> None:
    await pull_session.initialize(root=tmp_path)
    uri = pull_session.open(tmp_path / "news.txt", SENTENCE)
    assert await pull_session.diagnostics(uri)
    pull_session.close(uri)
    report = await pull(pull_session, uri)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert list(report.items) == []
