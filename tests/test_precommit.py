"""The pre-commit hook, end to end with the real pre-commit package.

A temporary git repository gets a git pre-commit hook that runs
``pre-commit try-repo <this project> opsc-terms`` (try-repo uses the working tree of this
project, uncommitted changes included, and reads its .pre-commit-hooks.yaml). A commit that
adds "child prostitutes" is blocked; the same commit with the recommended wording passes.

pre-commit builds the hook's own environment by installing this project into a fresh
virtualenv. So that the test needs no network, pip is told to install only the project
itself (PIP_NO_INDEX, PIP_NO_DEPS, no build isolation) and the hook's interpreter finds the
dependencies (spaCy, click, setuptools, ...) on PYTHONPATH, in the test environment's own
site-packages. Everything else is what a user's commit runs: the hook definition, the
file type filter, the installed console script and its exit status.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or subprocess.run(["git", "-C", str(PROJECT), "rev-parse", "--is-inside-work-tree"],
                      capture_output=True).returncode != 0,
    reason="needs git and a git checkout of the project")


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    paths = sysconfig.get_paths()
    site = os.pathsep.join(dict.fromkeys([paths["purelib"], paths["platlib"]]))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PIP_", "PRE_COMMIT"))}
    env.update({
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "PIP_NO_INDEX": "1", "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONPATH": site, "NO_COLOR": "1",
        "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    })
    return env


@pytest.fixture
def repo(tmp_path: Path, hook_env: dict[str, str]) -> Path:
    repo = tmp_path / "newsroom"
    repo.mkdir()
    assert _git(repo, "init", "-q", env=hook_env).returncode == 0
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pre_commit try-repo "{PROJECT}" opsc-terms\n',
                    encoding="utf-8")
    hook.chmod(0o755)
    return repo


def test_commit_with_discouraged_term_is_blocked(repo: Path, hook_env: dict[str, str]) -> None:
    (repo / "story.md").write_text("# Raid\n\nPolice rescued three child prostitutes in the raid.\n",
                                   encoding="utf-8")
    (repo / "notes.py").write_text("# child prostitutes: not prose, not checked\n", encoding="utf-8")
    _git(repo, "add", ".", env=hook_env)
    blocked = _git(repo, "commit", "-m", "Add the story", env=hook_env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "Installing environment for" in output  # pre-commit built the hook's own environment
    assert "Failed" in output
    assert "story.md:3:22: error [child-prostitute]" in output
    assert "notes.py" not in output  # types_or keeps source code out
    assert _git(repo, "rev-parse", "--verify", "HEAD", env=hook_env).returncode != 0  # nothing committed

    (repo / "story.md").write_text("# Raid\n\nPolice rescued three children exploited in prostitution.\n",
                                   encoding="utf-8")
    _git(repo, "add", ".", env=hook_env)
    passed = _git(repo, "commit", "-m", "Add the story", env=hook_env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout + passed.stderr
    assert _git(repo, "log", "--oneline", env=hook_env).stdout.strip().endswith("Add the story")
