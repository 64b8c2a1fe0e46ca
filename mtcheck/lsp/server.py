"""The language server (`mtcheck lsp`, on pygls): diagnostics as the editor's text is opened
and changed, a quick fix per safe finding and a "fix all" action, a rule's explanation on
hover. Plain text, Markdown and HTML (other files by their extension, as `check` reads them).

Each document is checked with the checker its folder's config gives (mtcheck.toml or
[tool.mtcheck], or --config), as `mtcheck check` would check the saved file; saving a
config file (or a change the client reports for one) re-reads the configs and re-checks
every open document. Changes are checked after a short pause in typing, in a worker thread,
and a result is published only while it is still for the document's current version.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import PurePath
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from mtcheck import __version__
from mtcheck.lsp.documents import CheckedDocument, Edit, format_for
from mtcheck.lsp.positions import Position
from mtcheck.models import Finding, Severity
from mtcheck.read import InputProblem

if TYPE_CHECKING:
    from mtcheck.cli.common import CheckerForFile

log = logging.getLogger("mtcheck.lsp")

SOURCE = "mtcheck"
DEBOUNCE_SECONDS = 0.25  # a pause in typing before a changed document is checked again
FIX_ALL = f"{types.CodeActionKind.SourceFixAll.value}.mtcheck"
CONFIG_FILES = ("mtcheck.toml", "pyproject.toml")
_SEVERITIES = {Severity.error: types.DiagnosticSeverity.Error, Severity.warning: types.DiagnosticSeverity.Warning,
               Severity.info: types.DiagnosticSeverity.Information}


class MtcheckLanguageServer(LanguageServer):
    """The server and what it knows of the open documents."""

    def __init__(self, make_checkers: Callable[[], CheckerForFile]):
        # Full sync: the editor sends the whole text on each change (a story is small), so the
        # text checked is exactly the editor's, line breaks included.
        super().__init__("mtcheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full)
        self.make_checkers = make_checkers
        self.checkers = make_checkers()
        self.checked: dict[str, CheckedDocument] = {}
        self.pending: dict[str, asyncio.Task] = {}

    @property
    def encoding(self) -> str:
        chosen = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return chosen.value if isinstance(chosen, types.PositionEncodingKind) else str(chosen)

    # -- checking ------------------------------------------------------------------------

    def analyse(self, uri: str) -> CheckedDocument | None:
        """Check the document's current text (None when it is not open, or the config
        excludes it); a config or input problem is published as a diagnostic at its top."""
        from mtcheck.cli.common import UsageError

        document = self.workspace.get_text_document(uri)
        name = _name(uri)
        text, version = document.source, document.version
        try:
            config = self.checkers.config_for(name)
            if config is not None and name != "-" and not config.includes(name):
                self.checked.pop(uri, None)
                self._publish(uri, version, [])
                return None
            checker = self.checkers.checker_for(config)
            checked = CheckedDocument(name, version, text, format_for(name, document.language_id), checker,
                                      self.encoding)
        except (UsageError, InputProblem) as exc:
            self.checked.pop(uri, None)
            self._publish(uri, version, [_problem(str(exc))])
            return None
        return checked

    def schedule(self, uri: str, delay: float) -> None:
        """Check the document after `delay` seconds, in place of a check not yet started."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._check_later(uri, delay))

    async def _check_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.pending.pop(uri, None)
        try:
            checked = await asyncio.to_thread(self.analyse, uri)
        except Exception as exc:  # a bug, not the document's fault: say so where the user looks
            log.exception("checking %s failed", uri)
            self._publish(uri, None, [_problem(f"mtcheck could not check this document ({exc}); see the server log")])
            return
        if checked is None or uri not in self.workspace.text_documents:
            return
        if self.workspace.get_text_document(uri).version != checked.version:
            return  # the text changed while it was checked: its own check is scheduled
        self.checked[uri] = checked
        self._publish(uri, checked.version, diagnostics(checked))

    async def current(self, uri: str) -> CheckedDocument | None:
        """The report of the document as it is now (checked now if the last one is stale)."""
        if uri not in self.workspace.text_documents:
            return None
        checked = self.checked.get(uri)
        if checked is not None and checked.version == self.workspace.get_text_document(uri).version:
            return checked
        checked = await asyncio.to_thread(self.analyse, uri)
        if checked is not None:
            self.checked[uri] = checked
        return checked

    def reload_config(self) -> None:
        self.checkers = self.make_checkers()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    def _publish(self, uri: str, version: int | None, found: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=found, version=version))


