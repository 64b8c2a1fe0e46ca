"""The language server: `mtcheck lsp` gives editors diagnostics, quick fixes and rule hovers
(needs the `lsp` extra: pygls). `documents` checks an open document through the one
pipeline; `positions` places offsets in LSP's code units; `server` speaks the protocol."""
