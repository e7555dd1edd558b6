"""The opsc-terms language server: wiring of LSP messages to the linter and the actions.

Start it with ``opsc-terms-lsp`` (stdio) or ``opsc-terms-lsp --tcp HOST PORT``. It logs
to stderr; stdout carries the protocol and nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import inspect
import json
import logging
import re
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import to_fs_path

from opsc_terms import __version__, get_checker
from opsc_terms.cache import ensure_bytecode
from opsc_terms.explain import rule_markdown

from . import actions
from .linting import DEFAULT_CHECK_TIMEOUT, SOURCE, Linter, LintResult, document_format
from .positions import LspWorkspace, PositionMap
from .settings import SECTION, Problem, parse_settings

logger = logging.getLogger(__name__)

CMD_FIX_ALL = "opscTerms.fixAll"
CMD_EXPLAIN_RULE = "opscTerms.explainRule"
CMD_EXPLAIN_AT = "opscTerms.explainAt"
_SETTINGS_KEYS = {"profile", "language", "select", "ignore", "severity", "languages", "debounceMs"}
_WATCHED = "**/*.toml"  # configuration files and rule files
# The largest message read. A document opened in an editor arrives whole in one message,
# so this is generous; a client that announces more (100 GB, say) gets an error instead
# of a server that tries to allocate it and dies.
DEFAULT_MAX_MESSAGE_MB = 256
_HEADER_LINE_LIMIT = 64 * 1024
_CONTENT_LENGTH_RE = re.compile(rb"content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?\n", re.IGNORECASE)
_CONTENT_LENGTH_ANYWHERE_RE = re.compile(rb"Content-Length: *(\d+)\r\n", re.IGNORECASE)


class RawJSON:
    """A result already serialised as JSON, sent as it is (the diagnostics of a long
    document: converting thousands of them to objects and back costs more than the check)."""

    def __init__(self, text: str) -> None:
        self.text = text


class _Unanswerable:
    """A message that could not be read as what its method requires."""

    def __init__(self, data: Mapping[str, Any], error: JsonRpcException) -> None:
        self.data = data
        self.error = error


class OpscProtocol(LanguageServerProtocol):
    """pygls' protocol, stricter about malformed input.

    pygls logs and drops a message it cannot read, which leaves a client waiting for an
    answer forever. Here every request gets an answer: a parse error, an invalid request
    or invalid params (JSON-RPC 2.0, section 5.1), "not initialized" before
    ``initialize``, and "invalid request" after ``shutdown``.
    """

    _server: OpscLanguageServer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialized = False
        self._writes: set[asyncio.Future[Any]] = set()

    def send_error(self, msg_id: Any, code: int, message: str) -> None:
        # Built by hand: the typed message drops an ``id`` of None, and JSON-RPC wants
        # ``"id": null`` when the id could not be read.
        if not isinstance(msg_id, str | int) or isinstance(msg_id, bool):
            msg_id = None
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    def send_json(self, body: str) -> None:
        """Send one message given as its JSON text."""
        if self.writer is None:
            return
        data = body.encode("utf-8")
        header = f"Content-Length: {len(data)}\r\nContent-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        written = self.writer.write(header.encode("ascii") + data)
        if inspect.isawaitable(written):  # the TCP and WebSocket writers
            task = asyncio.ensure_future(written)
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)

    def _send_response(self, msg_id: Any, result: Any | None = None, error: Any = None) -> None:
        if error is None and isinstance(result, RawJSON):
            self._result_types.pop(msg_id, None)
            self.send_json(f'{{"id": {json.dumps(msg_id)}, "jsonrpc": "2.0", "result": {result.text}}}')
            return
        super()._send_response(msg_id, result, error)

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            return _Unanswerable(data, exc)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Unanswerable):
            data = message.data
            if "method" in data and "id" in data:
                self.send_error(data["id"], JsonRpcInvalidParams.CODE,
                                f"Invalid params for {data['method']!r}: {message.error.__cause__ or message.error}")
            elif "id" in data and (future := self._request_futures.pop(data["id"], None)) is not None:
                # A client's answer to one of our requests that cannot be read (an applyEdit
                # answered with null): whoever waits for it gets an error, not silence.
                future.set_exception(JsonRpcInvalidParams(
                    message=f"the client's answer could not be read: {message.error.__cause__ or message.error}"))
            else:
                logger.warning("dropping a message that cannot be read: %.200s", json.dumps(data, default=str))
            return
        if not hasattr(message, "jsonrpc") or getattr(message, "jsonrpc", None) != self.VERSION:
            # Not a JSON-RPC 2.0 message: a bare value, an array (LSP has no batches),
            # or an object without "jsonrpc": "2.0".
            if isinstance(message, dict):
                msg_id, is_response = message.get("id"), "method" not in message and "id" in message
            elif hasattr(message, "jsonrpc"):  # read as a typed message, but not version 2.0
                msg_id, is_response = getattr(message, "id", None), not hasattr(message, "method")
            else:
                msg_id, is_response = None, False
            if not is_response:
                self.send_error(msg_id, -32600, "Invalid Request: not a JSON-RPC 2.0 message")
            return
        method = getattr(message, "method", None)
        is_request = method is not None and hasattr(message, "id")
        if is_request and not self.initialized and method != types.INITIALIZE:
            self.send_error(message.id, -32002, f"Server not initialized: {method!r} before 'initialize'")
            return
        if is_request and self._shutdown and method != types.EXIT:
            self.send_error(message.id, -32600, f"Invalid Request: {method!r} after 'shutdown'")
            return
        super().handle_message(message)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams) -> Generator[Any, Any, types.InitializeResult]:
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        # LSP line breaks for every document (see positions.LspWorkspace).
        old = self.workspace
        self._workspace = LspWorkspace(old.root_uri, self._server.text_document_sync_kind,
                                       list(old.folders.values()), old.position_encoding)
        if not self._server.linter.pull:
            # Registered so a pull-capable client can use it, but only advertised when
            # this client gets its diagnostics by pull; otherwise it would get them twice.
            result.capabilities.diagnostic_provider = None
        self.initialized = True
        return result


class _StdinReader:
    """Blocking reads of standard input, run on a worker thread so the event loop keeps going."""

    def __init__(self, stream: BinaryIO, run: Callable[..., Awaitable[bytes]]) -> None:
        self.stream = stream
        self.run = run

    def readline(self, limit: int) -> Awaitable[bytes]:
        return self.run(self.stream.readline, limit)

    def read(self, size: int) -> Awaitable[bytes]:
        return self.run(self.stream.read, size)


async def read_messages(reader: _StdinReader, protocol: OpscProtocol, stop: threading.Event, *,
                        max_bytes: int, on_error: Callable[[Exception, Any], None]) -> None:
    """Read framed JSON-RPC messages until the input ends, and hand each to the protocol.

    pygls' own loop reads whatever length a header announces in one allocation and reads
    header lines without a limit, so "Content-Length: 100000000000" ends the server. Here
    a message over ``max_bytes`` is refused with an error (its id cannot be known: null)
    and skipped: the input is scanned, in bounded pieces, for the next ``Content-Length``
    header (a JSON body cannot contain one: JSON strings hold no raw line breaks), so the
    next message is read whether the oversized body was sent or only announced.
    """
    length: int | None = None
    while not stop.is_set():
        line = await reader.readline(_HEADER_LINE_LIMIT)
        if not line:
            return
        if not line.endswith(b"\n"):
            # A header line longer than any real one: drop it up to its end.
            while line and not line.endswith(b"\n"):
                line = await reader.readline(_HEADER_LINE_LIMIT)
            continue
        if line.strip():
            m = _CONTENT_LENGTH_RE.fullmatch(line)
            if m is not None:
                digits = m.group(1)
                length = int(digits) if len(digits) <= 18 else max_bytes + 1
            continue  # other headers (Content-Type) change nothing
        if length is None:
            continue  # a blank line that ends no message: a stray frame without a length
        if length > max_bytes:
            logger.error("refused a message of %d bytes (the limit is %d)", length, max_bytes)
            protocol.send_error(None, -32600, f"Invalid Request: a message of {length} bytes is larger than "
                                              f"the limit of {max_bytes} bytes; it was skipped")
            length = await _skip_to_next_header(reader)
            if length is None:
                return
            continue
        expected, length = length, None
        body = await reader.read(expected)
        if len(body) < expected:
            return  # the input ended inside a message
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as exc:
            logger.exception("Unable to handle message")
            on_error(exc, JsonRpcException)


async def _skip_to_next_header(reader: _StdinReader) -> int | None:
    """Read past an oversized body up to the next Content-Length header; its value, or None at the end."""
    tail = b""
    while True:
        piece = await reader.readline(_HEADER_LINE_LIMIT)
        if not piece:
            return None
        window = tail + piece
        m = _CONTENT_LENGTH_ANYWHERE_RE.search(window)
        if m is not None and m.end() > len(tail):
            digits = m.group(1)
            return int(digits) if len(digits) <= 18 else sys.maxsize
        tail = window[-64:]


class OpscLanguageServer(LanguageServer):
    protocol: OpscProtocol

    def __init__(self) -> None:
        super().__init__("opsc-terms", __version__, protocol_cls=OpscProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.text_document_sync_kind = types.TextDocumentSyncKind.Incremental
        self.linter = Linter(self, self.report)
        self._shown: dict[str, set[str]] = {}
        self.pending_problems: list[Problem] = []
        self.max_message_bytes = DEFAULT_MAX_MESSAGE_MB * 1024 * 1024
        self.exit_status = 0

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve on standard input and output, with the bounded reader above.

        The exit status is kept in ``exit_status``: 1 when the client sent ``exit``
        without ``shutdown`` first, as the specification asks (pygls' ``sys.exit(1)`` is
        swallowed on its way out of the event loop).
        """
        self._stop_event = stop = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        pool = self.thread_pool

        async def serve() -> None:
            loop = asyncio.get_running_loop()

            def run(function: Callable[..., bytes], *args: Any) -> Awaitable[bytes]:
                return loop.run_in_executor(pool, function, *args)

            await read_messages(_StdinReader(stdin or sys.stdin.buffer, run), self.protocol, stop,
                                max_bytes=self.max_message_bytes, on_error=self.report_server_error)

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            logger.error("Connection to the client is lost! Shutting down the server.")
        except SystemExit as exc:  # the exit notification
            self.exit_status = exc.code if isinstance(exc.code, int) else 1
        except KeyboardInterrupt:
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    def publish_json(self, uri: str, version: int | None, diagnostics: str) -> None:
        """``textDocument/publishDiagnostics`` with the diagnostics as a prepared JSON array."""
        params = {"uri": uri, **({"version": version} if version is not None else {})}
        self.protocol.send_json('{"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": '
                                f'{json.dumps(params)[:-1]}, "diagnostics": {diagnostics}}}}}')

    # ---- messages to the user

    def report(self, problems: Iterable[Problem]) -> None:
        """Show each problem once (until what it is about changes, see :meth:`forget`)."""
        for problem in problems:
            shown = self._shown.setdefault(problem.key, set())
            if problem.message in shown:
                continue
            shown.add(problem.message)
            logger.warning("%s", problem.message)
            self.window_show_message(types.ShowMessageParams(type=problem.type, message=problem.message))

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._shown.pop(key, None)

    def report_server_error(self, error: Exception, source: Any) -> None:
        if isinstance(error, ValueError | UnicodeDecodeError) and source is JsonRpcException:
            # The body of a message was not JSON (json.JSONDecodeError is a ValueError).
            logger.warning("parse error: %s", error)
            self.protocol.send_error(None, -32700, f"Parse error: {error}")
            return
        logger.error("%s: %s", getattr(source, "__name__", source), error)
        self.window_log_message(types.LogMessageParams(type=types.MessageType.Error,
                                                       message=f"opsc-terms: {error}"))

    # ---- settings

    def capability(self, field: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, field, default)

    def apply_settings(self, raw: Any) -> None:
        settings, problems = parse_settings(raw)
        # The same settings often arrive twice (initializationOptions, then a pull):
        # a problem is shown again only after the settings were fine in between.
        if not problems:
            self.forget([SECTION])
        self.report(problems)
        if settings != self.linter.settings:
            self.linter.settings = settings
            self.linter.schedule_all()
            self.refresh_pulled()

    async def pull_settings(self) -> None:
        try:
            values = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)]))
        except Exception as exc:  # the client may refuse; keep what we have
            logger.warning("workspace/configuration failed: %s", exc)
            return
        # null: the client has no such section; what initializationOptions said stands.
        if values and values[0] is not None:
            self.apply_settings(values[0])

    def refresh_pulled(self) -> None:
        """Ask a pull client to fetch diagnostics again (their results changed)."""
        if self.linter.pull:
            self.workspace_diagnostic_refresh(None)


