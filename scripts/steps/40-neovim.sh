#!/usr/bin/env bash
# A real third-party editor against the language server: Debian's Neovim, headless.
# Installs Neovim when it is missing (CI runs as root), then runs the Neovim test, which
# the pytest step skips on a machine that had no nvim yet.
set -euo pipefail
if ! command -v nvim >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y neovim
  else
    sudo -n apt-get update
    sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y neovim
  fi
fi
nvim --version | head -n 1
.venv/bin/python -m pytest -q -rs tests/lsp/test_lsp_neovim.py
