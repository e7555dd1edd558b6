"""A real third-party client: Neovim, headless, drives the server as a user would.

Neovim 0.7 (Debian's) has no ``vim.lsp.start``; ``vim.lsp.start_client`` plus
``vim.lsp.buf_attach_client`` work in every version since. Neovim asks for UTF-16
positions and turns them into byte columns itself, so a wrong UTF-16 column from the
server shows up here as a wrong byte column. The quick fix goes through Neovim's own
code action path (``vim.lsp.buf.code_action`` and ``vim.ui.select``), which applies the
server's workspace edit to the buffer.

``scripts/steps/40-neovim.sh`` installs Neovim in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (scripts/steps/40-neovim.sh installs it)")

TEXT = "📰 Police rescued three child prostitutes.\nÉté: the child pornography case.\n"

SCRIPT = r"""
local out = { diagnostics = {}, after = {} }
local function finish(err)
  out.error = err
  local f = assert(io.open(os.getenv("RESULT"), "w"))
  f:write(vim.fn.json_encode(out))
  f:close()
  vim.cmd("qa!")
end

local function collect(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
                          severity = d.severity, source = d.source, message = d.message,
                          code = d.user_data and d.user_data.lsp and d.user_data.lsp.code })
  end
  table.sort(found, function(a, b) return a.lnum < b.lnum end)
  return found
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("DOCUMENT")))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "opsc-terms",
    cmd = { os.getenv("SERVER_PYTHON"), "-m", "opsc_terms.lsp_server" },
    root_dir = vim.fn.fnamemodify(os.getenv("DOCUMENT"), ":h"),
    init_options = { debounceMs = 50 },
  })
  assert(client_id, "the server did not start")
  vim.lsp.buf_attach_client(bufnr, client_id)

  assert(vim.wait(60000, function() return #vim.diagnostic.get(bufnr) == 2 end, 50), "no diagnostics")
  out.diagnostics = collect(bufnr)

  -- Choose the preferred quick fix, as a user picking the first suggestion would.
  vim.ui.select = function(items, _, on_choice)
    local titles = {}
    for i, item in ipairs(items) do
      table.insert(titles, item[2].title)
      if item[2].isPreferred then
        out.chosen = item[2].title
        out.offered = titles
        return on_choice(item, i)
      end
    end
    out.offered = titles
    on_choice(nil, nil)
  end
  local first = out.diagnostics[1]
  vim.api.nvim_win_set_cursor(0, { first.lnum + 1, first.col + 2 })
  vim.lsp.buf.code_action()
  assert(vim.wait(30000, function() return out.chosen ~= nil and
    vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]:find("children exploited") ~= nil end, 50),
    "the quick fix was not applied")
  out.lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)

  -- The edit is a change like any other: the server checks the new text.
  assert(vim.wait(60000, function() return #vim.diagnostic.get(bufnr) == 1 end, 50), "no re-check")
  out.after = collect(bufnr)
  vim.lsp.stop_client(client_id)
end)
finish(not ok and tostring(err) or nil)
"""


def byte_span(line: str, term: str) -> tuple[int, int]:
    start = line.index(term)
    return len(line[:start].encode()), len(line[:start + len(term)].encode())


def test_neovim_shows_findings_and_applies_a_quick_fix(tmp_path: Path) -> None:
    assert NVIM is not None
    document = tmp_path / "news.txt"
    document.write_text(TEXT, encoding="utf-8")
    script = tmp_path / "client.lua"
    script.write_text(SCRIPT, encoding="utf-8")
    result = tmp_path / "result.json"
    env = {**os.environ, "DOCUMENT": str(document), "RESULT": str(result), "SERVER_PYTHON": sys.executable}
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / name.lower())
    done = subprocess.run([NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
                          env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.exists(), f"Neovim wrote no result (exit {done.returncode}):\n{done.stdout}\n{done.stderr}"
    out = json.loads(result.read_text(encoding="utf-8"))
    assert out.get("error") is None, out

    lines = TEXT.splitlines()
    first, second = out["diagnostics"]
    assert (first["lnum"], first["end_lnum"]) == (0, 0)
    assert (first["col"], first["end_col"]) == byte_span(lines[0], "child prostitutes")
    assert first["code"] == "child-prostitute"
    assert first["source"] == "opsc-terms"
    assert first["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "children exploited in prostitution" in first["message"]
    assert (second["lnum"], second["end_lnum"]) == (1, 1)
    assert (second["col"], second["end_col"]) == byte_span(lines[1], "child pornography")
    assert second["code"] == "child-pornography"

    assert out["chosen"] == "Replace “child prostitutes” with “children exploited in prostitution”"
    assert out["lines"] == ["📰 Police rescued three children exploited in prostitution.", lines[1]]
    [remaining] = out["after"]
    assert remaining["code"] == "child-pornography"
    assert (remaining["lnum"], remaining["col"]) == (1, byte_span(lines[1], "child pornography")[0])
