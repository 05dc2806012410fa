"""The documents app's jobs: ``documents.ingest`` reads a file (uploaded through the API, or sent in Telegram and
downloaded here) with progress, ``documents.answer`` runs the pipeline and streams its events, ``documents.zoom``
sends the page region an answer relied on as a picture.

Read → think → write: the job's own unit of work (``ctx.session``) is touched only at the end, so that SQLite's write
lock is not held while a file is read or a model thinks; progress goes out in short units of work of its own."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from PIL import Image

from core.ai.base import CloudProvider
from core.ai.errors import AIProviderError
from core.ai.factory import CLOUD, build_provider
from core.ai.provider import UsageCollector
from core.ai.usage import record_all
from core.config import Settings
from core.documents import pipeline, reading, service, system, texts
from core.documents import repository as repo
from core.documents.errors import (
    ERR_DOC_BROKEN,
    ERR_DOC_EMPTY_ANSWER,
    ERR_DOC_INTERNAL,
    ERR_DOC_NO_TEXT,
    DocumentsError,
)
from core.documents.models import ChatMessage, DocFile
from core.documents.presenter import DOCUMENTS
from core.documents.prompts import prompt_set
from core.documents.retrieval import IndexCache, Query
from core.documents.storage import storage_for
from core.documents.stream import EventSink
from core.errors import DomainError, error_text
from core.i18n import Translator, translator
from core.queue.jobs import JobContext, JobRegistry
from core.telegram.live import LiveMessage, edit_interval
from core.telegram.outbox import Markup, Outbox
from core.telegram.split import split_message
from core.users.models import User

log = structlog.get_logger(__name__)


async def _language(ctx: JobContext) -> str:
    async with ctx.units.read_only() as read:
        user = await read.get(User, ctx.job.user_id) if ctx.job.user_id is not None else None
        return user.language if user is not None else ctx.settings.default_language


class ProgressMessage:
    """The bot's "📄 Reading…" message, edited as pages are read (each edit its own unit of work: shown at once)."""

    def __init__(self, ctx: JobContext, payload: dict[str, Any]) -> None:
        self.ctx = ctx
        self.chat_id = int(payload["chat_id"])
        self.target = payload.get("progress_outbox_id")
        self.key = f"documents:{ctx.job.id}:{ctx.job.attempts}"
        self.last_shown = -1

    async def show(self, text: str, step: str) -> None:
        if self.target is None:
            return
        async with self.ctx.units.unit_of_work() as session:
            await Outbox(session, self.key).edit_text(self.chat_id, text, outbox_id=self.target, parse_mode=None,
                                                      key=f"{self.key}:{step}")

    async def final(self, outbox: Outbox, text: str) -> None:
        if self.target is None:
            await outbox.send_message(self.chat_id, text, parse_mode=None)
        else:
            await outbox.edit_text(self.chat_id, text, outbox_id=self.target, parse_mode=None)


async def ingest(ctx: JobContext) -> None:
    if "file_id" in ctx.job.payload:
        await _ingest_upload(ctx)
    else:
        await _ingest_telegram(ctx)


async def _ingest_upload(ctx: JobContext) -> None:
    """A file uploaded through the API: stored and checked already; read its pages, reporting progress."""
    file_id = int(ctx.job.payload["file_id"])
    async with ctx.units.read_only() as read:
        file = await read.get(DocFile, file_id)
        if file is None or file.status != "processing":
            return
        kind, key, total, user_id = file.kind, file.storage_key, file.pages, file.user_id
        limits = await system.effective(read, ctx.settings)
    data = await storage_for(ctx.settings).get(key)

    async def progress(done: int, _total: int) -> None:
        async with ctx.units.unit_of_work() as session:
            await repo.set_progress(session, file_id, done)

    try:
        result = await service.read_file(kind, data, total, progress, ocr=limits.ocr)
    except DocumentsError as exc:
        await _fail(ctx, file_id, exc.code)
        return
    await _embed(ctx, user_id, limits, result)
    file = await ctx.session.get(DocFile, file_id)
    if file is not None:
        await service.store_pages(ctx.session, file, result)
        log.info("documents.ingested", file_id=file_id, pages=file.pages, blocks=len(result.blocks))


