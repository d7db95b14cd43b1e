-- Neovim's built-in LSP client (0.7 and later) driving `stagecraft lsp` as a learner's editor
-- would: open the starter, receive the diagnostics, hover the CMD line, pick "AS builder"
-- from the code-action menu on the FROM line, then replace the text with a reference
-- solution and wait for every error to go. It records what it saw in $STAGECRAFT_REPORT as
-- JSON; the expectations live in the Rust test (tests/lsp.rs), so this script only drives.

local bin = os.getenv('STAGECRAFT_BIN')
local lab = os.getenv('STAGECRAFT_LAB')
local solution = os.getenv('STAGECRAFT_SOLUTION')
local report_path = os.getenv('STAGECRAFT_REPORT')
local report = { messages = {}, version = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) }

local function ms_since(t0)
  return (vim.loop.hrtime() - t0) / 1e6
end

local function diagnostics(buf)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(out, {
      lnum = d.lnum,
      end_lnum = d.end_lnum,
      col = d.col,
      severity = d.severity,
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
      source = d.source,
      message = d.message,
    })
  end
  return out
end

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code == code) then
      return true
    end
  end
  return false
end

local function line_starting(buf, prefix)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:sub(1, #prefix) == prefix then
      return i - 1
    end
  end
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(lab))
  local buf = vim.api.nvim_get_current_buf()
  local t0 = vim.loop.hrtime()
  local client_id = vim.lsp.start_client({
    name = 'stagecraft',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(lab, ':h'),
    handlers = {
      ['window/showMessage'] = function(_, result)
        table.insert(report.messages, result.message)
      end,
    },
  })
  vim.lsp.buf_attach_client(buf, client_id)

  -- 1. The starter's diagnostics.
  report.got_diagnostics = vim.wait(10000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 10)
  report.first_ms = ms_since(t0)
  report.starter = diagnostics(buf)

  -- 2. Hover on the CMD line.
  local cmd_line = line_starting(buf, 'CMD')
  vim.api.nvim_win_set_cursor(0, { cmd_line + 1, 2 })
  local hovers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', vim.lsp.util.make_position_params(), 5000)
  for _, r in pairs(hovers or {}) do
    if r.result then
      report.hover = r.result.contents.value
    end
  end

  -- 3. The code-action menu on the FROM line; the learner picks "AS builder".
  local from_line = line_starting(buf, 'FROM')
  vim.api.nvim_win_set_cursor(0, { from_line + 1, 0 })
  vim.ui.select = function(items, _, on_choice)
    report.offered = {}
    local pick
    for _, item in ipairs(items) do
      table.insert(report.offered, item[2].title)
      if item[2].title:find('AS builder', 1, true) then
        pick = item
      end
    end
    on_choice(pick)
  end
  vim.lsp.buf.code_action()
  vim.wait(5000, function()
    return vim.api.nvim_buf_get_lines(buf, from_line, from_line + 1, false)[1]:find('AS builder', 1, true) ~= nil
  end, 10)
  report.from_after_fix = vim.api.nvim_buf_get_lines(buf, from_line, from_line + 1, false)[1]
  report.fix_cleared = vim.wait(5000, function()
    return not has_code(buf, 'SC102')
  end, 10)
  report.after_fix = diagnostics(buf)

  -- 4. The learner's finished file.
  local t1 = vim.loop.hrtime()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.fn.readfile(solution))
  report.cleared = vim.wait(10000, function()
    return #vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR }) == 0
  end, 10)
  report.solution_ms = ms_since(t1)
  report.solution = diagnostics(buf)
  vim.wait(2000, function()
    return #report.messages > 0 and report.messages[#report.messages]:find('7/7', 1, true) ~= nil
  end, 10)
  local lenses = vim.lsp.buf_request_sync(buf, 'textDocument/codeLens',
    { textDocument = vim.lsp.util.make_text_document_params() }, 5000)
  for _, r in pairs(lenses or {}) do
    if r.result and r.result[1] then
      report.lens = r.result[1].command.title
    end
  end

  -- 5. Quitting the editor: shutdown, then exit.
  vim.lsp.stop_client(client_id)
  report.stopped = vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 10)
end

local ok, err = pcall(main)
if not ok then
  report.error = tostring(err)
end
local f = assert(io.open(report_path, 'w'))
f:write(vim.fn.json_encode(report))
f:close()
vim.cmd('qa!')
