#!/usr/bin/env bash
# The VS Code extension: clean install from the lock file, type check, unit tests
# and the .vsix build, so a broken extension fails CI.
set -euo pipefail
cd vscode-extension
npm ci --no-audit --no-fund
npm run typecheck
npm test
npm run package
