#!/usr/bin/env bash
# Style and types: ruff and mypy (strict) on the Python code.
set -euo pipefail
.venv/bin/ruff check
.venv/bin/mypy
