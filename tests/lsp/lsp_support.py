"""A test client for the language server, and an independent model of LSP positions.

The position helpers here are written from the LSP specification (lines end at "\\n",
"\\r\\n" or "\\r"; columns count code units of the negotiated encoding), separately from
the server's own conversion, so a test compares the server against the specification
rather than against itself.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER_COMMAND = [sys.executable, "-m", "opsc_terms.lsp_server"]
TIMEOUT = 60.0  # only ever reached when something hangs


# ---------------------------------------------------------------- positions


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def code_units(chars: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(chars.encode("utf-8"))
    if encoding == "utf-32":
        return len(chars)
    return sum(2 if ord(c) > 0xFFFF else 1 for c in chars)


def to_offset(text: str, position: types.Position, encoding: str) -> int:
    starts = line_starts(text)
    start = starts[position.line]
    units = 0
    index = start
    while units < position.character:
        units += code_units(text[index], encoding)
        index += 1
    assert units == position.character, f"position {position} splits a character"
    return index


def to_position(text: str, offset: int, encoding: str) -> types.Position:
    starts = line_starts(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return types.Position(line=line, character=code_units(text[starts[line]:offset], encoding))


def span_of(text: str, rng: types.Range, encoding: str) -> tuple[int, int]:
    return to_offset(text, rng.start, encoding), to_offset(text, rng.end, encoding)


def apply_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    spans = sorted(((*span_of(text, e.range, encoding), e.new_text) for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    """The text edits a workspace edit makes to ``uri``, in either of its two forms."""
    found: list[types.TextEdit] = []
    for change in edit.document_changes or ():
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    for edit_uri, edits in (edit.changes or {}).items():
        if edit_uri == uri:
            found.extend(edits)
    return found


# ---------------------------------------------------------------- client


@dataclass
class Recorded:
    """What the server sent the client on its own initiative."""

    published: dict[str, list[types.PublishDiagnosticsParams]] = field(default_factory=dict)
    registrations: list[types.Registration] = field(default_factory=list)
    configuration_requests: list[types.ConfigurationParams] = field(default_factory=list)
    applied_edits: list[types.ApplyWorkspaceEditParams] = field(default_factory=list)


class TestClient(LanguageClient):
    """pytest-lsp's client, also answering the requests a real editor answers."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        super().__init__(converter_factory=default_converter)
        self.recorded = Recorded()
        self.client_name = ""


def make_client() -> TestClient:
    client = TestClient()
    recorded = client.recorded

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        recorded.published.setdefault(params.uri, []).append(params)
        client.diagnostics[params.uri] = params.diagnostics

    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        recorded.registrations.extend(params.registrations)

    def apply_edit(client: LanguageClient, params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        recorded.applied_edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    def configuration(client: LanguageClient, params: types.ConfigurationParams) -> list[Any]:
        recorded.configuration_requests.append(params)
        return [client.get_configuration(section=item.section, scope_uri=item.scope_uri) for item in params.items]

    register_lsp_features(client, {
        **DEFAULT_CLIENT_FEATURES,
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        types.CLIENT_REGISTER_CAPABILITY: register,
        types.WORKSPACE_APPLY_EDIT: apply_edit,
        types.WORKSPACE_CONFIGURATION: configuration,
    })
    return client


def capabilities(name: str) -> types.ClientCapabilities:
    """A client capability set: pytest-lsp's recordings, plus one modern pull client."""
    if name == "vscode-pull":
        # VS Code since LSP 3.17 pulls diagnostics and can be asked to pull again.
        caps = client_capabilities("visual-studio-code")
        assert caps.text_document is not None
        assert caps.workspace is not None
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=False)
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
        return caps
    return client_capabilities(name)