async def _embed(ctx: JobContext, user_id: int, limits: system.SystemSettings, result: service.ReadResult) -> None:
    """The blocks embedded by the user's own cloud provider (or the platform's, when lent), beside the local vectors;
    the question is then compared with them by the same model. A provider failing here does not fail the file: it is
    searched by its text and local vectors only."""
    if not limits.semantic_search or not result.blocks:
        return
    async with ctx.units.read_only() as read:
        try:
            choice = await service.provider_choice(read, ctx.settings, user_id)
        except DomainError:
            return
    if choice.provider not in CLOUD:
        return
    usage = UsageCollector()
    provider = build_provider(choice, ctx.settings, recorder=usage)
    try:
        if not isinstance(provider, CloudProvider):
            return
        vectors = await provider.embed([row["text"] for row in result.blocks])
        if len(vectors) != len(result.blocks):
            return
        for row, vector in zip(result.blocks, vectors, strict=True):
            row["semantic"] = service.vector_bytes(vector.vector)
        result.embedding_model = service.embedding_name(choice.provider, provider.embedding_model)
    except AIProviderError as exc:
        log.warning("documents.embed_failed", job_id=ctx.job.id, provider=exc.provider, code=exc.code)
    finally:
        await provider.aclose()
        await record_all(ctx.session, user_id, usage.events)


async def _question_vector(provider: Any, choice_provider: str, files: list[DocFile], question: str,
                           enabled: bool) -> Query | None:
    """The question embedded by the model that embedded a ready file's blocks (None: no such file, or it failed)."""
    if not enabled or not isinstance(provider, CloudProvider):
        return None
    name = service.embedding_name(choice_provider, provider.embedding_model)
    if not any(f.status == "ready" and f.embedding_model == name for f in files):
        return None
    try:
        (vector,) = await provider.embed([question])
    except (AIProviderError, ValueError) as exc:
        log.warning("documents.question_embed_failed", provider=choice_provider, error=type(exc).__name__)
        return None
    return Query(name, vector.vector)


async def _fail(ctx: JobContext, file_id: int, code: str) -> None:
    file = await ctx.session.get(DocFile, file_id)
    if file is not None:
        file.status, file.error_code = "failed", code
    log.warning("documents.ingest_failed", file_id=file_id, code=code)


async def _ingest_telegram(ctx: JobContext) -> None:
    """A document sent in the bot: download, check, keep and read it; then a chat of its own is ready for questions.
    A file that cannot be read leaves nothing behind: the progress message says why."""
    settings, payload, job = ctx.settings, ctx.job.payload, ctx.job
    t = translator(await _language(ctx))
    message = ProgressMessage(ctx, payload)
    outbox = ctx.outbox()
    name = service.clean_name(payload.get("name"))
    data = await ctx.telegram.download_file(payload["tg_file_id"])
    assert job.user_id is not None
    async with ctx.units.read_only() as read:
        limits = await system.effective(read, settings)
    try:
        accepted = await service.accept(settings, storage_for(settings), job.user_id, name, payload.get("mime_type"),
                                        data, max_pages=limits.max_pages)
    except DocumentsError as exc:
        await message.final(outbox, error_text(exc, t))
        return

    async def progress(done: int, total: int) -> None:
        if total > service.PAGES_PER_STEP and done < total:
            await message.show(t("documents.progress", name=accepted.name, done=done, total=total), f"p{done}")

    try:
        result = await service.read_file(accepted.kind, data, accepted.pages, progress, ocr=limits.ocr)
    except DocumentsError as exc:
        await message.final(outbox, error_text(exc, t))
        return
    await _embed(ctx, job.user_id, limits, result)
    file = service.new_file(job.user_id, accepted, status="ready")
    ctx.session.add(file)
    await ctx.session.flush()
    await service.store_pages(ctx.session, file, result)
    chat = await service.create_chat(ctx.session, job.user_id, accepted.name, tg_chat_id=int(payload["chat_id"]))
    await service.attach(ctx.session, job.user_id, chat.id, file.id)
    await service.activate_chat(ctx.session, job.user_id, chat.id, settings.documents_question_ttl)
    await message.final(outbox, texts.ready_text(file.name, file.pages, file.scanned_pages, t, file.ocr_pages))
    log.info("documents.ingested", file_id=file.id, pages=file.pages, blocks=len(result.blocks), source="telegram")


async def ingest_dead(ctx: JobContext, error: str) -> None:
    payload = ctx.job.payload
    log.warning("documents.ingest_dead", job_id=ctx.job.id, error=error[:200])
    if "file_id" in payload:
        await _fail(ctx, int(payload["file_id"]), ERR_DOC_BROKEN)
        return
    user = await ctx.session.get(User, ctx.job.user_id) if ctx.job.user_id is not None else None
    t: Translator = translator(user.language if user else ctx.settings.default_language)
    text = t("documents.failed", name=service.clean_name(payload.get("name")))
    target = payload.get("progress_outbox_id")
    outbox = ctx.outbox("dead-job")
    if target is None:
        await outbox.send_message(payload["chat_id"], text, parse_mode=None)
    else:
        await outbox.edit_text(payload["chat_id"], text, outbox_id=target, parse_mode=None)