def _is_settings(value: Any) -> bool:
    return isinstance(value, Mapping) and bool(value) and set(value) <= _SETTINGS_KEYS


# ---- lifecycle


def initialize(ls: OpscLanguageServer, params: types.InitializeParams) -> None:
    ls.linter.pull = bool(ls.capability("text_document.diagnostic")
                          and ls.capability("workspace.diagnostics.refresh_support", False))
    settings, problems = parse_settings(params.initialization_options)
    ls.linter.settings = settings
    ls.pending_problems = problems  # shown once the client is ready (after "initialized")


async def initialized(ls: OpscLanguageServer, params: types.InitializedParams) -> None:
    ls.report(ls.pending_problems)
    registrations = []
    if ls.capability("workspace.did_change_watched_files.dynamic_registration", False):
        registrations.append(types.Registration(
            id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=_WATCHED)])))
    if (ls.capability("workspace.did_change_configuration.dynamic_registration", False)
            and ls.capability("workspace.configuration", False)):
        registrations.append(types.Registration(
            id=str(uuid.uuid4()), method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
            register_options=types.DidChangeConfigurationRegistrationOptions(section=SECTION)))
    if registrations:
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=registrations))
        except Exception as exc:
            logger.warning("client/registerCapability failed: %s", exc)
    if ls.capability("workspace.configuration", False):
        await ls.pull_settings()


