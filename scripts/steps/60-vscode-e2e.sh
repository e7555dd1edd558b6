#!/usr/bin/env bash
# The VS Code extension end to end, in code-server driven by headless Chromium
# (vscode-extension/e2e/). Installs the system packages it needs when missing;
# everything else goes into the git-ignored vscode-extension/.e2e/.
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
fc-list 2>/dev/null | grep -q . || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "The end-to-end test needs these Debian packages: ${missing[*]} (apt-get install them as root)." >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd vscode-extension
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run e2e