# --- answers ----------------------------------------------------------------------------------------------------

INDEX_CACHE = "documents.index"


class FileImages:
    """Page images of the answer's files, rendered on demand (PDF only) and cropped for zooms; kept for one answer."""

    def __init__(self, settings: Settings, files: dict[int, DocFile]) -> None:
        self.storage = storage_for(settings)
        self.files = files
        self._data: dict[int, bytes] = {}
        self._pages: dict[tuple[int, int], Image.Image] = {}

    async def _image(self, file_id: int, page: int) -> Image.Image | None:
        file = self.files.get(file_id)
        if file is None or file.kind != "pdf" or not 1 <= page <= file.pages:
            return None
        if (file_id, page) not in self._pages:
            if file_id not in self._data:
                self._data[file_id] = await self.storage.get(file.storage_key)
            self._pages[(file_id, page)] = await asyncio.to_thread(reading.render_page, self._data[file_id], page)
        return self._pages[(file_id, page)]

    async def page(self, file_id: int, page: int) -> bytes | None:
        image = await self._image(file_id, page)
        return await asyncio.to_thread(reading.png, image) if image is not None else None

    async def zoom(self, file_id: int, page: int, box: tuple[float, float, float, float]) -> bytes | None:
        image = await self._image(file_id, page)
        if image is None:
            return None
        return await asyncio.to_thread(lambda: reading.png(reading.crop(image, box)))


class TelegramAnswer:
    """The bot's placeholder message: the phase while the pipeline works, the text as it streams (throttled edits),
    then the answer with its citation buttons."""

    def __init__(self, ctx: JobContext, telegram: dict[str, Any], t: Translator) -> None:
        self.ctx = ctx
        self.t = t
        self.chat_id = int(telegram["chat_id"])
        self.target = telegram.get("placeholder_outbox_id")
        interval = edit_interval(self.chat_id, ctx.settings.ask_stream_interval, ctx.settings.outbox_group_per_minute)
        self.live = LiveMessage(ctx.units, self.chat_id, self.target, f"documents:{ctx.job.id}", interval)

    async def phase(self, phase: str) -> None:
        key = f"documents.phase.{phase}"
        if self.t.knows(key):
            await self.live.show(self.t(key), force=True)

    async def text(self, text: str) -> None:
        await self.live.update(text)

    async def final(self, outbox: Outbox, text: str, markup: Markup = None) -> None:
        parts = split_message(text) or [self.t("documents.empty_answer")]
        last = len(parts) - 1
        for n, part in enumerate(parts):
            buttons = markup if n == last else None
            if n == 0 and self.target is not None:
                await outbox.edit_text(self.chat_id, part, outbox_id=self.target, parse_mode=None,
                                       reply_markup=buttons)
            else:
                await outbox.send_message(self.chat_id, part, parse_mode=None, reply_markup=buttons)


async def answer(ctx: JobContext) -> None:
    settings, payload, job = ctx.settings, ctx.job.payload, ctx.job
    assert job.user_id is not None
    chat_id, answer_id = int(payload["chat_id"]), int(payload["answer_id"])
    cache = ctx.cache.setdefault(INDEX_CACHE, IndexCache())
    error: DomainError | None = None
    async with ctx.units.read_only() as read:
        user = await read.get(User, job.user_id)
        language = user.language if user is not None else settings.default_language
        question = await read.get(ChatMessage, int(payload["question_id"]))
        files = await repo.attached_files(read, chat_id)
        prefs = await service.user_settings_or_default(read, job.user_id)
        prompts = await prompt_set(read, await service.role_of(read, prefs))
        limits = await system.effective(read, settings)
        try:
            choice = await service.provider_choice(read, settings, job.user_id)
        except DomainError as exc:
            error, choice = exc, None
    t = translator(language)
    view = TelegramAnswer(ctx, payload["telegram"], t) if payload.get("telegram") else None
    sink = EventSink(ctx.units, chat_id, answer_id, view)
    result: pipeline.Result | None = None
    usage = UsageCollector()
    if error is None and choice is not None and question is not None:
        flash, pro = service.models_for(choice, settings)
        provider = build_provider(choice, settings, recorder=usage)
        try:
            await sink.emit("phase_started", {"phase": "retrieval"})
            semantic = await _question_vector(provider, choice.provider, files, question.content,
                                              limits.semantic_search)
            async with ctx.units.read_only() as read:
                candidates = await service.search(read, cache, files, question.content, limits.top_k, semantic)
            await sink.emit("phase_progress", {"phase": "retrieval", "blocks": len(candidates),
                                               "pages": sorted({c.page for c in candidates})})
            request = pipeline.Request(
                question=question.content, profile=prefs.model_profile, prompts=prompts, candidates=candidates,
                files={f.id: (f.name, f.pages, f.kind) for f in files}, language=language,
                models=pipeline.Models(flash, pro), flash_steps=limits.flash_steps)
            result = await pipeline.run(provider, request, sink, FileImages(settings, {f.id: f for f in files}))
        except AIProviderError as exc:
            log.warning("documents.provider_error", job_id=job.id, provider=exc.provider, code=exc.code)
            error = exc
        finally:
            await provider.aclose()
        await sink.flush()
    await record_all(ctx.session, job.user_id, usage.events)
    await _finish(ctx, chat_id, answer_id, sink, result, error, t, view)


