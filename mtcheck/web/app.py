"""The ASGI application of `mtcheck serve`: the HTTP API under /v1, /healthz, and the
editor's page at /.

Request and response bodies are the CLI's pydantic models, so the OpenAPI document at
/openapi.json is generated from the same definitions as `reports/schema/`. Checking is
CPU work: it runs in worker threads (a few at a time, see ServeSettings.check_threads)
so the event loop keeps accepting, timing out and answering other requests. Each piece of
work runs under a time budget (`mtcheck.budget`): when its request is answered at the
deadline, the work is cancelled and stops at its next checkpoint, so abandoned work never
piles up and the threads stay bounded.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, TypeVar

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response

from mtcheck import __version__
from mtcheck.align import Aligner, AlignInputError, AlignReport, AlignSettings
from mtcheck.budget import Budget, OutOfTime, checkpoint, running
from mtcheck.core.rules import RuleSelectionError, rule_infos
from mtcheck.models import CheckReport, DocumentReport, FixReport, InputError, RuleCatalogue
from mtcheck.pipeline import Checker
from mtcheck.read import InputProblem, Source
from mtcheck.web import inputs
from mtcheck.web import languagetool as lt
from mtcheck.web.middleware import (
    API_PREFIXES,
    AccessLog,
    AllowedHosts,
    BearerToken,
    BodyLimit,
    CatchAll,
    ConcurrencyLimit,
    Deadline,
    SecurityHeaders,
    error_body,
)
from mtcheck.web.models import (
    AlignRequest,
    CheckRequest,
    ErrorBody,
    ExtractedDocument,
    ExtractReport,
    FindingRef,
    FixRequest,
    Health,
)
from mtcheck.web.settings import ServeSettings

T = TypeVar("T")

# The page: files of this package, served from memory under fixed names (no request
# path ever reaches the file system).
PAGE_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/app.css": ("app.css", "text/css; charset=utf-8"),
    "/static/favicon.svg": ("favicon.svg", "image/svg+xml"),
    # The colour scheme the report and align pages share (mtcheck/render/templates/palette.css).
    "/static/palette.css": ("palette.css", "text/css; charset=utf-8"),
}
# A story that exercises every rule family once, checked at start-up so the first
# request does not pay for loading langdetect's profiles.
WARM_UP = ("China News Agency, Beijing, November 27th. The new crown pneumonia epidemic was supported and supported. "
           "The minister said on Monday that the plan would be put in place by the end of the year.")
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON or a request the server refuses."},
    408: {"model": ErrorBody, "description": "The body did not arrive within the request timeout."},
    413: {"model": ErrorBody, "description": "The body is over the size limit (default 5 MB)."},
    422: {"model": ErrorBody, "description": "A body that is not the model, or text that cannot be checked."},
    503: {"model": ErrorBody, "description": "Not answered within the request timeout, or too many requests at once."},
}


class Service:
    """What the endpoints share: one checker, one aligner, the rule catalogue."""

    def __init__(self, checker: Checker, settings: ServeSettings):
        self.checker = checker
        self.settings = settings
        self.aligner = Aligner(checker)
        self.rules_json = RuleCatalogue(rules=rule_infos()).model_dump_json().encode()
        self._workers: ThreadPoolExecutor | None = None

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in one of `check_threads` worker threads, under a budget of the request
        timeout. When the request is answered first (the deadline passed, the client left),
        work still waiting for a thread is dropped and work running is cancelled: it stops at
        its next checkpoint and frees its thread."""
        if self._workers is None:
            self._workers = ThreadPoolExecutor(self.settings.check_threads, thread_name_prefix="mtcheck-work")
        budget = Budget(self.settings.request_timeout)
        future = self._workers.submit(_within, budget, work, args)
        try:
            return await asyncio.wrap_future(future)
        except BaseException:
            budget.cancel()
            future.cancel()
            raise

    def stop(self) -> None:
        """Drop the work waiting for a thread; the work running stops at its next checkpoint."""
        if self._workers is not None:
            self._workers.shutdown(wait=False, cancel_futures=True)
            self._workers = None

    def check(self, request: CheckRequest) -> CheckReport:
        sources, errors = _readable(inputs.documents_from_text(request.text, request.name, request.format),
                                    request.name)
        return CheckReport(documents=[self.check_document(s) for s in sources], errors=errors,
                           signature=self.checker.signature.format())

    def check_document(self, source: Source) -> DocumentReport:
        checkpoint()  # between the documents of a JSONL body
        return self.checker.check_source(source)

    def fix(self, request: FixRequest) -> FixReport:
        from mtcheck.fix.apply import fix_source

        source = inputs.one_document(request.text, request.name, request.format)
        report = fix_source(source, self.checker, request.select or None, request.ignore or None)
        return report if request.only is None else self._fix_one(source, report, request)

    def _fix_one(self, source: Source, full: FixReport, request: FixRequest) -> FixReport:
        """Of every safe fix, the one change that fixes `request.only`, applied alone."""
        only: FindingRef = request.only  # type: ignore[assignment]
        current = self.check_document(source).findings
        if not any((f.rule, f.start, f.end) == (only.rule, only.start, only.end) and f.fix_safe for f in current):
            raise InputProblem(source.name, f"the text has no safe-to-fix {only.rule} finding at "
                                            f"{only.start}-{only.end} "
                                            "(has it changed since it was checked?)")
        change = next((a for a in full.applied if only.rule in a.rules and a.start <= only.start and only.end <= a.end),
                      None)
        if change is None:
            raise InputProblem(source.name, f"the fix of {only.rule} at {only.start}-{only.end} overlaps a longer fix; "
                                            "apply all safe fixes, or edit it by hand")
        original = source.file_text
        text = original[:change.start] + change.replacement + original[change.end:]
        remaining = self.check_document(inputs.one_document(text, request.name, request.format)).findings
        return FixReport(source=full.source, format=full.format, text=text, changed=True, applied=[change],
                         remaining=remaining, rounds=1, signature=full.signature)

    def align(self, request: AlignRequest) -> AlignReport:
        draft = inputs.one_document(request.draft, request.draft_name, request.format)
        reference = inputs.one_document(request.reference, request.reference_name, request.format)
        aligner = self.aligner
        if request.min_similarity is not None:
            aligner = Aligner(self.checker, AlignSettings(min_similarity=request.min_similarity))
        return aligner.align(draft, reference)

    def extract(self, data: bytes, name: str, fmt: str) -> ExtractReport:
        sources, errors = _readable(inputs.documents_from_bytes(data, name, fmt, self.settings.max_body_bytes), name)
        return ExtractReport(documents=[ExtractedDocument(name=s.name, doc_id=s.doc_id, format=s.format,
                                                          encoding=s.encoding, text=s.text) for s in sources],
                             errors=errors)


