"""Fixtures for the language server tests: the real server over stdio, per client."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_support import SERVER_COMMAND, Editor, TestClient, make_client
from pytest_lsp import ClientServerConfig

# Helpers shared with the library tests (tests/fixgen.py) live one folder up.
sys.path.insert(0, str(Path(__file__).parents[1]))

# Every end-to-end test runs as each of these clients drives a server: VS Code 1.65
# (UTF-16 positions, pushed diagnostics) and Neovim (the newest capability set that
# pytest-lsp records, which offers UTF-8 first, so positions are negotiated).
CLIENTS = ["visual-studio-code", "neovim"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client),
                    params=CLIENTS)
async def lsp_client(request: pytest.FixtureRequest, lsp_client: TestClient) -> AsyncIterator[None]:
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def editor(lsp_client: TestClient) -> Editor:
    return Editor(lsp_client)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_COMMAND, client_factory=make_client))
async def pull_client(lsp_client: TestClient) -> AsyncIterator[None]:
    # A client that pulls diagnostics and can be told to pull again (VS Code today).
    lsp_client.client_name = "vscode-pull"
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def pull_editor(pull_client: TestClient) -> Editor:
    return Editor(pull_client)