def _name(uri: str) -> str:
    """A file URI's path (what configs and readers go by); '-' for an unsaved document."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return path or "-"


def _range(checked: CheckedDocument, start: int, end: int) -> types.Range:
    a, b = checked.positions.position(start), checked.positions.position(end)
    return types.Range(start=types.Position(line=a.line, character=a.character),
                       end=types.Position(line=b.line, character=b.character))


def _offsets(checked: CheckedDocument, span: types.Range) -> tuple[int, int]:
    index = checked.positions
    return (index.offset(Position(span.start.line, span.start.character)),
            index.offset(Position(span.end.line, span.end.character)))


def _problem(message: str) -> types.Diagnostic:
    top = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    return types.Diagnostic(range=top, message=message, severity=types.DiagnosticSeverity.Error, source=SOURCE)


def diagnostic(checked: CheckedDocument, f: Finding) -> types.Diagnostic:
    message = f.message
    if f.suggestion is not None:
        message += f" \u2014 suggestion: {f.suggestion or '(delete)'}"
    return types.Diagnostic(range=_range(checked, f.start, f.end), message=message, severity=_SEVERITIES[f.severity],
                            code=f.rule, source=SOURCE,
                            data={"rule": f.rule, "start": f.start, "end": f.end, "fix_safe": f.fix_safe})


def diagnostics(checked: CheckedDocument) -> list[types.Diagnostic]:
    found = [diagnostic(checked, f) for f in checked.findings]
    # A document-level gate failure (MT likelihood, fluency) has no span: it stands at the top.
    for failure in checked.failures:
        top = _problem(failure.message)
        found.append(types.Diagnostic(range=top.range, message=failure.message, code=failure.rule, source=SOURCE,
                                      severity=types.DiagnosticSeverity.Error))
    return found


def _text_edit(checked: CheckedDocument, uri: str, edits: list[Edit]) -> types.WorkspaceEdit:
    document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=checked.version)
    changes: list[types.TextEdit | types.AnnotatedTextEdit | types.SnippetTextEdit] = [
        types.TextEdit(range=_range(checked, e.start, e.end), new_text=e.text) for e in edits]
    return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=changes)])


def code_actions(checked: CheckedDocument, uri: str, span: types.Range,
                 only: list[str] | None) -> list[types.CodeAction]:
    def wanted(kind: str) -> bool:
        return not only or any(kind == k or kind.startswith(k + ".") for k in only)

    actions: list[types.CodeAction] = []
    if wanted(types.CodeActionKind.QuickFix.value):
        start, end = _offsets(checked, span)
        for fix in checked.quick_fixes(start, end):
            actions.append(types.CodeAction(
                title=fix.title, kind=types.CodeActionKind.QuickFix, is_preferred=True,
                diagnostics=[diagnostic(checked, fix.finding)], edit=_text_edit(checked, uri, [fix.edit])))
    if wanted(FIX_ALL):
        edits = checked.fix_all()
        if edits:
            actions.append(types.CodeAction(
                title=f"Fix all safe mtcheck findings ({len(edits)} change{'s' if len(edits) != 1 else ''})",
                kind=FIX_ALL, edit=_text_edit(checked, uri, edits)))
    return actions


def hover(checked: CheckedDocument, at: types.Position) -> types.Hover | None:
    from mtcheck.core.rules import RULES
    from mtcheck.render.rules import render_rule_markdown

    offset = checked.positions.offset(Position(at.line, at.character))
    found = [f for f in checked.findings if f.start <= offset < f.end or f.start == offset == f.end]
    if not found:
        return None
    parts = []
    for f in found:
        head = f"**{f.message}**" + (f" \u2014 suggestion: `{f.suggestion}`" if f.suggestion else "")
        rule = RULES.get(f.rule)
        parts.append(head + "\n\n" + (render_rule_markdown(rule.info()) if rule is not None else f.rule))
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                       range=_range(checked, found[0].start, found[0].end))


def build_server(make_checkers: Callable[[], CheckerForFile]) -> MtcheckLanguageServer:
    server = MtcheckLanguageServer(make_checkers)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: MtcheckLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: MtcheckLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: MtcheckLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if PurePath(_name(params.text_document.uri)).name in CONFIG_FILES:
            ls.reload_config()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: MtcheckLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.checked.pop(uri, None)
        ls._publish(uri, None, [])

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files(ls: MtcheckLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(PurePath(_name(change.uri)).name in CONFIG_FILES for change in params.changes):
            ls.reload_config()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: MtcheckLanguageServer, params: types.InitializedParams) -> None:
        # Config files edited outside the editor: ask the client to report them, when it can.
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_FILES]
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="mtcheck-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False))
    async def code_action(ls: MtcheckLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        checked = await ls.current(params.text_document.uri)
        if checked is None:
            return None
        only = [str(k) for k in params.context.only] if params.context.only else None
        return await asyncio.to_thread(code_actions, checked, params.text_document.uri, params.range, only)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def on_hover(ls: MtcheckLanguageServer, params: types.HoverParams) -> types.Hover | None:
        checked = await ls.current(params.text_document.uri)
        return hover(checked, params.position) if checked is not None else None

    return server