def _within(budget: Budget, work: Callable[..., T], args: tuple[Any, ...]) -> T:
    with running(budget):
        return work(*args)


def _readable(items: list[inputs.Item], name: str) -> tuple[list[Source], list[InputError]]:
    """The documents that could be read and the records that could not (JSONL); with no
    document at all the first problem is the answer."""
    sources = [item for item in items if isinstance(item, Source)]
    errors = [InputError(source=item.source, message=item.message) for item in items if isinstance(item, InputProblem)]
    if not sources:
        raise InputProblem(errors[0].source, errors[0].message) if errors else InputProblem(name, "no documents in it")
    return sources, errors


def build_checker(settings: ServeSettings) -> Checker:
    return Checker(settings.options)


def create_app(settings: ServeSettings | None = None, checker: Checker | None = None) -> FastAPI:
    """The application; `checker` (built from `settings` when not given) checks every request."""
    settings = settings or ServeSettings()
    service = Service(checker or build_checker(settings), settings)
    service.checker.check(WARM_UP)
    page = {path: (_static(name), media) for path, (name, media) in PAGE_FILES.items()}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        service.stop()

    app = FastAPI(
        title="mtcheck", version=__version__, lifespan=lifespan,
        description="Tell whether English news copy is machine translation, show what gives it away and how to fix it. "
                    "Request and response bodies are the models of `mtcheck --format json`.",
        # Swagger UI and ReDoc load scripts from a CDN; the page must work offline.
        docs_url=None, redoc_url=None,
        # One schema per model, named as in reports/schema/ (not Model-Input / Model-Output).
        separate_input_output_schemas=False,
    )
    _add_error_handlers(app, settings)

    def page_file(path: str) -> Callable[[], Awaitable[Response]]:
        body, media = page[path]

        async def serve_file() -> Response:
            return Response(body, media_type=media, headers={"cache-control": "no-cache"})

        return serve_file

    for path in PAGE_FILES:
        app.add_api_route(path, page_file(path), methods=["GET"], include_in_schema=False)

    @app.get("/healthz", response_model=Health, tags=["server"], summary="Liveness: the server is up and can check")
    async def healthz() -> Response:
        return _json(Health(version=__version__, signature=service.checker.signature.format()))

    @app.get("/v1/rules", response_model=RuleCatalogue, tags=["rules"], summary="Every rule (as `mtcheck rules "
                                                                                "--format json`)")
    async def rules() -> Response:
        return Response(service.rules_json, media_type="application/json")

    @app.post("/v1/check", response_model=CheckReport, responses=ERRORS, tags=["check"],
              summary="Check a story (as `mtcheck check --format json`)")
    async def check(body: CheckRequest) -> Response:
        return _json(await service.run(service.check, body))

    @app.post("/v1/fix", response_model=FixReport, responses=ERRORS, tags=["fix"],
              summary="Apply the safe fixes (as `mtcheck fix`), or the fix of one finding")
    async def fix(body: FixRequest) -> Response:
        return _json(await service.run(service.fix, body))

    @app.post("/v1/align", response_model=AlignReport, responses=ERRORS, tags=["align"],
              summary="Align two versions of a story (as `mtcheck align --format json`)")
    async def align(body: AlignRequest) -> Response:
        return _json(await service.run(service.align, body))

    @app.post("/v1/extract", response_model=ExtractReport, responses=ERRORS, tags=["check"],
              summary="The text the checker sees in a file's bytes (plain text, HTML, Markdown, ...)",
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
    async def extract(request: Request,
                      name: str = Query("<upload>", max_length=500, description="The file's name (picks the reader by "
                                                                                  "extension; never opened)."),
                      fmt: str = Query("auto", alias="format", max_length=40)) -> Response:
        data = await request.body()
        return _json(await service.run(service.extract, data, name, fmt))

    _add_languagetool_routes(app, service)

    app.state.service = service
    # add_middleware wraps what is there: the last added runs first.
    if settings.api_token:
        # Inside the body limit and the deadline: it may read a form body for an apiKey.
        app.add_middleware(BearerToken, token=settings.api_token, prefixes=API_PREFIXES)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Deadline, seconds=settings.request_timeout)
    app.add_middleware(CatchAll)
    app.add_middleware(ConcurrencyLimit, limit=settings.max_concurrent)
    if settings.cors_origins:
        # Outside the token check, so a browser's preflight (which carries no token) is answered.
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["authorization", "content-type"], max_age=600)
    app.add_middleware(AllowedHosts, hosts=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)
    return app


