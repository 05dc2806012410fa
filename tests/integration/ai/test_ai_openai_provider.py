"""OpenAIProvider through the real openai SDK against the local fake OpenAI server."""

from __future__ import annotations

import base64
import io
import time

import pytest
from ai_helpers import OPENAI_KEY, TASK
from PIL import Image

from core.ai.errors import (
    ERR_AI_AUTH,
    ERR_AI_BAD_OUTPUT,
    ERR_AI_QUOTA,
    ERR_AI_UNAVAILABLE,
    AIProviderError,
)
from core.ai.openai_provider import OpenAIProvider
from core.ai.provider import UsageCollector
from core.ai.schemas import CLASSIFY_SCHEMA
from core.ai.service import collect_answer
from core.ai.types import Classification
from core.errors import error_text
from core.i18n import translator
from tests.fakes.openai_server import FakeOpenAI, Reply


def _picture(kind: str) -> bytes:
    """A real 8×8 picture: the fake servers decode what they are sent, as the real ones do."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 120, 40)).save(out, kind)
    return out.getvalue()


PNG = _picture("PNG")


class TestStructuredOutputs:
    async def test_classify_sends_a_strict_json_schema_and_returns_the_typed_result(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI, usage: UsageCollector
    ) -> None:
        fake_openai.enqueue(Reply.ok(TASK, usage=(120, 30)))
        result = await openai_provider.classify_note("Починить кран", language="ru")
        assert result == Classification(kind="task", topic="Задачи", confidence=0.92, tags=["дом"])
        [request] = fake_openai.requests
        assert request.path == "/v1/chat/completions"
        assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
        assert request.json["model"] == "gpt-4o-mini"
        assert request.json["response_format"] == {
            "type": "json_schema", "json_schema": {"name": "classify", "strict": True, "schema": CLASSIFY_SCHEMA}}
        assert request.json["messages"][-1] == {"role": "user", "content": "Починить кран"}
        assert "Russian" in request.json["messages"][0]["content"]
        [event] = usage.events
        assert (event.provider, event.model, event.operation) == ("openai", "gpt-4o-mini", "classify")
        assert (event.usage.input_tokens, event.usage.output_tokens, event.usage.calls) == (120, 30, 1)

    async def test_render(self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
        fake_openai.enqueue(Reply.ok({"title": "Кран", "summary": "Починить кран.",
                                      "body_markdown": "- починить кран", "tags": ["Дом"]}))
        note = await openai_provider.render_note(
            "Починить кран", Classification(**TASK), language="ru")
        assert (note.title, note.body_markdown, note.tags, note.is_heuristic) == (
            "Кран", "- починить кран", ["дом"], False)

    async def test_analyze_sends_the_photo_as_a_data_url(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok({"action": "bought", "object": "coffee", "amount": 3.5, "unit": None,
                                      "currency": "eur", "people": ["Anna"], "place": "Café Noir",
                                      "tags": ["coffee"], "summary": "Coffee with Anna"}))
        entry = await openai_provider.analyze_entry("coffee with Anna", language="en", image=PNG)
        assert (entry.amount, entry.currency, entry.people, entry.place) == (3.5, "EUR", ["Anna"], "Café Noir")
        content = fake_openai.requests[0].json["messages"][-1]["content"]
        assert content[0] == {"type": "text", "text": "coffee with Anna"}
        assert content[1]["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()


class TestStreaming:
    async def test_answer_streams_tokens_and_reports_usage_from_the_last_chunk(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI, usage: UsageCollector
    ) -> None:
        fake_openai.enqueue(Reply.ok("You lent the charger to Petya [2].", usage=(50, 9)))
        tokens = [t async for t in openai_provider.answer("Who has my charger?", ["milk", "charger → Petya"],
                                                          language="en")]
        assert len(tokens) > 3
        assert "".join(tokens) == "You lent the charger to Petya [2]."
        body = fake_openai.requests[0].json
        assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
        assert "[2] charger → Petya" in body["messages"][-1]["content"]
        assert (usage.events[-1].operation, usage.events[-1].usage.input_tokens) == ("answer", 50)

    async def test_collect_answer_returns_the_cited_sources(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok("Petya has it [2], see also [1] and [9]."))
        answer = await collect_answer(openai_provider, "charger?", ["a", "b"], language="en")
        assert answer.sources == [1, 0]

    async def test_a_stream_that_fails_to_open_is_retried(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(503), Reply.ok("fine"))
        assert "".join([t async for t in openai_provider.answer("q", [], language="en")]) == "fine"
        assert len(fake_openai.requests) == 2


    async def test_an_error_event_mid_stream_is_a_provider_error(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        """Regression: OpenAI's error event inside a begun stream (openai.APIError) escaped unclassified, so /ask's
        and the documents' jobs crashed instead of telling the user."""
        fake_openai.enqueue(Reply(content="Petya has it.", stream_error="overloaded"))
        tokens: list[str] = []
        with pytest.raises(AIProviderError) as caught:
            async for token in openai_provider.answer("charger?", ["a"], language="en"):
                tokens.append(token)
        assert tokens == ["Petya "]
        assert (caught.value.code, caught.value.provider) == (ERR_AI_UNAVAILABLE, "openai")


