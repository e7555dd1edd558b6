"""Fixtures for the language server tests: the real server over stdio, per client.

Most tests share one server per client capability set for the whole session (``editor``,
``pull_editor``): each test opens its own documents, under its own folder, and closes
them at the end, so tests cannot see each other's results. A test that changes settings,
reads the messages the server shows or needs initialisation options starts a server of
its own (``own_editor``, ``own_pull_editor``). Starting a server and loading spaCy in it
is most of what an end-to-end test costs, so sharing is what keeps the suite fast.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import pytest_lsp
from lsp_support import SERVER_COMMAND, Editor, TestClient, make_client
from lsprotocol import types
from pytest_lsp import ClientServerConfig

# Helpers shared with the library tests (tests/fixgen.py) live one folder up.
sys.path.insert(0, str(Path(__file__).parents[1]))

# Every end-to-end test runs as each of these clients drives a server: VS Code 1.65
# (UTF-16 positions, pushed diagnostics) and Neovim (the newest capability set that
# pytest-lsp records, which offers UTF-8 first, so positions are negotiated).
CLIENTS = ["visual-studio-code", "neovim"]


class SharedServers:
    """One initialised server per client name, started when a test first asks for it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.servers: dict[str, tuple[TestClient, types.InitializeResult]] = {}

    async def get(self, name: str) -> tuple[TestClient, types.InitializeResult]:
        if name not in self.servers:
            client = make_client()
            client.client_name = name
            await client.start_io(*SERVER_COMMAND)
            result = await Editor(client).initialize(root=self.root)
            self.servers[name] = (client, result)
        return self.servers[name]

    async def stop(self) -> None:
        for client, _ in self.servers.values():
            await client.shutdown_session()
            await client.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shared_servers(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SharedServers]:
    servers = SharedServers(tmp_path_factory.mktemp("workspace"))
    yield servers
    await servers.stop()


async def _shared_editor(servers: SharedServers, name: str) -> AsyncIterator[Editor]:
    client, result = await servers.get(name)
    editor = Editor(client, shared=result)
    yield editor
    for uri in list(editor.docs):  # what this test opened is closed, so the next one starts clean
        editor.close(uri)


@pytest_asyncio.fixture(params=CLIENTS)
async def editor(request: pytest.FixtureRequest, shared_servers: SharedServers) -> AsyncIterator[Editor]:
    async for shared in _shared_editor(shared_servers, request.param):
        yield shared


@pytest_asyncio.fixture
async def pull_editor(shared_servers: SharedServers) -> AsyncIterator[Editor]:
    # A client that pulls diagnostics and can be told to pull again (VS Code today).
    async for shared in _shared_editor(shared_servers, "vscode-pull"):
        yield shared


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
                    params=CLIENTS)
async def lsp_client(request: pytest.FixtureRequest, lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def own_editor(lsp_client: TestClient) -> Editor:
    """A server of this test's own, not yet initialised."""
    return Editor(lsp_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client))
async def vscode_client(lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = "visual-studio-code"
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def own_vscode_editor(vscode_client: TestClient) -> Editor:
    """A server of this test's own, for one client: what the test exercises does not
    depend on the client's capabilities."""
    return Editor(vscode_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client))
async def pull_client(lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = "vscode-pull"
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def own_pull_editor(pull_client: TestClient) -> Editor:
    return Editor(pull_client)