def shutdown(ls: OpscLanguageServer, params: None) -> None:
    ls.linter.shutdown()


async def did_change_configuration(ls: OpscLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, Mapping) and isinstance(settings.get(SECTION), Mapping):
        ls.apply_settings(settings[SECTION])
    elif _is_settings(settings):  # clients that send the section's object itself
        ls.apply_settings(settings)
    elif ls.capability("workspace.configuration", False):
        await ls.pull_settings()


async def did_change_watched_files(ls: OpscLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    paths = [Path(p) for change in params.changes if (p := to_fs_path(change.uri)) and p.endswith(".toml")]
    if paths:
        await files_changed(ls, paths)


async def files_changed(ls: OpscLanguageServer, paths: list[Path]) -> None:
    ls.forget(str(p) for p in paths)
    await ls.linter.invalidate(paths)
    ls.refresh_pulled()


# ---- documents


def did_open(ls: OpscLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.linter.schedule(params.text_document.uri)


def did_change(ls: OpscLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.linter.schedule(params.text_document.uri, ls.linter.settings.debounce_ms / 1000)


async def did_save(ls: OpscLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri)
    if path and path.endswith(".toml"):
        # Editors without file watching still tell us when a config file is saved.
        await files_changed(ls, [Path(path)])
    else:
        ls.linter.schedule(params.text_document.uri)


def did_close(ls: OpscLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.linter.close(params.text_document.uri)


async def document_diagnostic(ls: OpscLanguageServer,
                              params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport | RawJSON:
    result = await ls.linter.current(params.text_document.uri)
    if result is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{ls.linter.instance}:{result.result_id}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    # A RelatedFullDocumentDiagnosticReport, with the items already serialised.
    return RawJSON(f'{{"kind": "full", "resultId": {json.dumps(result_id)}, "items": {result.diagnostics_json}}}')


# ---- features on findings


async def finding_under(ls: OpscLanguageServer, uri: str,
                        position: types.Position) -> tuple[LintResult, int, PositionMap] | None:
    """The finding at a client position, for hover and explainAt.

    The last result answers at once if its finding is still there, even while the check
    of a newer edit is due: hovering a term in a long document must not wait for it.
    Otherwise the answer waits for the check of the text as it is now.
    """

    def look(result: LintResult | None) -> tuple[LintResult, int, PositionMap] | None:
        positions = ls.linter.positions(uri)
        if result is None or positions is None:
            return None
        index = actions.finding_at(result, positions.offset(position), positions.text)
        return None if index is None else (result, index, positions)

    return look(ls.linter.last(uri)) or look(await ls.linter.current(uri))


async def hover(ls: OpscLanguageServer, params: types.HoverParams) -> types.Hover | None:
    found = await finding_under(ls, params.text_document.uri, params.position)
    return actions.hover(*found) if found else None


async def code_action(ls: OpscLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return None
    only = params.context.only
    result = ls.linter.latest(uri)
    if result is None and only is not None and actions.kind_allowed(actions.FIX_ALL_KIND, only):
        # Asked for fix-all explicitly (on save, say): wait for the check that is due.
        result = await ls.linter.current(uri)
        document = ls.workspace.text_documents.get(uri)
        if document is None:
            return None
    positions = ls.linter.positions(uri)
    assert positions is not None  # the document is open
    text = positions.text
    builder = actions.EditBuilder(uri, document.version, text, positions,
                                  bool(ls.capability("workspace.workspace_edit.document_changes", False)))
    targets = actions.targets_from_diagnostics(params.context.diagnostics, positions)
    if not targets and result is not None:
        # The client did not send our diagnostics back with their data.
        targets = actions.targets_from_result(result, positions.offset(params.range.start),
                                              positions.offset(params.range.end))
    fmt = document_format(document.language_id or "plaintext")
    fix_all: list[tuple[int, int, str]] = []
    if result is not None and actions.kind_allowed(actions.FIX_ALL_KIND, only) and any(
            f.fixable() for f in result.findings):
        fix_all = await ls.linter.fix_all_edits(result)
    return actions.code_actions(targets, result, fix_all, builder, fmt, only)


async def fix_all_command(ls: OpscLanguageServer, uri: str) -> dict[str, Any]:
    result = await ls.linter.current(uri)
    if result is None:
        raise JsonRpcInvalidParams(message=f"{CMD_FIX_ALL}: document not open: {uri}")
    fixes = await ls.linter.fix_all_edits(result)
    if not fixes:
        return {"applied": True, "fixes": 0}
    builder = actions.EditBuilder(uri, result.snapshot.version, result.snapshot.text, result.positions,
                                  bool(ls.capability("workspace.workspace_edit.document_changes", False)))
    response = await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
        edit=builder.edit(fixes), label=actions.FIX_ALL_TITLE))
    return {"applied": bool(response.applied), "fixes": len(fixes)}


def explain_rule_command(ls: OpscLanguageServer, rule_id: str) -> str:
    packs = [get_checker().pack]
    for uri in list(ls.workspace.text_documents):
        result = ls.linter.latest(uri)
        if result is not None and result.checker is not None:
            packs.append(result.checker.pack)  # rules from an organisation's rule files
    for pack in packs:
        try:
            return rule_markdown(pack, pack.rule(rule_id))
        except KeyError:
            continue
    raise JsonRpcInvalidParams(message=f"{CMD_EXPLAIN_RULE}: unknown rule {rule_id!r}")


async def explain_at_command(ls: OpscLanguageServer, uri: str, position: types.Position) -> dict[str, Any] | None:
    found = await finding_under(ls, uri, position)
    return actions.explain_at(found[0], found[1]) if found else None


def create_server() -> OpscLanguageServer:
    server = OpscLanguageServer()
    features: list[tuple[str, Any, Any]] = [
        (types.INITIALIZE, initialize, None),
        (types.INITIALIZED, initialized, None),
        (types.SHUTDOWN, shutdown, None),
        (types.WORKSPACE_DID_CHANGE_CONFIGURATION, did_change_configuration, None),
        (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, did_change_watched_files, None),
        (types.TEXT_DOCUMENT_DID_OPEN, did_open, None),
        (types.TEXT_DOCUMENT_DID_CHANGE, did_change, None),
        (types.TEXT_DOCUMENT_DID_SAVE, did_save, types.SaveOptions(include_text=False)),
        (types.TEXT_DOCUMENT_DID_CLOSE, did_close, None),
        (types.TEXT_DOCUMENT_DIAGNOSTIC, document_diagnostic,
         types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False)),
        (types.TEXT_DOCUMENT_HOVER, hover, None),
        (types.TEXT_DOCUMENT_CODE_ACTION, code_action,
         types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND])),
    ]
    for method, handler, options in features:
        server.feature(method, options)(handler)
    server.command(CMD_FIX_ALL)(fix_all_command)
    server.command(CMD_EXPLAIN_RULE)(explain_rule_command)
    server.command(CMD_EXPLAIN_AT)(explain_at_command)
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="opsc-terms-lsp",
        description="Language server for opsc-terms: diagnostics, quick fixes and explanations in any editor.")
    parser.add_argument("--version", action="version", version=f"opsc-terms-lsp {__version__}")
    parser.add_argument("--stdio", action="store_true", help="talk over standard input and output (the default)")
    parser.add_argument("--tcp", nargs=2, metavar=("HOST", "PORT"), help="listen on a TCP port instead")
    parser.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"],
                        help="what to log to standard error (default: warning)")
    parser.add_argument("--check-timeout", type=float, default=DEFAULT_CHECK_TIMEOUT, metavar="SECONDS",
                        help="give up checking a document after this much processor time and keep its last result "
                             f"(default: {DEFAULT_CHECK_TIMEOUT:g})")
    parser.add_argument("--max-message-mb", type=int, default=DEFAULT_MAX_MESSAGE_MB, metavar="MB",
                        help="refuse (and skip) messages larger than this, in MiB "
                             f"(default: {DEFAULT_MAX_MESSAGE_MB})")
    # Some clients pass their process id; the server ends when its input closes anyway.
    parser.add_argument("--clientProcessId", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    ensure_bytecode()
    level = getattr(logging, args.log_level.upper())
    logging.basicConfig(stream=sys.stderr, level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # pygls logs every message it sends at INFO: far too much unless asked for.
    logging.getLogger("pygls").setLevel(max(level, logging.WARNING) if level > logging.DEBUG else level)

    # A long open document keeps hundreds of thousands of small objects alive (cached
    # results, the vocabulary), and every check allocates a few thousand more. With the
    # default thresholds a full collection then runs every few edits and adds 50-100 ms
    # to an edit's latency; collecting the young generation less often avoids that.
    gc.set_threshold(50_000, 50, 100)
    server = create_server()
    if args.max_message_mb < 1:
        parser.error("--max-message-mb: must be at least 1")
    server.max_message_bytes = args.max_message_mb * 1024 * 1024
    if args.check_timeout <= 0:
        parser.error("--check-timeout: must be more than 0")
    server.linter.check_timeout = args.check_timeout
    if args.tcp:
        host, port = args.tcp
        try:
            server.start_tcp(host, int(port))
        except ValueError:
            parser.error(f"--tcp: PORT must be a number, not {port!r}")
        return 0
    # The protocol owns stdout. Anything else that prints (a library, a stray debug
    # print) goes to stderr instead of corrupting the stream.
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr
    server.start_io(sys.stdin.buffer, stdout)
    return server.exit_status

