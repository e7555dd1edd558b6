#!/usr/bin/env bash
# The release artefacts as a user gets them: build the sdist and the wheel (the wheel from
# the sdist, so a file missing from either shows), install the wheel into a fresh virtual
# environment (no editable install) and, from a folder outside the source tree, check a
# document of every format the package reads and hold a short session with the language
# server. A subpackage or data file left out of pyproject.toml fails here.
set -euo pipefail
root="$PWD"
python="${PYTHON:-python3}"
version="$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

.venv/bin/python -m build --outdir "$work/dist" . > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel="$work/dist/opsc_terms-$version-py3-none-any.whl"
sdist="$work/dist/opsc_terms-$version.tar.gz"
# RELEASING.md and the install commands in the READMEs name the wheel this way.
[ -f "$wheel" ] || { echo "expected $wheel; built: $(ls "$work/dist")"; exit 1; }
[ -f "$sdist" ] || { echo "expected $sdist; built: $(ls "$work/dist")"; exit 1; }
echo "built $(basename "$sdist") and $(basename "$wheel")"

"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$wheel"

mkdir "$work/docs"
cd "$work/docs"
cp "$root/examples/sample.txt" sample.txt
cp "$root/scripts/lsp_smoke.py" lsp_smoke.py
sentence="Police rescued three child prostitutes in the raid."
printf '# Raid\n\n%s\n' "$sentence" > notes.md
printf '<!doctype html>\n<title>Raid</title>\n<p>%s</p>\n' "$sentence" > page.html
printf 'Raid\n====\n\n%s\n' "$sentence" > handbook.rst
printf '\\documentclass{article}\n\\begin{document}\n\\emph{%s}\n\\end{document}\n' "$sentence" > paper.tex
"$work/venv/bin/python" - "$sentence" <<'PY'
import sys
import docx

document = docx.Document()
document.add_paragraph(sys.argv[1])
document.save("bill.docx")
PY

# The package comes from the fresh environment, not from the source tree.
location="$("$work/venv/bin/python" -c 'import opsc_terms; print(opsc_terms.__file__)')"
case "$location" in
  "$work/venv/"*) ;;
  *) echo "opsc_terms was imported from $location"; exit 1 ;;
esac

status=0
"$work/venv/bin/opsc-terms" check --isolated --format concise \
  sample.txt notes.md page.html handbook.rst paper.tex bill.docx > report.txt || status=$?
cat report.txt
[ "$status" -eq 1 ] || { echo "opsc-terms check exited with $status, expected 1 (findings)"; exit 1; }
for file in sample.txt notes.md page.html handbook.rst paper.tex bill.docx; do
  grep -q "^$file:[0-9]*:[0-9]*: error \[child-prostitute\]" report.txt || { echo "no finding in $file"; exit 1; }
done
rules="$("$work/venv/bin/opsc-terms" rules --isolated | wc -l)"
[ "$rules" -ge 40 ] || { echo "only $rules rules installed"; exit 1; }
"$work/venv/bin/opsc-terms" explain --isolated --format text child-prostitute | grep -q "CRC/C/156, para. 55"

"$work/venv/bin/python" -m opsc_terms.lsp_server --version
"$work/venv/bin/python" lsp_smoke.py "$work/venv/bin/opsc-terms-lsp"
echo "the wheel installs and runs outside the source tree"
