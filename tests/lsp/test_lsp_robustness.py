"""The server process under malformed input, written raw to its stdin.

No LSP library on the client side here: these bytes are what a broken or hostile client
could send. Every request must get a JSON-RPC answer, and the server must keep working.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from lsp_support import SERVER_COMMAND, TIMEOUT

import opsc_terms
from opsc_terms.explain import rule_markdown

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, NOT_INITIALIZED = -32700, -32600, -32601, -32602, -32002


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | Any) -> None:
        self.reader = reader
        self.writer = writer
        self.notifications: list[dict[str, Any]] = []

    def send_raw(self, body: bytes) -> None:
        self.writer.write(frame(body))

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps(message).encode())

    def request(self, msg_id: int, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def notify(self, method: str, params: Any = None) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def read(self) -> dict[str, Any]:
        """One message; fails if the stream holds anything but well-formed frames."""
        headers: dict[str, str] = {}
        while True:
            line = await asyncio.wait_for(self.reader.readline(), TIMEOUT)
            assert line, "the server closed its output"
            if line == b"\r\n":
                break
            name, _, value = line.decode("ascii").partition(":")
            assert value, f"not a header line: {line!r}"
            headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers["content-length"]))
        message: dict[str, Any] = json.loads(body)
        assert message.get("jsonrpc") == "2.0"
        return message

    async def response(self) -> dict[str, Any]:
        """The next response, keeping notifications and answering server requests."""
        while True:
            message = await self.read()
            if "method" not in message:
                return message
            if "id" in message:  # a request from the server (registrations, configuration)
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.notifications.append(message)


async def start(*extra: str) -> tuple[asyncio.subprocess.Process, RawClient]:
    process = await asyncio.create_subprocess_exec(*SERVER_COMMAND, *extra, stdin=subprocess.PIPE,
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    assert process.stdin is not None
    return process, RawClient(process.stdout, process.stdin)


def initialize_params(tmp_path: Path) -> dict[str, Any]:
    return {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}}


async def test_malformed_input_gets_json_rpc_errors_and_the_server_keeps_working(tmp_path: Path) -> None:
    # Debug logging on, to show that none of it reaches stdout.
    process, client = await start("--log-level", "debug")

    client.request(1, "textDocument/hover", {"textDocument": {"uri": "file:///x.txt"},
                                             "position": {"line": 0, "character": 0}})
    assert (await client.response())["error"]["code"] == NOT_INITIALIZED

    client.request(2, "initialize", initialize_params(tmp_path))
    assert "capabilities" in (await client.response())["result"]
    client.notify("initialized", {})

    cases: list[tuple[bytes, Any, int]] = [
        (b'{"jsonrpc": "2.0", "id": 3, "method": ', None, PARSE_ERROR),                   # cut short
        (b"\xff\xfe not UTF-8", None, PARSE_ERROR),
        (b"[1, 2, 3]", None, INVALID_REQUEST),                                            # a batch
        (b'"hello"', None, INVALID_REQUEST),
        (b'{"id": 4, "method": "shutdown"}', 4, INVALID_REQUEST),                         # no "jsonrpc"
        (b'{"jsonrpc": "1.0", "id": 5, "method": "shutdown"}', 5, INVALID_REQUEST),
        (b'{"jsonrpc": "2.0", "id": 6, "method": "textDocument/teleport", "params": {}}', 6, METHOD_NOT_FOUND),
        (b'{"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"textDocument": 5}}', 7,
         INVALID_PARAMS),
        (b'{"jsonrpc": "2.0", "id": "eight", "method": "workspace/executeCommand",'
         b' "params": {"command": "opscTerms.nope", "arguments": []}}', "eight", INVALID_PARAMS),
        (b'{"jsonrpc": "2.0", "id": 9, "method": "workspace/executeCommand",'
         b' "params": {"command": "opscTerms.explainAt", "arguments": ["file:///x.txt", {"line": "one"}]}}', 9,
         INVALID_PARAMS),
    ]
    for body, msg_id, code in cases:
        client.send_raw(body)
        answer = await client.response()
        assert answer["error"]["code"] == code, (body, answer)
        assert "id" in answer, "an error answer always carries an id (null when it could not be read)"
        assert answer["id"] == msg_id, (body, answer)

    # Notifications never get an answer, even broken ones; one whose handler fails
    # (a change to a document that was never opened) must not stop the server.
    client.notify("$/somethingUnknown", {})
    client.notify("textDocument/didChange", {"textDocument": {"uri": "file:///never-opened.txt", "version": 2},
                                             "contentChanges": [{"text": "x"}]})
    client.send_raw(b'{"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": 1}}')
    client.writer.write(b"Not-A-Header\r\n\r\n")  # a frame with no length: skipped

    # Still working: a real document, a real hover.
    uri = (tmp_path / "news.txt").as_uri()
    text = "Police rescued three child prostitutes."
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1,
                                                            "text": text}})
    client.request(10, "textDocument/hover", {"textDocument": {"uri": uri},
                                              "position": {"line": 0, "character": 25}})
    answer = await client.response()
    assert answer["id"] == 10
    pack = opsc_terms.load_builtin("en")
    assert answer["result"]["contents"]["value"] == rule_markdown(pack, pack.rule("child-prostitute"))

    client.request(11, "shutdown")
    assert await client.response() == {"jsonrpc": "2.0", "id": 11, "result": None}
    client.request(12, "textDocument/hover", {"textDocument": {"uri": uri},
                                              "position": {"line": 0, "character": 25}})
    assert (await client.response())["error"]["code"] == INVALID_REQUEST
    client.notify("exit")
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
    # Whatever is left on stdout is still nothing but frames.
    while not client.reader.at_eof():
        try:
            message = await client.read()
        except AssertionError:
            break
        assert "method" in message, message


async def test_tcp(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(*SERVER_COMMAND, "--tcp", "127.0.0.1", str(port),
                                                   stderr=subprocess.PIPE)
    try:
        for _ in range(int(TIMEOUT * 10)):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            pytest.fail("the server did not listen")
        client = RawClient(reader, writer)
        client.request(1, "initialize", initialize_params(tmp_path))
        assert (await client.response())["result"]["serverInfo"]["name"] == "opsc-terms"
        client.request(2, "shutdown")
        assert (await client.response())["result"] is None
        writer.close()
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


@pytest.mark.parametrize("command", [
    [str(Path(sys.executable).parent / "opsc-terms-lsp")],
    SERVER_COMMAND,
], ids=["console-script", "python-m"])
def test_version(command: list[str]) -> None:
    done = subprocess.run([*command, "--version"], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    assert done.stdout.strip() == f"opsc-terms-lsp {opsc_terms.__version__}"


async def request_answered(client: RawClient, msg_id: int, uri: str) -> None:
    """A hover request on the sample document is answered with the rule's explanation."""
    client.request(msg_id, "textDocument/hover", {"textDocument": {"uri": uri},
                                                  "position": {"line": 0, "character": 25}})
    answer = await client.response()
    assert answer["id"] == msg_id
    assert "child-prostitute" in answer["result"]["contents"]["value"]


