"""The offline default provider: keyword/pattern heuristics, keyword-overlap retrieval, hashed bag-of-words
embeddings and (if installed) a local faster-whisper model. No network, no model weights by default.

Everything it produces is a heuristic guess and says so (``is_heuristic=True``); it is not a language model.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import io
import math
import re
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

from core.ai import local_rules as rules
from core.ai.base import BaseProvider
from core.ai.errors import STTUnavailable
from core.ai.provider import UsageRecorder
from core.ai.types import Classification, Embedding, EntryAnalysis, RenderedNote, Transcript, default_topic
from core.config import Settings

MODEL = "heuristic-v1"
EMBED_DIM = 256
_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

_NOT_AN_LLM = {
    "ru": "Локальный режим без ИИ: это не ответ языковой модели, а записи, в которых больше всего слов из вопроса.",
    "en": "Local mode, no AI: this is not a language model's answer, just the notes that share the most words "
          "with your question.",
}
_NOTHING_FOUND = {
    "ru": "Не нашёл записей, в которых есть слова из вопроса.",
    "en": "No notes share words with the question.",
}
_SPENT = {"ru": "потратил", "en": "spent"}
_PHOTO_ONLY = {
    "ru": "Фото без подписи (локальный режим не распознаёт изображения)",
    "en": "Photo without a caption (local mode cannot read images)",
}


class LocalProvider(BaseProvider):
    name = "local"
    max_audio_bytes = 200 * 1024 * 1024

    def __init__(self, *, whisper_model_path: str = "", recorder: UsageRecorder | None = None) -> None:
        super().__init__(recorder=recorder)
        self.whisper_model_path = whisper_model_path

    @classmethod
    def from_settings(cls, settings: Settings, *, recorder: UsageRecorder | None = None) -> LocalProvider:
        return cls(whisper_model_path=settings.whisper_model_path, recorder=recorder)

    @property
    def stt_available(self) -> bool:
        """Speech-to-text works here only with faster-whisper installed and WHISPER_MODEL_PATH set."""
        return bool(self.whisper_model_path) and importlib.util.find_spec("faster_whisper") is not None

    async def classify_note(self, text: str, *, language: str) -> Classification:
        kind, confidence = rules.classify_kind(text)
        tags = _tags(text)
        await self._emit("classify", MODEL)
        return Classification(kind=kind, topic=default_topic(kind, language), confidence=confidence, tags=tags,
                              is_heuristic=True)

    async def render_note(self, text: str, classification: Classification, *, language: str) -> RenderedNote:
        tags = _merge(rules.hashtags(text), classification.tags, _tags(text))
        body = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", rules.HASHTAG_RE.sub("", text)))
        body = body.strip() or text.strip()
        await self._emit("render", MODEL)
        return RenderedNote(
            title=rules.title_for(text),
            summary=rules.shorten(rules.first_sentence(text), 200),
            body_markdown=body,
            tags=tags[:8],
            is_heuristic=True,
        )

    async def analyze_entry(self, text: str, *, language: str, image: bytes | None = None) -> EntryAnalysis:
        await self._emit("analyze", MODEL)
        if not text.strip():
            summary = _PHOTO_ONLY.get(language, _PHOTO_ONLY["en"]) if image else ""
            return EntryAnalysis(action="", object="", summary=summary, is_heuristic=True)
        money = rules.find_money(text)
        quantity = None if money else rules.find_quantity(text)
        mentions = rules.people_mentions(text)
        people = list(dict.fromkeys(base for _, base in mentions))
        place = rules.find_place(text)
        action, obj = rules.action_and_object(text, exclude=[*(raw for raw, _ in mentions), place or ""])
        if not action and money:
            action = _SPENT.get(language, _SPENT["en"])
        return EntryAnalysis(
            action=action,
            object=obj,
            amount=money.amount if money else (quantity[0] if quantity else None),
            unit=quantity[1] if quantity else None,
            currency=money.currency if money else None,
            people=people,
            place=place,
            tags=_merge(rules.hashtags(text), [obj] if obj else [], rules.keywords(text, 2))[:6],
            summary=rules.shorten(rules.first_sentence(text), 200),
            is_heuristic=True,
        )

    async def answer(self, question: str, context: list[str], *, language: str) -> AsyncIterator[str]:
        await self._emit("answer", MODEL)
        lang = language if language in _NOT_AN_LLM else "en"
        ranked = rank_by_overlap(question, context)[:3]
        yield _NOT_AN_LLM[lang]
        if not ranked:
            yield "\n" + _NOTHING_FOUND[lang]
            return
        for index in ranked:
            yield f"\n[{index + 1}] {rules.shorten(context[index], 300)}"

    async def transcribe(
        self, audio: bytes, *, mime_type: str, language: str | None = None, duration_s: float | None = None
    ) -> Transcript:
        if not self.stt_available:
            raise STTUnavailable()
        text, detected, duration = await asyncio.to_thread(_whisper, self.whisper_model_path, audio, language)
        await self._emit("transcribe", MODEL, audio_seconds=duration_s or duration)
        return Transcript(text=text, language=detected or language, duration_s=duration_s or duration)

    async def embed(self, texts: list[str]) -> list[Embedding]:
        await self._emit("embed", MODEL)
        return [Embedding(vector=hashed_vector(t)) for t in texts]


def _merge(*lists: list[str]) -> list[str]:
    out: list[str] = []
    for items in lists:
        for item in items:
            if item and item not in out:
                out.append(item)
    return out


def _tags(text: str) -> list[str]:
    return _merge(rules.hashtags(text), rules.keywords(text, 3))[:5]


def _stems(text: str) -> list[str]:
    """Lower-case word stems: a crude 5-letter prefix is enough to match Russian word forms."""
    return [w.lower()[:5] for w in _TOKEN_RE.findall(text) if len(w) > 2 and w.lower() not in rules.STOPWORDS]


def rank_by_overlap(question: str, context: list[str]) -> list[int]:
    """Indices of the context items sharing stems with the question, best first (ties keep their order)."""
    wanted = set(_stems(question))
    if not wanted:
        return []
    scores: list[tuple[float, int]] = []
    for index, item in enumerate(context):
        stems = _stems(item)
        hits = len(wanted & set(stems))
        if hits:
            scores.append((hits + hits / (1 + math.log1p(len(stems))), index))
    scores.sort(key=lambda s: (-s[0], s[1]))
    return [index for _, index in scores]


def hashed_vector(text: str, dim: int = EMBED_DIM) -> list[float]:
    """A deterministic, L2-normalized hashing-trick bag of words (stems and whole words, signed buckets)."""
    vec = [0.0] * dim
    for token in _TOKEN_RE.findall(text.lower()):
        for feature in {token, "s:" + token[:5]}:
            digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % dim
            vec[bucket] += 1.0 if digest[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec))
    return [v / norm for v in vec] if norm else vec


@lru_cache(maxsize=2)
def _whisper_model(path: str) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(path, device="cpu", compute_type="int8")


def _whisper(path: str, audio: bytes, language: str | None) -> tuple[str, str | None, float]:
    model = _whisper_model(path)
    segments, info = model.transcribe(io.BytesIO(audio), language=language, vad_filter=True)
    text = " ".join(segment.text.strip() for segment in segments).strip()
    return text, getattr(info, "language", None), float(getattr(info, "duration", 0.0) or 0.0)
