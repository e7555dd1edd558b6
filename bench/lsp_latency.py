"""Language-server latency with a real client over stdio; prints one JSON object.

    python bench/lsp_latency.py --words 250000 --edits 100 [--pull]

The client speaks JSON-RPC itself (no client library), opens a Markdown document of about
--words words built from the seed documents, waits for its diagnostics, then makes
single-character edits at spread-out places and times each edit until the diagnostics
for exactly that document version arrive: published by the server, or, with --pull, the
answer to a ``textDocument/diagnostic`` request sent right after the edit. The time
includes reading and parsing the diagnostics on the client's side, as an editor must.
The server's debounce is set to 0 so the figure is the server's own work; in an editor
the default debounce (about 250 ms) is added on purpose, to let typing settle.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus


class Client:
    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: Queue[dict[str, Any]] = Queue()
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            headers: dict[str, str] = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.messages.put(json.loads(body))

    def send(self, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self._id += 1
        self.send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        while True:
            message = self.messages.get(timeout=120)
            if message.get("id") == self._id and "method" not in message:
                return message.get("result")
            self._answer(message)

    def notify(self, method: str, params: Any) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def _answer(self, message: dict[str, Any]) -> None:
        # Requests from the server (configuration, registrations) get a plain answer.
        if "id" in message and "method" in message:
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [SETTINGS for _ in message["params"]["items"]]
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def wait_diagnostics(self, uri: str, version: int, timeout: float = 300) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            message = self.messages.get(timeout=max(0.01, deadline - time.perf_counter()))
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                if params["uri"] == uri and params.get("version") == version:
                    return time.perf_counter()
            else:
                self._answer(message)


SETTINGS = {"debounceMs": 0}


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def document(words: int) -> str:
    return corpus.bill(words)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--pull", action="store_true", help="pull diagnostics instead of waiting for them")
    args = parser.parse_args()
    text = document(args.words)
    lines = text.split("\n")
    client = Client([sys.executable, "-m", "opsc_terms.lsp_server"])
    root = Path.cwd().as_uri()
    capabilities: dict[str, Any] = {"textDocument": {"publishDiagnostics": {"versionSupport": True}},
                                    "workspace": {"configuration": True}}
    if args.pull:
        capabilities["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        capabilities["workspace"]["diagnostics"] = {"refreshSupport": True}
    client.request("initialize", {"processId": os.getpid(), "rootUri": root, "capabilities": capabilities,
                                  "initializationOptions": SETTINGS})
    client.notify("initialized", {})
    uri = root + "/bench-document.md"
    start = time.perf_counter()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                            "text": text}})
    def diagnostics(version: int) -> float:
        if args.pull:
            result = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
            assert result["kind"] == "full", result
            return time.perf_counter()
        return client.wait_diagnostics(uri, version)

    open_ms = (diagnostics(1) - start) * 1000
    rng = random.Random(7)
    latencies = []
    version = 1
    candidates = [i for i, line in enumerate(lines) if len(line) > 20]
    for n in range(args.edits):
        line = rng.choice(candidates)
        col = rng.randrange(1, len(lines[line]))
        version += 1
        # Type a character, or delete the one typed before: the document stays realistic.
        if n % 2 == 0:
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}},
                      "text": "x"}
            last = (line, col)
        else:
            line, col = last
            change = {"range": {"start": {"line": line, "character": col},
                                "end": {"line": line, "character": col + 1}}, "text": ""}
        start = time.perf_counter()
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        latencies.append((diagnostics(version) - start) * 1000)
    memory = rss_mb(client.proc.pid)
    try:
        client.request("shutdown", None)
        client.notify("exit", None)
        client.proc.wait(timeout=10)
    except (Empty, subprocess.TimeoutExpired):
        client.proc.kill()
    latencies.sort()
    print(json.dumps({
        "words": len(text.split()), "open_ms": open_ms, "p50_ms": statistics.median(latencies),
        "p95_ms": latencies[int(0.95 * (len(latencies) - 1))], "max_ms": latencies[-1], "rss_mb": memory,
        "edits": len(latencies), "mode": "pull" if args.pull else "push",
    }))


if __name__ == "__main__":
    main()
