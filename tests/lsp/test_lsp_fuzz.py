"""Fuzzing the language server's message handling; unknown rules in suppression comments.

One real server process per test reads whatever hypothesis makes of JSON-RPC: random
bytes and JSON values, messages cut short, requests with random parameters, positions
past the end of a line or of the document and between the two halves of a surrogate
pair, changes to documents that were never opened. After every batch the server must
still answer each request it was sent and still check a document it is given.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_support import SERVER_COMMAND, TIMEOUT, Editor
from lsprotocol import types

DIRTY = "Police rescued three child prostitutes."
# Astral characters take two UTF-16 code units: positions can fall between the two.
PROBE_TEXT = "😀😀 " + DIRTY + "\n🎉 second line\n"


class Server:
    """The server over stdio, read by a thread; requests from the server are answered with null."""

    def __init__(self, tmp_path: Path) -> None:
        self.log = (tmp_path / "server.log").open("wb")
        self.process = subprocess.Popen(SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                return
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" in message:
                with self.lock:
                    self.notifications.append(message)
            else:
                self.messages.put(message)

    def send_raw(self, body: bytes) -> None:
        assert self.process.stdin is not None
        with self.lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_raw(json.dumps(message).encode())

    def answers(self, ids: set[Any]) -> dict[Any, dict[str, Any]]:
        """The answers to the requests ``ids``; fails if one does not come."""
        found: dict[Any, dict[str, Any]] = {}
        deadline = time.monotonic() + TIMEOUT
        while not ids <= found.keys():
            try:
                message = self.messages.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no answer to {sorted(map(str, ids - found.keys()))}") from None
            found[message.get("id")] = message
        return found

    def mark(self) -> int:
        """How many notifications came so far: :meth:`published` looks only at later ones."""
        with self.lock:
            return len(self.notifications)

    def published(self, uri: str, version: int, since: int = 0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.lock:
                for note in reversed(self.notifications[since:]):
                    params = note.get("params") or {}
                    if (note["method"] == "textDocument/publishDiagnostics" and params.get("uri") == uri
                            and params.get("version") == version):
                        return list(params["diagnostics"])
            time.sleep(0.01)
        raise AssertionError(f"no diagnostics for {uri} version {version}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("fuzz")
    s = Server(folder)
    s.send({"jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": {"processId": None, "rootUri": folder.as_uri(), "capabilities": {}}})
    s.answers({"init"})
    s.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    yield s, folder
    s.close()


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False)
                    | st.text(max_size=20), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
NUMBERS = st.one_of(st.integers(-3, 60), st.integers(-2**40, 2**40), st.sampled_from([2**31 - 1, 2**31, 2**63]))
POSITION = st.one_of(st.fixed_dictionaries({"line": NUMBERS, "character": NUMBERS}), JSON)
METHODS = ["textDocument/hover", "textDocument/codeAction", "textDocument/diagnostic", "workspace/executeCommand",
           "textDocument/completion", "shutdown-not", "$/cancelRequest", "textDocument/didChange",
           "textDocument/didOpen", "textDocument/didClose", "textDocument/didSave",
           "workspace/didChangeConfiguration", "initialize"]


def uris(folder: Path) -> st.SearchStrategy[str]:
    return st.sampled_from([(folder / "probe.txt").as_uri(), (folder / "other.md").as_uri(),
                            (folder / "never-opened.txt").as_uri(), "file:///", "not a uri", "untitled:Untitled-1"])


def messages(folder: Path) -> st.SearchStrategy[tuple[str, Any]]:
    """("raw", bytes), ("request", message) or ("notify", message)."""
    uri = uris(folder)
    rng = st.fixed_dictionaries({"start": POSITION, "end": POSITION})
    change = st.one_of(st.fixed_dictionaries({"range": rng, "text": st.text(max_size=20)}),
                       st.fixed_dictionaries({"text": st.text(max_size=40)}), JSON)
    document = st.fixed_dictionaries({"uri": uri, "version": NUMBERS})
    structured = st.one_of(
        st.builds(lambda u, p: ("request", "textDocument/hover", {"textDocument": {"uri": u}, "position": p}),
                  uri, POSITION),
        st.builds(lambda u, r: ("request", "textDocument/codeAction",
                                {"textDocument": {"uri": u}, "range": r, "context": {"diagnostics": []}}), uri, rng),
        st.builds(lambda u: ("request", "textDocument/diagnostic", {"textDocument": {"uri": u}}), uri),
        st.builds(lambda c, a: ("request", "workspace/executeCommand", {"command": c, "arguments": a}),
                  st.sampled_from(["opscTerms.fixAll", "opscTerms.explainRule", "opscTerms.explainAt", "x"]),
                  st.lists(st.one_of(uri, POSITION, JSON), max_size=3)),
        st.builds(lambda d, c: ("notify", "textDocument/didChange", {"textDocument": d, "contentChanges": c}),
                  document, st.lists(change, max_size=30)),
        st.builds(lambda u, v, t, lang: ("notify", "textDocument/didOpen", {"textDocument": {
            "uri": u, "languageId": lang, "version": v, "text": t}}), uri, NUMBERS, st.text(max_size=60),
            st.sampled_from(["plaintext", "markdown", "html", "latex", "restructuredtext", "python", ""])),
        st.builds(lambda u: ("notify", "textDocument/didClose", {"textDocument": {"uri": u}}), uri),
        st.builds(lambda m, p: ("request", m, p), st.sampled_from(METHODS), JSON),
        st.builds(lambda m, p: ("notify", m, p), st.sampled_from(METHODS), JSON),
    )
    raw = st.one_of(st.binary(max_size=80), JSON.map(lambda v: json.dumps(v).encode()))
    truncated = st.builds(lambda m, cut: json.dumps({"jsonrpc": "2.0", "id": 1, "method": m[1],
                                                      "params": m[2]}).encode()[:cut], structured,
                          st.integers(0, 200))
    return st.one_of(structured, raw.map(lambda b: ("raw", b)), truncated.map(lambda b: ("raw", b)))


_counter = iter(range(10**9))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_server_survives_anything_and_keeps_answering(server: tuple[Server, Path], data: st.DataObject) -> None:
    s, folder = server
    batch = data.draw(st.lists(messages(folder), min_size=1, max_size=25))
    sent: set[Any] = set()
    for item in batch:
        if item[0] == "raw":
            s.send_raw(item[1])
            continue
        kind, method, params = item
        if method == "initialize" or method == "shutdown":
            continue  # a second initialize, or a shutdown, would end the session on purpose
        if kind == "request":
            msg_id = next(_counter)
            sent.add(msg_id)
            s.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        else:
            s.send({"jsonrpc": "2.0", "method": method, "params": params})
    answered = s.answers(sent)
    for msg_id in sent:
        assert ("result" in answered[msg_id]) != ("error" in answered[msg_id]), answered[msg_id]

    # Still working: a document opened now is checked, and a hover on it answered.
    # (The batch may have published diagnostics for this document, at any version.)
    probe = (folder / "probe.txt").as_uri()
    version = 10**9 + next(_counter)
    since = s.mark()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": probe, "languageId": "plaintext", "version": version, "text": PROBE_TEXT}}})
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": probe, "version": version + 1}, "contentChanges": [{"text": PROBE_TEXT}]}})
    diagnostics = s.published(probe, version + 1, since)
    assert [d["code"] for d in diagnostics] == ["child-prostitute"]
    hover_id = next(_counter)
    s.send({"jsonrpc": "2.0", "id": hover_id, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": probe}, "position": {"line": 0, "character": 30}}})
    assert "child-prostitute" in s.answers({hover_id})[hover_id]["result"]["contents"]["value"]
    assert s.process.poll() is None


def test_positions_between_surrogates_and_past_the_end(server: tuple[Server, Path]) -> None:
    s, folder = server
    uri = (folder / "astral.txt").as_uri()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "plaintext", "version": 1, "text": PROBE_TEXT}}})
    changes = [
        {"range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 3}}, "text": "x"},  # halves
        {"range": {"start": {"line": 0, "character": 500}, "end": {"line": 9, "character": 0}}, "text": " more"},
        {"range": {"start": {"line": 2, "character": 0}, "end": {"line": 0, "character": 0}}, "text": ""},  # reversed
    ]
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": changes}})
    ids = set()
    for n, position in enumerate([{"line": 0, "character": 1}, {"line": 0, "character": 10**9},
                                  {"line": 10**9, "character": 0}, {"line": -1, "character": -1}]):
        ids.add(f"h{n}")
        s.send({"jsonrpc": "2.0", "id": f"h{n}", "method": "textDocument/hover",
                "params": {"textDocument": {"uri": uri}, "position": position}})
    answers = s.answers(ids)
    assert all(("result" in a) != ("error" in a) for a in answers.values())
    since = s.mark()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
        "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": DIRTY}]}})
    assert [d["code"] for d in s.published(uri, 3, since)] == ["child-prostitute"]


def test_a_client_answer_that_cannot_be_read_ends_the_request_waiting_for_it(server: tuple[Server, Path]) -> None:
    # Fix All asks the client to apply an edit; this client answers with null, which is no
    # ApplyWorkspaceEditResult. The command must end with an error instead of waiting forever.
    s, folder = server
    uri = (folder / "fix-all.txt").as_uri()
    s.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "plaintext", "version": 1, "text": DIRTY}}})
    s.send({"jsonrpc": "2.0", "id": "fix", "method": "workspace/executeCommand",
            "params": {"command": "opscTerms.fixAll", "arguments": [uri]}})
    answer = s.answers({"fix"})["fix"]
    assert "the client's answer could not be read" in answer["error"]["message"]


# --------------------------------------------------------------------------- unknown rules


async def test_an_unknown_rule_in_a_suppression_comment_is_reported(editor: Editor, tmp_path: Path) -> None:
    await editor.initialize(root=tmp_path)
    text = "<!-- opsc-terms: disable-next-line child-prostitue -->\n" + DIRTY + "\n"
    uri = editor.open(tmp_path / "news.md", text, "markdown")
    diagnostics = await editor.diagnostics(uri)
    by_code = {str(d.code): d for d in diagnostics}
    assert set(by_code) == {"child-prostitute", "unknown-rule"}  # the misspelt name turned nothing off
    notice = by_code["unknown-rule"]
    assert notice.severity == types.DiagnosticSeverity.Warning
    assert notice.message == ("unknown rule 'child-prostitue' in a suppression comment; "
                              "did you mean 'child-prostitute'?")
    start = text.index("child-prostitue")
    assert editor.spans(uri, [notice]) == [("unknown-rule", start, start + len("child-prostitue"))]
    # Code actions with it in their context still work, and offer nothing for it.
    actions = await editor.code_actions(uri, [notice], start, start + 3)
    assert all("child-prostitue" not in (a.title or "") for a in actions)


async def test_an_unknown_rule_through_a_pull_client(pull_editor: Editor, tmp_path: Path) -> None:
    await pull_editor.initialize(root=tmp_path)
    uri = pull_editor.open(tmp_path / "news.txt", "opsc-terms: disable child-porn-x\n" + DIRTY + "\n")
    diagnostics = await pull_editor.diagnostics(uri)
    assert sorted(str(d.code) for d in diagnostics) == ["child-prostitute", "unknown-rule"]