async def _finish(ctx: JobContext, chat_id: int, answer_id: int, sink: EventSink, result: pipeline.Result | None,
                  error: DomainError | None, t: Translator, view: TelegramAnswer | None) -> None:
    """The answer's last state, its final (or error) event and the bot's final message: one unit of work."""
    message = await ctx.session.get(ChatMessage, answer_id)
    if message is None:
        return
    outbox = ctx.outbox()
    if error is None and result is not None and result.text:
        message.content, message.status, message.model = result.text, "done", result.model
        message.citations, message.images = result.citations, result.images
        await repo.add_events(ctx.session, chat_id, answer_id, [("llm_final", {
            "message_id": answer_id, "content": result.text, "citations": result.citations, "model": result.model})])
        if view is not None:
            markup = ctx.presenters.get(DOCUMENTS).citations_markup(result.citations, t)
            await view.final(outbox, result.text, markup)
        return
    if error is None:  # no block to answer from (scans only), or the model said nothing
        error = DocumentsError(ERR_DOC_NO_TEXT if result is None or not result.citations else ERR_DOC_EMPTY_ANSWER,
                               "no answer")
    text = error_text(error, t)
    message.content, message.status, message.error_code = sink.text.strip(), "failed", error.code
    await repo.add_events(ctx.session, chat_id, answer_id, [("error", {
        "message_id": answer_id, "code": error.code, "message": text})])
    if view is not None:
        await view.final(outbox, f"{sink.text.strip()}\n\n{text}" if sink.text.strip() else text)


async def answer_dead(ctx: JobContext, error: str) -> None:
    """A bug stopped the answer: it ends failed, the stream with an `error` event, the bot's message says so."""
    payload = ctx.job.payload
    log.error("documents.answer_dead", job_id=ctx.job.id, error=error[:200])
    user = await ctx.session.get(User, ctx.job.user_id) if ctx.job.user_id is not None else None
    t = translator(user.language if user is not None else ctx.settings.default_language)
    sink = EventSink(ctx.units, int(payload["chat_id"]), int(payload["answer_id"]))
    message = await ctx.session.get(ChatMessage, int(payload["answer_id"]))
    if message is not None:
        sink.text = message.content
    view = TelegramAnswer(ctx, payload["telegram"], t) if payload.get("telegram") else None
    await _finish(ctx, int(payload["chat_id"]), int(payload["answer_id"]), sink, None,
                  DocumentsError(ERR_DOC_INTERNAL, "the answer failed"), t, view)


# --- zoom: the page region a citation points at -------------------------------------------------------------------


async def zoom(ctx: JobContext) -> None:
    """Send the cited block's region of its page as a picture (a text file's block as text)."""
    payload, job = ctx.job.payload, ctx.job
    assert job.user_id is not None
    async with ctx.units.read_only() as read:
        user = await read.get(User, job.user_id)
        found = await repo.block_of(read, job.user_id, int(payload["block_id"]))
    t = translator(user.language if user is not None else ctx.settings.default_language)
    if found is None:
        return
    block, file = found
    chat_id = int(payload["chat_id"])
    caption = t("documents.zoom.caption", name=file.name, page=block.page)
    image = await FileImages(ctx.settings, {file.id: file}).zoom(file.id, block.page,
                                                                 (block.x0, block.y0, block.x1, block.y1))
    if image is None:
        text = t("documents.zoom.text", name=file.name, page=block.page, text=block.text)
        await ctx.outbox().send_message(chat_id, split_message(text)[0], parse_mode=None)
        return
    await ctx.telegram.send_photo(chat_id, image, caption=caption, filename=f"page-{block.page}.png")


def register(registry: JobRegistry) -> None:
    registry.register(service.INGEST_JOB, ingest, ingest_dead)
    registry.register(service.ANSWER_JOB, answer, answer_dead)
    registry.register(service.ZOOM_JOB, zoom)
