"""The tools opsc-terms is compared with, installed into bench/.cache on first use.

Each installer returns the command to run, or None with a reason, so a run without
network access or without Node skips that tool cleanly instead of failing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
ALEX_VERSION = "11.0.1"
PROSELINT_VERSION = "0.16.0"


def alex() -> tuple[list[str] | None, str]:
    """alex from npm, in bench/.cache/node."""
    prefix = CACHE / "node"
    binary = prefix / "node_modules" / ".bin" / "alex"
    if binary.exists():
        return [str(binary)], f"alex {ALEX_VERSION}"
    if shutil.which("npm") is None:
        return None, "npm is not installed"
    prefix.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--silent",
                             f"alex@{ALEX_VERSION}"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not binary.exists():
        return None, f"npm install alex failed: {result.stderr.strip()[-300:]}"
    return [str(binary)], f"alex {ALEX_VERSION}"


def proselint() -> tuple[list[str] | None, str]:
    """proselint from PyPI, in its own virtual environment in bench/.cache."""
    env = CACHE / "proselint-venv"
    binary = env / "bin" / "proselint"
    if binary.exists():
        return [str(binary)], f"proselint {PROSELINT_VERSION}"
    try:
        venv.create(env, with_pip=True)
    except Exception as exc:  # any failure means "skip this tool"
        return None, f"cannot create a virtual environment: {exc}"
    result = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet",
                             f"proselint=={PROSELINT_VERSION}"], capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not binary.exists():
        return None, f"pip install proselint failed: {result.stderr.strip()[-300:]}"
    return [str(binary)], f"proselint {PROSELINT_VERSION}"


def charts_available() -> bool:
    """matplotlib for the charts, from bench/.cache/pylib (installed there on first use)."""
    target = CACHE / "pylib"
    if str(target) not in sys.path:
        sys.path.insert(0, str(target))
    try:
        import matplotlib
    except ImportError:
        result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(target),
                                 "matplotlib"], capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            return False
        import importlib

        importlib.invalidate_caches()
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            return False
    return True
