"""One document that is slow to check never holds up the others, and a check has a time box.

Each test starts a server of its own: a pathological document keeps a thread of the
server busy until it is read (Python cannot stop it), and only ending the process ends it.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest_lsp
from lsp_support import SERVER_COMMAND, Editor, TestClient, eventually, make_client
from lsprotocol import types
from pytest_lsp import ClientServerConfig

SENTENCE = "Police rescued three child prostitutes.\n"
# Documents that took minutes to read with the first readers: 150,000 unclosed comments,
# and braces nested 15,000 deep.
PATHOLOGICAL = [
    ("page.html", "html", "<!--" * 150_000 + "\n" + SENTENCE),
    ("paper.tex", "latex", "\\textbf{" * 15_000 + SENTENCE),
]
# A long document whose check is real work: every paragraph differs, so none is cached.
DENSE = "\n\n".join(f"Paragraph {i}: the police rescued {i} child prostitutes in the raid." for i in range(20_000))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*SERVER_COMMAND, "--check-timeout", "0.5"],
                                              client_factory=make_client))
async def impatient(lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = "visual-studio-code"
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[*SERVER_COMMAND, "--check-timeout", "0.5"],
                                              client_factory=make_client))
async def impatient_pull(lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = "vscode-pull"
    yield
    await lsp_client.shutdown_session()


async def test_a_pathological_document_does_not_hold_up_a_normal_one(impatient: TestClient, tmp_path: Path) -> None:
    editor = Editor(impatient)
    await editor.initialize(root=tmp_path)
    for name, language, text in PATHOLOGICAL:
        editor.open(tmp_path / name, text, language=language)
    start = time.monotonic()
    normal = editor.open(tmp_path / "news.txt", SENTENCE)
    assert [d.code for d in await editor.diagnostics(normal)] == ["child-prostitute"]
    # Behind the pathological documents, this took minutes; beside them, a few seconds
    # (loading spaCy, sharing the processor with them). The bound is far from both.
    assert time.monotonic() - start < 45
    # The server still answers while those documents are being read.
    edited = editor.open(tmp_path / "other.md", SENTENCE, language="markdown")
    assert [d.code for d in await editor.diagnostics(edited)] == ["child-prostitute"]


async def test_a_check_past_its_time_box_keeps_the_last_result(impatient: TestClient, tmp_path: Path) -> None:
    editor = Editor(impatient)
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "report.md", SENTENCE, language="markdown")
    assert len(await editor.diagnostics(uri)) == 1
    published = len(editor.recorded.published[uri])
    editor.replace_all(uri, DENSE)
    await eventually(lambda: any("too complex to check" in m.message for m in editor.client.messages),
                     "the message that the document is too complex")
    [message] = [m for m in editor.client.messages if "too complex to check" in m.message]
    assert "report.md" in message.message
    assert "0.5 s" in message.message
    # Nothing was published for the version that could not be checked: the editor keeps
    # showing the last complete result.
    assert len(editor.recorded.published[uri]) == published
    # Other documents are checked, and so is this one once it is checkable again.
    other = editor.open(tmp_path / "news.txt", SENTENCE)
    assert len(await editor.diagnostics(other)) == 1
    editor.replace_all(uri, SENTENCE + SENTENCE)
    assert len(await editor.diagnostics(uri)) == 2


async def test_a_pull_past_the_time_box_answers_with_the_last_result(impatient_pull: TestClient,
                                                                     tmp_path: Path) -> None:
    editor = Editor(impatient_pull)
    await editor.initialize(root=tmp_path)
    assert editor.pull
    uri = editor.open(tmp_path / "report.md", SENTENCE, language="markdown")
    [first] = await editor.diagnostics(uri)
    editor.replace_all(uri, DENSE)
    report = await editor.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert list(report.items) == [first]


async def test_an_edit_made_while_a_check_runs_out_of_time_is_checked(impatient: TestClient, tmp_path: Path) -> None:
    editor = Editor(impatient)
    await editor.initialize(root=tmp_path)
    uri = editor.open(tmp_path / "report.md", DENSE, language="markdown")
    # While the long check runs, the text becomes short: its check waits for the long one,
    # which runs out of time, and then goes ahead.
    editor.replace_all(uri, SENTENCE)
    assert [d.code for d in await editor.diagnostics(uri)] == ["child-prostitute"]
