#!/usr/bin/env bash
# The project's virtual environment with the package (editable) and its test tools.
set -euo pipefail
python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test]"