async def test_an_oversized_message_is_refused_and_the_next_one_read(tmp_path: Path) -> None:
    process, client = await start("--max-message-mb", "1")
    client.request(1, "initialize", initialize_params(tmp_path))
    await client.response()
    client.notify("initialized", {})
    uri = (tmp_path / "news.txt").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1,
                                                            "text": "Police rescued three child prostitutes."}})

    # Announced but never sent (100 GB): refused at once, and the next message is read.
    client.writer.write(b"Content-Length: 100000000000\r\n\r\n")
    error = await client.response()
    assert error["id"] is None
    assert error["error"]["code"] == INVALID_REQUEST
    assert "100000000000 bytes is larger than the limit of 1048576 bytes" in error["error"]["message"]
    await request_answered(client, 2, uri)

    # Sent in full (2 MB, over the 1 MiB limit): skipped without being held in memory.
    big = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
                      "params": {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0},
                                 "padding": "x" * 2_000_000}}).encode()
    client.send_raw(big)
    error = await client.response()
    assert (error["id"], error["error"]["code"]) == (None, INVALID_REQUEST)
    await request_answered(client, 4, uri)

    # A length too long to be a number, and a header line longer than any real one.
    client.writer.write(b"Content-Length: " + b"9" * 5000 + b"\r\n\r\n")
    assert (await client.response())["error"]["code"] == INVALID_REQUEST
    client.writer.write(b"X-Padding: " + b"y" * 200_000 + b"\r\n")
    await request_answered(client, 5, uri)

    client.request(6, "shutdown")
    assert (await client.response())["result"] is None
    client.notify("exit")
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0


async def test_an_announced_100_gb_message_with_the_default_limit(tmp_path: Path) -> None:
    process, client = await start()
    client.writer.write(b"Content-Length: 107374182400\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n")
    assert (await client.response())["error"]["code"] == INVALID_REQUEST
    client.request(1, "initialize", initialize_params(tmp_path))
    assert "capabilities" in (await client.response())["result"]
    client.request(2, "shutdown")
    await client.response()
    client.notify("exit")
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0


async def test_exit_without_shutdown_exits_with_status_1(tmp_path: Path) -> None:
    process, client = await start()
    client.request(1, "initialize", initialize_params(tmp_path))
    await client.response()
    client.notify("initialized", {})
    client.notify("exit")
    assert await asyncio.wait_for(process.wait(), TIMEOUT) == 1


async def test_input_that_ends_inside_a_message(tmp_path: Path) -> None:
    process, client = await start()
    client.request(1, "initialize", initialize_params(tmp_path))
    await client.response()
    client.writer.write(b'Content-Length: 500\r\n\r\n{"jsonrpc": "2.0"')
    client.writer.close()
    # The input ended without shutdown and exit: the server stops, without a traceback.
    await asyncio.wait_for(process.wait(), TIMEOUT)
    assert process.stderr is not None
    assert b"Traceback" not in await process.stderr.read()
