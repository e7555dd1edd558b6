#!/usr/bin/env bash
# The Python test suite: rule examples, engine, context, CLI, language server.
set -euo pipefail
# On every core: the language-server tests spend most of their time waiting for servers.
.venv/bin/python -m pytest -q -n auto
