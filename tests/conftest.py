"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsc_terms import cache


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has a cache folder of its own, and the result cache off unless the
    command line it runs turns it on: no test sees what another one left behind."""
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv(cache.ENV_RESULTS, raising=False)


@pytest.fixture
def tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder of its own, so no configuration above it applies."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