class TestAudioAndEmbeddings:
    async def test_transcription_uploads_the_file_as_multipart(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI, usage: UsageCollector
    ) -> None:
        fake_openai.enqueue(Reply.ok("привет, это тест", audio_seconds=4.0))
        transcript = await openai_provider.transcribe(b"OggS-fake-audio", mime_type="audio/ogg", language="ru")
        assert (transcript.text, transcript.language, transcript.duration_s) == ("привет, это тест", "ru", 4.0)
        [request] = fake_openai.requests
        assert request.path == "/v1/audio/transcriptions"
        assert request.form == {"model": "whisper-1", "language": "ru", "response_format": "json"}
        assert request.files["file"] == ("audio.ogg", "audio/ogg", b"OggS-fake-audio")
        assert (usage.events[-1].operation, usage.events[-1].audio_seconds) == ("transcribe", 4.0)

    async def test_embeddings(self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI) -> None:
        fake_openai.enqueue(Reply.ok([[0.1, 0.2], [0.3, 0.4]]))
        vectors = await openai_provider.embed(["a", "b"])
        assert [v.vector for v in vectors] == [pytest.approx([0.1, 0.2]), pytest.approx([0.3, 0.4])]
        body = fake_openai.requests[0].json
        assert (body["model"], body["input"], body["encoding_format"]) == (
            "text-embedding-3-small", ["a", "b"], "float")


class TestFailures:
    async def test_429_waits_for_retry_after_then_succeeds(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.rate_limited(retry_after=1), Reply.ok(TASK))
        started = time.monotonic()
        result = await openai_provider.classify_note("x", language="en")
        assert time.monotonic() - started >= 0.95
        assert result.kind == "task"
        assert len(fake_openai.requests) == 2

    async def test_a_500_is_retried_and_recovers(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI, usage: UsageCollector
    ) -> None:
        fake_openai.enqueue(Reply.error(500), Reply.ok(TASK))
        assert (await openai_provider.classify_note("x", language="en")).kind == "task"
        assert len(fake_openai.requests) == 2
        assert len(usage.events) == 1  # only the call that answered is billed

    async def test_gives_up_after_the_retries_with_a_presentable_error(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(500), Reply.error(502), Reply.error(503), Reply.ok(TASK))
        with pytest.raises(AIProviderError) as caught:
            await openai_provider.classify_note("x", language="en")
        assert (caught.value.code, caught.value.provider) == (ERR_AI_UNAVAILABLE, "openai")
        assert error_text(caught.value, translator("en")).startswith("⚠️ The AI service is not answering")
        assert len(fake_openai.requests) == 3  # the first attempt and two retries

    async def test_a_hanging_server_times_out_and_is_reported_unavailable(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.hanging(), Reply.hanging(), Reply.hanging())
        started = time.monotonic()
        with pytest.raises(AIProviderError) as caught:
            await openai_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_UNAVAILABLE
        assert len(fake_openai.requests) == 3
        assert time.monotonic() - started < 3

    async def test_malformed_model_output_is_retried_then_accepted(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI, usage: UsageCollector
    ) -> None:
        fake_openai.enqueue(Reply.ok("Sure! Here is your JSON: {kind: task"), Reply.ok(TASK))
        assert (await openai_provider.classify_note("x", language="en")).kind == "task"
        assert len(usage.events) == 2  # both answers cost tokens

    async def test_output_that_never_fits_the_schema_fails_clearly(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok("not json"), Reply.ok({"kind": "poem", "topic": "x"}))
        with pytest.raises(AIProviderError) as caught:
            await openai_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_BAD_OUTPUT
        assert error_text(caught.value, translator("en")).startswith("⚠️ The AI service gave an answer I could not read")
        assert len(fake_openai.requests) == 2

    async def test_a_broken_http_body_is_retried(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.malformed(), Reply.ok(TASK))
        assert (await openai_provider.classify_note("x", language="en")).kind == "task"
        assert len(fake_openai.requests) == 2

    async def test_a_rejected_key_is_not_retried(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(401))
        with pytest.raises(AIProviderError) as caught:
            await openai_provider.classify_note("x", language="en")
        assert (caught.value.code, caught.value.retryable) == (ERR_AI_AUTH, False)
        assert len(fake_openai.requests) == 1

    async def test_an_exhausted_quota_is_not_retried(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.rate_limited(retry_after=None, code="insufficient_quota"))
        with pytest.raises(AIProviderError) as caught:
            await openai_provider.classify_note("x", language="en")
        assert caught.value.code == ERR_AI_QUOTA
        assert len(fake_openai.requests) == 1