def _add_languagetool_routes(app: FastAPI, service: Service) -> None:
    """LanguageTool's /v2/check and /v2/languages (mtcheck.web.languagetool)."""
    form = {"requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": {
        "type": "object", "required": ["language"], "properties": {
            "text": {"type": "string", "description": "The text to check (or give `data`)."},
            "data": {"type": "string", "description": "JSON: {\"annotation\": [{\"text\": ...}, {\"markup\": ..., "
                                                      "\"interpretAs\": ...}]}"},
            "language": {"type": "string", "description": "en, en-US, en-GB, ... or auto"},
            "enabledRules": {"type": "string"}, "disabledRules": {"type": "string"},
            "enabledCategories": {"type": "string"}, "disabledCategories": {"type": "string"},
            "enabledOnly": {"type": "string", "enum": ["true", "false"]},
            "apiKey": {"type": "string", "description": "The server's API token, for clients that cannot send an "
                                                        "Authorization header."}}}}}}}

    async def answer(request: Request) -> Response:
        try:
            body = await request.body() if request.method == "POST" else b""
            parsed = lt.parse_request(lt.parse_form(body, request.url.query))
            return _json(await service.run(lt.check, service.checker, parsed))
        except lt.LTRequestError as exc:
            return _error(400, str(exc))

    summary = "Check a text, answering as LanguageTool's /v2/check does"

    @app.post("/v2/check", response_model=lt.LTResponse, responses=ERRORS, tags=["languagetool"],
              openapi_extra=form, summary=summary)
    async def languagetool_check(request: Request) -> Response:
        return await answer(request)

    @app.get("/v2/check", response_model=lt.LTResponse, responses=ERRORS, tags=["languagetool"],
             summary=summary + " (parameters in the query string)")
    async def languagetool_check_get(request: Request) -> Response:
        return await answer(request)

    @app.get("/v2/languages", response_model=list[lt.LTLanguageEntry], tags=["languagetool"],
             summary="The languages /v2/check takes (English variants: mtcheck checks English copy)")
    async def languagetool_languages() -> Response:
        return Response(json.dumps([e.model_dump() for e in lt.languages()]), media_type="application/json")


