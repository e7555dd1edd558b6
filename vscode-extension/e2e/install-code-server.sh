#!/usr/bin/env bash
# Install code-server 4.100.3 (VS Code 1.100) from the npm registry into $1, without
# downloading anything else: its own install scripts would fetch prebuilt binaries,
# so they are skipped and the native parts are rebuilt locally instead. ripgrep
# comes from the system. Does nothing when that version is already there.
set -euo pipefail
version=4.100.3
dest=$1
marker="$dest/.installed-$version"
[ -f "$marker" ] && exit 0

command -v rg >/dev/null || { echo "code-server needs ripgrep (rg) on PATH" >&2; exit 1; }
rm -rf "$dest"
work=$(mktemp -d "$(dirname "$dest")/code-server-download.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "code-server@$version" >/dev/null && tar xzf "code-server-$version.tgz")
mv "$work/package" "$dest"

export npm_config_dangerously_allow_all_scripts=true npm_config_yes=true
quiet=(--no-audit --no-fund --loglevel=error)
cd "$dest"
npm install --omit=dev --ignore-scripts "${quiet[@]}"
npm rebuild argon2 --foreground-scripts "${quiet[@]}" >/dev/null
cd lib/vscode
npm install --omit=dev --ignore-scripts "${quiet[@]}"
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --foreground-scripts "${quiet[@]}" >/dev/null
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --omit=dev "${quiet[@]}")
touch "$marker"