async def eventually(predicate: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


class Editor:
    """Drives one server through a client's capability set, tracking document text.

    With ``shared``, the server is one that other tests use too (already initialised with
    the default settings): :meth:`initialize` then only reads what it answered.
    """

    def __init__(self, client: TestClient, shared: types.InitializeResult | None = None) -> None:
        self.client = client
        self.recorded = client.recorded
        self.client_name = client.client_name
        self.caps = capabilities(client.client_name)
        self.encoding = "utf-16"
        self.pull = False
        self.docs: dict[str, tuple[int, str]] = {}
        self.result: types.InitializeResult | None = None
        self.shared = shared

    # ---- lifecycle

    async def initialize(self, options: Any = None, root: Path | None = None) -> types.InitializeResult:
        if self.shared is not None:
            if options is not None:
                raise AssertionError("a shared server has the default settings: use the own_editor fixture")
            return self._initialized(self.shared)
        return self._initialized(await self.client.initialize_session(types.InitializeParams(
            capabilities=self.caps, initialization_options=options,
            root_uri=root.as_uri() if root else None,
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else None)))

    def _initialized(self, result: types.InitializeResult) -> types.InitializeResult:
        self.result = result
        encoding = self.result.capabilities.position_encoding
        self.encoding = str(encoding.value if isinstance(encoding, types.PositionEncodingKind) else encoding
                            or "utf-16")
        self.pull = self.result.capabilities.diagnostic_provider is not None
        return self.result

    # ---- documents

    def text(self, uri: str) -> str:
        return self.docs[uri][1]

    def version(self, uri: str) -> int:
        return self.docs[uri][0]

    def open(self, path: Path, text: str, language: str = "plaintext") -> str:
        uri = path.as_uri()
        self.docs[uri] = (1, text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
        return uri

    def edit(self, uri: str, start: int, end: int, new_text: str) -> None:
        """An incremental change, as editors send while typing."""
        version, text = self.docs[uri]
        rng = types.Range(start=to_position(text, start, self.encoding), end=to_position(text, end, self.encoding))
        self.docs[uri] = (version + 1, text[:start] + new_text + text[end:])
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
            content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new_text)]))

    def replace_all(self, uri: str, new_text: str) -> None:
        version, _ = self.docs[uri]
        self.docs[uri] = (version + 1, new_text)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version + 1),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]))

    def close(self, uri: str) -> None:
        del self.docs[uri]
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))

    # ---- diagnostics

    async def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        """The diagnostics for the document's current version, pushed or pulled."""
        if self.pull:
            report = await self.client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=uri)))
            assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
            return list(report.items)
        version = self.version(uri)
        published = self.recorded.published
        await eventually(lambda: any(p.version == version for p in published.get(uri, [])),
                         f"diagnostics of {uri} version {version}")
        return list(next(p for p in reversed(published[uri]) if p.version == version).diagnostics)

    async def republished(self, uri: str, since: int) -> list[types.Diagnostic]:
        """Diagnostics published after the first ``since`` publications (push clients)."""
        await eventually(lambda: len(self.recorded.published.get(uri, [])) > since, f"new diagnostics of {uri}")
        return list(self.recorded.published[uri][-1].diagnostics)

    def spans(self, uri: str, diagnostics: Iterable[types.Diagnostic]) -> list[tuple[str, int, int]]:
        """(rule, start, end) of diagnostics, as offsets into the current text."""
        text = self.text(uri)
        return sorted((str(d.code), *span_of(text, d.range, self.encoding)) for d in diagnostics)

    # ---- requests

    async def code_actions(self, uri: str, diagnostics: Sequence[types.Diagnostic], start: int, end: int,
                           only: Sequence[str] | None = None) -> list[types.CodeAction]:
        text = self.text(uri)
        rng = types.Range(start=to_position(text, start, self.encoding), end=to_position(text, end, self.encoding))
        result = await self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=rng,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=list(only) if only else None)))
        return [a for a in result or [] if isinstance(a, types.CodeAction)]

    def apply(self, uri: str, edit: types.WorkspaceEdit | None) -> str:
        """The document's text after a workspace edit (the editor's copy is not changed)."""
        assert edit is not None
        return apply_edits(self.text(uri), edits_for(edit, uri), self.encoding)

    async def hover(self, uri: str, offset: int) -> types.Hover | None:
        return await self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=to_position(self.text(uri), offset, self.encoding)))

    async def command(self, name: str, *arguments: Any) -> Any:
        return await self.client.workspace_execute_command_async(types.ExecuteCommandParams(
            command=name, arguments=list(arguments)))