def app_from_env() -> FastAPI:
    """uvicorn's factory in each worker process (settings from the environment)."""
    return create_app(ServeSettings.from_env())


def _static(name: str) -> bytes:
    if name == "palette.css":  # one palette for every page mtcheck makes
        return (resources.files("mtcheck.render") / "templates" / name).read_bytes()
    return (resources.files("mtcheck.web") / "static" / name).read_bytes()


def _json(model: BaseModel) -> Response:
    # Serialised once by pydantic, not validated again against the response model.
    return Response(model.model_dump_json(), media_type="application/json")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(message), status_code=status, media_type="application/json", headers=headers)


def _add_error_handlers(app: FastAPI, settings: ServeSettings) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"not found: {request.url.path}"
        elif exc.status_code == 405:
            allowed = (getattr(exc, "headers", None) or {}).get("Allow", "")
            message = f"method {request.method} is not allowed on {request.url.path} (allowed: {allowed})"
        elif isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI's "error parsing the body"
            cause = exc.__cause__
            message = f"request body is not UTF-8 JSON (byte 0x{cause.object[cause.start]:02x} at offset {cause.start})"
        return _error(exc.status_code, message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return _error(*_describe(list(exc.errors()), request.headers.get("content-type")))

    @app.exception_handler(InputProblem)
    async def input_problem(request: Request, exc: InputProblem) -> Response:
        return _error(422, str(exc))

    @app.exception_handler(OutOfTime)
    async def out_of_time(request: Request, exc: OutOfTime) -> Response:
        return _error(503, f"request not answered within {settings.request_timeout:g} seconds; send less text")

    @app.exception_handler(RuleSelectionError)
    @app.exception_handler(AlignInputError)
    async def unusable_request(request: Request, exc: Exception) -> Response:
        return _error(422, str(exc))


def _describe(errors: list[dict[str, Any]], content_type: str | None) -> tuple[int, str]:
    """Status and one line for pydantic's validation errors: 400 for malformed JSON."""
    for e in errors:
        if e.get("type") == "json_invalid":
            position = e["loc"][-1] if len(e.get("loc", ())) > 1 else "?"
            return 400, f"malformed JSON at character {position}: {e.get('ctx', {}).get('error', e.get('msg'))}"
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:3]]
    more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
    hint = ""
    if content_type is None or "json" not in content_type.lower():
        hint = "; send JSON with Content-Type: application/json"
    return 422, "; ".join(parts) + more + hint

