"""The answer pipelines, by the user's ``model_profile``:

- **simple**: one model (flash) answers from the retrieved blocks; when the chat has a PDF it may first call
  ``request_images`` / ``zoom`` (spec 7.1: "execute, attach the results, continue"), and its answer is then the text
  of its last step (sent on as tokens); with text files only, or past its rounds of tools, it answers streaming;
- **complex**: a Flash stage gets the candidate blocks and the image catalogue and may call ``request_images``
  (page images) and ``zoom`` (a cropped region) before it names the blocks that matter; then Pro answers from those
  blocks and the images, streaming.

The offline ``local`` provider is not a language model: it answers extractively, the sentences of the best blocks
that share the most words with the question, with their citations (in complex mode its "Flash" zooms into the best
block, so the same events flow). Every event goes to ``Events.emit`` (the stream and the Telegram message); the
answer cites its blocks as [n], which become (file, page, block) citations."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.ai.base import CloudProvider
from core.ai.local_provider import MODEL as LOCAL_MODEL
from core.ai.service import cited_sources
from core.ai.tools import ToolCall, ToolResult, ToolSpec
from core.documents.prompts import PromptSet
from core.documents.retrieval import Candidate, stems

MAX_IMAGES = 4  # images given to a model in one request
FALLBACK_BLOCKS = 6  # what Pro gets when Flash names no block
CITED_WHEN_NONE = 3  # an answer that cites nothing is given the best blocks as its sources
LOCAL_SENTENCES = 3
_BLOCK_REF = re.compile(r"\[B(\d{1,19})\]")
_SENTENCE = re.compile(r"(?<=[.!?…;])\s+|\n+")

REQUEST_IMAGES = ToolSpec("request_images", "Get the images of whole pages of a document, to look at tables, "
                          "drawings and layouts.", {
                              "type": "object",
                              "properties": {"pages": {"type": "array", "items": {"type": "integer"}},
                                             "file_id": {"type": "integer"}},
                              "required": ["pages"]})
ZOOM = ToolSpec("zoom", "Get an enlarged image of a region of a page: x0, y0 (top-left) and x1, y1 (bottom-right) as "
                "fractions of the page's width and height.", {
                    "type": "object",
                    "properties": {"page": {"type": "integer"}, "x0": {"type": "number"}, "y0": {"type": "number"},
                                   "x1": {"type": "number"}, "y1": {"type": "number"},
                                   "file_id": {"type": "integer"}},
                    "required": ["page", "x0", "y0", "x1", "y1"]})


class Events(Protocol):
    async def emit(self, event: str, data: dict[str, Any]) -> None: ...


class Images(Protocol):
    """Page images of the chat's documents (None for a page that has none: a text file, a page out of range)."""

    async def page(self, file_id: int, page: int) -> bytes | None: ...

    async def zoom(self, file_id: int, page: int, box: tuple[float, float, float, float]) -> bytes | None: ...


@dataclass(frozen=True)
class Models:
    flash: str
    pro: str


@dataclass
class Request:
    question: str
    profile: str  # simple | complex
    prompts: PromptSet
    candidates: list[Candidate]
    files: dict[int, tuple[str, int, str]]  # file id -> (name, pages, kind)
    language: str
    models: Models
    flash_steps: int = 3  # request_images / zoom rounds before Flash must name its blocks


@dataclass
class Result:
    text: str
    citations: list[dict[str, Any]]
    model: str
    images: list[dict[str, Any]] = field(default_factory=list)  # what the model was shown: pages and zooms


async def run(provider: Any, request: Request, events: Events, images: Images) -> Result:
    """Answer the question; tokens and phases go to ``events`` as they happen. Provider errors propagate."""
    if not request.candidates:
        return Result(text="", citations=[], model=request.models.flash)
    if isinstance(provider, CloudProvider):
        if request.profile == "complex":
            return await _complex(provider, request, events, images)
        if request.flash_steps and _pdf_file(request) is not None:
            return await _simple_with_tools(provider, request, events, images)
        return await _answer(provider, request, request.candidates, [], request.models.flash, events)
    return await _local(request, events, images)


def _pdf_file(request: Request) -> int | None:
    """The file a tool call without a file_id means: the best candidate's, if a PDF, else the first PDF's."""
    pdfs = [c.file_id for c in request.candidates if request.files.get(c.file_id, ("", 0, ""))[2] == "pdf"]
    if pdfs:
        return pdfs[0]
    return next((file_id for file_id, (_, _, kind) in request.files.items() if kind == "pdf"), None)


def citations_of(text: str, blocks: Sequence[Candidate]) -> list[dict[str, Any]]:
    """The blocks the text cites as [n] (1-based), in order of first citation; none cited: the best few."""
    cited = cited_sources(text, len(blocks)) or list(range(min(CITED_WHEN_NONE, len(blocks))))
    return [{"n": index + 1, "file_id": blocks[index].file_id, "file_name": blocks[index].file_name,
             "page": blocks[index].page, "block_id": blocks[index].block_id, "box": list(blocks[index].box)}
            for index in cited]


