"""What a wheel holds and what the install instructions name (the wheel itself is built,
installed and run by scripts/steps/35-wheel.sh)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import opsc_terms

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
WHEEL_URL = (f"https://github.com/opsc-terms/opsc-terms/releases/download/v{VERSION}/"
             f"opsc_terms-{VERSION}-py3-none-any.whl")


def test_every_python_package_is_listed_in_pyproject() -> None:
    """setuptools installs only the packages listed: a new subpackage left out would be
    missing from the wheel while every test from the source tree still passed."""
    setuptools = PYPROJECT["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = set()
    for name, folder in setuptools["package-dir"].items():
        base = ROOT / folder
        for directory in [base, *(p for p in base.rglob("*") if p.is_dir())]:
            parts = directory.relative_to(base).parts
            if any(part.startswith((".", "__")) for part in parts):
                continue  # __pycache__, hidden folders
            # A folder of modules, or of data (rules/en): setuptools needs both listed.
            if any(f.suffix in (".py", ".toml") for f in directory.iterdir()):
                found.add(".".join((name, *parts)))
    missing = sorted(found - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_release_versions_agree() -> None:
    """RELEASING.md bumps them together; the extension's install command names this version."""
    extension = json.loads((ROOT / "vscode-extension" / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "vscode-extension" / "package-lock.json").read_text(encoding="utf-8"))
    constants = (ROOT / "vscode-extension" / "src" / "common" / "constants.ts").read_text(encoding="utf-8")
    declared = re.search(r"export const PACKAGE_VERSION = '([^']+)'", constants)
    assert declared is not None
    assert opsc_terms.__version__ == VERSION
    assert extension["version"] == lock["version"] == lock["packages"][""]["version"] == VERSION
    assert declared.group(1) == VERSION


def test_install_instructions_name_a_real_distribution() -> None:
    """Nothing is published on PyPI: "pip install opsc-terms" would fail or find someone else's."""
    documents = {path: (ROOT / path).read_text(encoding="utf-8")
                 for path in ("README.md", "vscode-extension/README.md", "RELEASING.md")}
    for path, text in documents.items():
        assert not re.search(r"pip install (--upgrade )?opsc-terms\b(?![-_ ]@)", text), path
    assert WHEEL_URL in documents["README.md"]
    assert WHEEL_URL in documents["vscode-extension/README.md"]
    assert "git+https://github.com/opsc-terms/opsc-terms" in documents["README.md"]


def test_version_tags_in_examples_are_explained() -> None:
    """The pre-commit and CI examples name a release tag, and the README says where tags come from."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tags = set(re.findall(r"(?:rev: |@)(v\d+\.\d+\.\d+)\b", readme))
    assert tags == {f"v{VERSION}"}
    assert "RELEASING.md" in readme
    releasing = (ROOT / "RELEASING.md").read_text(encoding="utf-8")
    assert "git tag" in releasing
    assert "scripts/steps/35-wheel.sh" in releasing
