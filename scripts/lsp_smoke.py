"""A short session with an installed language server over stdio, with nothing but the standard library.

    python scripts/lsp_smoke.py /path/to/venv/bin/opsc-terms-lsp

initialize, initialized, didOpen of a one-line document, the diagnostics that come back,
shutdown and exit. Exits 0 when the server answered each step as the specification says
(one child-prostitute diagnostic, exit status 0), 1 with a message otherwise. CI runs it
against a wheel installed into a fresh virtual environment (scripts/steps/35-wheel.sh), so
it must not import the project.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

TIMEOUT = 120.0  # seconds: the first check loads spaCy


class Session:
    def __init__(self, command: list[str]) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.stdin.flush()

    def receive(self) -> dict[str, Any]:
        length = None
        while True:
            line = self.stdout.readline()
            if not line:
                raise SystemExit(f"the server closed its output; stderr:\n{self.stderr()}")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise SystemExit("a message without Content-Length")
        message: dict[str, Any] = json.loads(self.stdout.read(length))
        return message

    def until(self, wanted: Any) -> dict[str, Any]:
        """Read messages until one satisfies ``wanted``; answer the server's own requests with null."""
        while True:
            message = self.receive()
            if wanted(message):
                return message
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": None})

    def stderr(self) -> str:
        self.process.kill()
        assert self.process.stderr is not None
        return self.process.stderr.read().decode("utf-8", "replace")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    timer = threading.Timer(TIMEOUT, lambda: (print("timed out", file=sys.stderr), session.process.kill()))
    session = Session([argv[1]])
    timer.start()
    try:
        uri = Path.cwd().joinpath("smoke.txt").as_uri()
        session.send({"id": 1, "method": "initialize",
                      "params": {"processId": None, "rootUri": Path.cwd().as_uri(), "capabilities": {}}})
        init = session.until(lambda m: m.get("id") == 1)
        name = init.get("result", {}).get("serverInfo", {}).get("name")
        if name != "opsc-terms":
            print(f"unexpected initialize result: {init}", file=sys.stderr)
            return 1
        session.send({"method": "initialized", "params": {}})
        session.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "plaintext", "version": 1, "text": "Police rescued three child prostitutes.\n"}}})
        published = session.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                  and m["params"]["uri"] == uri)
        codes = [d.get("code") for d in published["params"]["diagnostics"]]
        if codes != ["child-prostitute"]:
            print(f"unexpected diagnostics: {published}", file=sys.stderr)
            return 1
        session.send({"id": 2, "method": "shutdown"})
        session.until(lambda m: m.get("id") == 2)
        session.send({"method": "exit"})
        status = session.process.wait(timeout=TIMEOUT)
    finally:
        timer.cancel()
    if status != 0:
        print(f"the server exited with status {status}", file=sys.stderr)
        return 1
    print(f"language server OK: initialize, diagnostics {codes}, shutdown, exit 0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
