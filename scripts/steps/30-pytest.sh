#!/usr/bin/env bash
# The Python test suite: rule examples, engine, context, CLI, language server.
set -euo pipefail
.venv/bin/python -m pytest -q
