"""GeminiProvider through the real google-genai SDK against the local fake Gemini server."""

from __future__ import annotations

import base64
import io
import time

import pytest
from ai_helpers import GEMINI_KEY, TASK
from PIL import Image

from core.ai.errors import ERR_AI_AUTH, ERR_AI_BAD_OUTPUT, ERR_AI_UNAVAILABLE, AIProviderError
from core.ai.gemini_provider import GeminiProvider
from core.ai.provider import UsageCollector
from core.ai.types import Classification
from tests.fakes.gemini_server import FakeGemini
from tests.fakes.openai_server import Reply


def _picture(kind: str) -> bytes:
    """A real 8×8 picture: the fake servers decode what they are sent, as the real ones do."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, kind)
    return out.getvalue()


JPEG = _picture("JPEG")


class TestStructuredOutputs:
    async def test_classify_sends_a_response_schema_and_returns_the_typed_result(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini, usage: UsageCollector
    ) -> None:
        fake_gemini.enqueue(Reply.ok(TASK, usage=(80, 20)))
        result = await gemini_provider.classify_note("Починить кран", language="ru")
        assert result == Classification(kind="task", topic="Задачи", confidence=0.92, tags=["дом"])
        [request] = fake_gemini.requests
        assert request.path == "/v1beta/models/gemini-2.5-flash:generateContent"
        assert request.headers["x-goog-api-key"] == GEMINI_KEY
        config = request.json["generationConfig"]
        assert config["responseMimeType"] == "application/json"
        schema = config["responseSchema"]
        assert schema["type"] == "OBJECT"
        assert schema["properties"]["kind"]["enum"] == ["note", "task", "meeting", "expense", "idea", "link",
                                                        "reminder", "question"]
        assert request.json["contents"] == [{"role": "user", "parts": [{"text": "Починить кран"}]}]
        assert "Russian" in request.json["systemInstruction"]["parts"][0]["text"]
        [event] = usage.events
        assert (event.provider, event.operation, event.usage.input_tokens, event.usage.output_tokens) == (
            "gemini", "classify", 80, 20)

    async def test_analyze_sends_the_photo_inline(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.ok({"action": "купил", "object": "кофе", "amount": 250, "unit": None,
                                      "currency": "RUB", "people": [], "place": None, "tags": ["кофе"],
                                      "summary": "Кофе"}))
        entry = await gemini_provider.analyze_entry("кофе", language="ru", image=JPEG)
        assert (entry.action, entry.amount, entry.currency) == ("купил", 250.0, "RUB")
        parts = fake_gemini.requests[0].json["contents"][0]["parts"]
        inline = parts[1]["inlineData"]
        assert base64.urlsafe_b64decode(inline["data"]) == JPEG
        assert inline["mime_type"] == "image/jpeg"


class TestStreaming:
    async def test_answer_streams_over_sse(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini, usage: UsageCollector
    ) -> None:
        fake_gemini.enqueue(Reply.ok("Зарядка у Пети [1].", usage=(40, 6)))
        tokens = [t async for t in gemini_provider.answer("Где зарядка?", ["Одолжил зарядку Пете"],
                                                          language="ru")]
        assert len(tokens) > 1
        assert "".join(tokens) == "Зарядка у Пети [1]."
        request = fake_gemini.requests[0]
        assert request.path.endswith(":streamGenerateContent")
        assert request.query == {"alt": "sse"}
        assert (usage.events[-1].operation, usage.events[-1].usage.input_tokens) == ("answer", 40)

    async def test_a_stream_that_fails_to_open_is_retried(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.error(500), Reply.ok("fine"))
        assert "".join([t async for t in gemini_provider.answer("q", [], language="en")]) == "fine"
        assert len(fake_gemini.requests) == 2


class TestAudioAndEmbeddings:
    async def test_transcription_sends_inline_audio_and_reads_the_language(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini, usage: UsageCollector
    ) -> None:
        fake_gemini.enqueue(Reply.ok({"text": "привет", "language": "ru"}))
        transcript = await gemini_provider.transcribe(b"OggS-audio", mime_type="audio/ogg", duration_s=2.5)
        assert (transcript.text, transcript.language, transcript.duration_s) == ("привет", "ru", 2.5)
        inline = fake_gemini.requests[0].json["contents"][0]["parts"][0]["inlineData"]
        assert base64.urlsafe_b64decode(inline["data"]) == b"OggS-audio"
        assert (usage.events[-1].operation, usage.events[-1].audio_seconds) == ("transcribe", 2.5)

    async def test_embeddings_use_batch_embed_contents(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.ok([[0.5, 0.5], [0.1, 0.9]]))
        vectors = await gemini_provider.embed(["a", "b"])
        assert [v.vector for v in vectors] == [[0.5, 0.5], [0.1, 0.9]]
        request = fake_gemini.requests[0]
        assert request.path == "/v1beta/models/gemini-embedding-001:batchEmbedContents"
        assert [r["content"]["parts"][0]["text"] for r in request.json["requests"]] == ["a", "b"]


class TestFailures:
    async def test_429_honours_the_retry_after_header(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.rate_limited(retry_after=1), Reply.ok(TASK))
        started = time.monotonic()
        assert (await gemini_provider.classify_note("x", language="en")).kind == "task"
        assert time.monotonic() - started >= 0.95
        assert len(fake_gemini.requests) == 2

    async def test_429_honours_retry_info_in_the_error_body(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.rate_limited(retry_after=None, retry_delay="0.4s"), Reply.ok(TASK))
        started = time.monotonic()
        assert (await gemini_provider.classify_note("x", language="en")).kind == "task"
        assert time.monotonic() - started >= 0.38

    async def test_a_500_is_retried_and_recovers(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.error(500), Reply.ok(TASK))
        assert (await gemini_provider.classify_note("x", language="en")).kind == "task"
        assert len(fake_gemini.requests) == 2

    async def test_gives_up_after_the_retries(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.error(503), Reply.error(503), Reply.error(503), Reply.ok(TASK))
        with pytest.raises(AIProviderError) as caught:
            await gemini_provider.classify_note("x", language="en")
        assert (caught.value.code, caught.value.provider) == (ERR_AI_UNAVAILABLE, "gemini")
        assert len(fake_gemini.requests) == 3

    async def test_a_hanging_server_times_out(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.hanging(), Reply.hanging(), Reply.hanging())
        started = time.monotonic()
        with pytest.raises(AIProviderError) as caught:
            await gemini_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_UNAVAILABLE
        assert len(fake_gemini.requests) == 3
        assert time.monotonic() - started < 3

    async def test_output_that_never_fits_the_schema_fails_clearly(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.ok("{not json"), Reply.ok({"kind": "task"}))
        with pytest.raises(AIProviderError) as caught:
            await gemini_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_BAD_OUTPUT
        assert len(fake_gemini.requests) == 2

    async def test_malformed_output_once_is_retried(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.ok("{not json"), Reply.ok(TASK))
        assert (await gemini_provider.classify_note("x", language="en")).kind == "task"

    async def test_an_invalid_key_is_not_retried(
        self, gemini_provider: GeminiProvider, fake_gemini: FakeGemini
    ) -> None:
        fake_gemini.enqueue(Reply.error(400, code="API_KEY_INVALID"))
        with pytest.raises(AIProviderError) as caught:
            await gemini_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_AUTH
        assert len(fake_gemini.requests) == 1