def context_message(question: str, blocks: Sequence[Candidate], *, images_note: str = "") -> str:
    """The user turn of the answering model: the question and the numbered blocks (file, page, box, kind)."""
    lines = [f"Вопрос: {question}", "", "Блоки документа:"]
    for n, block in enumerate(blocks, start=1):
        box = ", ".join(f"{v:.2f}" for v in block.box)
        kind = "таблица" if block.kind == "table" else "текст"
        lines.append(f"[{n}] {block.file_name}, с. {block.page}, блок {block.number} ({kind}; рамка {box}):")
        lines.append(block.text)
        lines.append("")
    if images_note:
        lines.append(images_note)
    lines.append("Отвечай со ссылками на блоки: [1], [2]…")
    return "\n".join(lines)


def catalogue(files: dict[int, tuple[str, int, str]]) -> list[str]:
    """The image catalogue: the PDFs whose pages a model may look at, with the tools to call."""
    lines = ["Каталог изображений:"]
    for file_id, (name, pages, kind) in files.items():
        if kind == "pdf":
            lines.append(f"- {name} (file_id={file_id}): страницы 1–{pages}; request_images(pages, file_id), "
                         "zoom(page, x0, y0, x1, y1, file_id)")
    return lines


def flash_message(question: str, blocks: Sequence[Candidate], files: dict[int, tuple[str, int, str]]) -> str:
    """The Flash stage's user turn: the document's candidate blocks, the image catalogue, the question."""
    lines = ["Блоки документа:"]
    for block in blocks:
        box = ", ".join(f"{v:.2f}" for v in block.box)
        lines.append(f"[B{block.block_id}] {block.file_name} (file_id={block.file_id}), с. {block.page}, "
                     f"рамка {box}: {block.text}")
    lines += ["", *catalogue(files), "", f"Вопрос: {question}"]
    return "\n".join(lines)


async def _answer(provider: CloudProvider, request: Request, blocks: list[Candidate], shown: list[bytes],
                  model: str, events: Events, seen: list[dict[str, Any]] | None = None) -> Result:
    await events.emit("phase_started", {"phase": "answer", "model": model, "blocks": len(blocks)})
    note = f"Приложены изображения: {len(shown)}." if shown else ""
    text = ""
    async for piece in provider.stream_chat(request.prompts.answer_system(),
                                            context_message(request.question, blocks, images_note=note),
                                            images=shown[:MAX_IMAGES], model=model):
        text += piece
        await events.emit("llm_token", {"text": piece})
    return Result(text=text.strip(), citations=citations_of(text, blocks), model=model, images=seen or [])


async def _simple_with_tools(provider: CloudProvider, request: Request, events: Events, images: Images) -> Result:
    """Flash answers from the blocks and may first look at pages and zooms (at most ``flash_steps`` rounds); past
    them it answers streaming with what it has seen."""
    model, blocks = request.models.flash, request.candidates
    await events.emit("phase_started", {"phase": "answer", "model": model, "blocks": len(blocks)})
    note = "\n".join(catalogue(request.files))
    chat = provider.start_tools(request.prompts.answer_system(),
                                context_message(request.question, blocks, images_note=note),
                                tools=[REQUEST_IMAGES, ZOOM], model=model)
    shown: list[bytes] = []
    seen: list[dict[str, Any]] = []
    default_file = _pdf_file(request) or blocks[0].file_id
    for _ in range(request.flash_steps):
        step = await chat.step()
        if not step.calls:
            for piece in re.findall(r"\s*\S+", step.text):
                await events.emit("llm_token", {"text": piece})
            return Result(text=step.text.strip(), citations=citations_of(step.text, blocks), model=model, images=seen)
        chat.reply([await _run_tool(call, default_file, images, events, shown, seen, phase="answer")
                    for call in step.calls])
    return await _answer(provider, request, blocks, shown, model, events, seen)


async def _complex(provider: CloudProvider, request: Request, events: Events, images: Images) -> Result:
    flash = request.models.flash
    await events.emit("phase_started", {"phase": "flash", "model": flash})
    chat = provider.start_tools(request.prompts.flash_system(),
                                flash_message(request.question, request.candidates, request.files),
                                tools=[REQUEST_IMAGES, ZOOM], model=flash)
    shown: list[bytes] = []
    seen: list[dict[str, Any]] = []
    default_file = request.candidates[0].file_id
    text = ""
    for _ in range(request.flash_steps):
        step = await chat.step()
        text = step.text
        if not step.calls:
            break
        results = [await _run_tool(call, default_file, images, events, shown, seen) for call in step.calls]
        chat.reply(results)
    by_id = {c.block_id: c for c in request.candidates}
    chosen = [by_id[int(ref)] for ref in dict.fromkeys(_BLOCK_REF.findall(text)) if int(ref) in by_id]
    await events.emit("phase_progress", {"phase": "flash", "action": "selected",
                                         "blocks": [c.block_id for c in chosen]})
    blocks = chosen or request.candidates[:FALLBACK_BLOCKS]
    return await _answer(provider, request, blocks, shown, request.models.pro, events, seen)


def _number(value: Any, default: float = 0.0) -> float:
    try:
        return min(1.0, max(0.0, float(value)))
    except (TypeError, ValueError):
        return default


async def _run_tool(call: ToolCall, default_file: int, images: Images, events: Events, shown: list[bytes],
                    seen: list[dict[str, Any]], *, phase: str = "flash") -> ToolResult:
    args = call.arguments
    try:
        file_id = int(args.get("file_id") or default_file)
    except (TypeError, ValueError):
        file_id = default_file
    if call.name == "request_images":
        pages = [int(p) for p in (args.get("pages") or []) if isinstance(p, int | float)][:MAX_IMAGES]
        await events.emit("phase_progress", {"phase": phase, "action": "request_images", "file_id": file_id,
                                             "pages": pages})
        got = []
        for page in pages:
            image = await images.page(file_id, page)
            if image is not None:
                got.append(image)
                seen.append({"kind": "page", "file_id": file_id, "page": page})
        shown.extend(got)
        return ToolResult(call, f"{len(got)} page image(s) attached" if got else "no such page image", got)
    if call.name == "zoom":
        try:
            page = int(args.get("page", 0))
        except (TypeError, ValueError):
            page = 0
        box = (_number(args.get("x0")), _number(args.get("y0")), _number(args.get("x1"), 1.0),
               _number(args.get("y1"), 1.0))
        await events.emit("phase_progress", {"phase": phase, "action": "zoom", "file_id": file_id, "page": page,
                                             "box": list(box)})
        image = await images.zoom(file_id, page, box)
        if image is None:
            return ToolResult(call, "no image for this region")
        shown.append(image)
        seen.append({"kind": "zoom", "file_id": file_id, "page": page, "box": list(box)})
        return ToolResult(call, "the zoomed region is attached", [image])
    return ToolResult(call, f"unknown tool {call.name}")


# --- the offline provider: extractive ---------------------------------------------------------------------------

_LOCAL_HEADER = {
    "ru": "Локальный режим без ИИ: это не ответ языковой модели, а места документа, ближе всего к вопросу.",
    "en": "Local mode, no AI: this is not a language model's answer, but the passages closest to the question.",
}
_PAGE = {"ru": "с.", "en": "p."}


def best_sentence(question: str, text: str) -> str:
    """The sentence of ``text`` sharing the most word stems with the question (the whole text if it is short)."""
    sentences = [s.strip() for s in _SENTENCE.split(text) if s.strip()]
    if len(sentences) <= 1:
        return text.strip()
    wanted = set(stems(question))
    return max(sentences, key=lambda s: (len(wanted & set(stems(s))), -sentences.index(s)))


def best_row(question: str, table: str) -> list[str]:
    """A table's header row and the row sharing the most word stems with the question, as words."""
    rows = [row.strip() for row in table.splitlines() if row.strip()]
    if len(rows) <= 2:
        return " / ".join(rows).split()
    wanted = set(stems(question))
    best = max(rows[1:], key=lambda r: (len(wanted & set(stems(r))), -rows.index(r)))
    return f"{rows[0]} / {best}".split()


async def _local(request: Request, events: Events, images: Images) -> Result:
    blocks = request.candidates[:LOCAL_SENTENCES]
    seen: list[dict[str, Any]] = []
    if request.profile == "complex":
        await events.emit("phase_started", {"phase": "flash", "model": LOCAL_MODEL})
        top = blocks[0]
        if request.files.get(top.file_id, ("", 0, ""))[2] == "pdf":
            await events.emit("phase_progress", {"phase": "flash", "action": "zoom", "file_id": top.file_id,
                                                 "page": top.page, "box": list(top.box)})
            if await images.zoom(top.file_id, top.page, top.box) is not None:
                seen.append({"kind": "zoom", "file_id": top.file_id, "page": top.page, "box": list(top.box)})
        await events.emit("phase_progress", {"phase": "flash", "action": "selected",
                                             "blocks": [b.block_id for b in blocks]})
    await events.emit("phase_started", {"phase": "answer", "model": LOCAL_MODEL, "blocks": len(blocks)})
    lang = request.language if request.language in _LOCAL_HEADER else "en"
    text = ""
    async for piece in _extract(request.question, blocks, lang):
        text += piece
        await events.emit("llm_token", {"text": piece})
    return Result(text=text.strip(), citations=citations_of(text, blocks), model=LOCAL_MODEL, images=seen)


async def _extract(question: str, blocks: Sequence[Candidate], lang: str) -> AsyncIterator[str]:
    yield _LOCAL_HEADER[lang] + "\n"
    for n, block in enumerate(blocks, start=1):
        sentence = " ".join(best_row(question, block.text) if block.kind == "table"
                            else best_sentence(question, block.text).split())
        if len(sentence) > 400:
            sentence = sentence[:399].rstrip() + "…"
        for word in re.findall(r"\s*\S+", f"\n[{n}] «{sentence}» — {block.file_name}, {_PAGE[lang]} {block.page}"):
            yield word


