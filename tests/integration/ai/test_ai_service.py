"""Filing a note: the cloud provider when it answers, the offline rules when it cannot."""

from __future__ import annotations

import pytest
from ai_helpers import TASK

from core.ai.errors import ERR_AI_AUTH, ERR_AI_UNAVAILABLE, AIProviderError
from core.ai.openai_provider import OpenAIProvider
from core.ai.service import classify_and_render, file_note
from core.errors import error_text
from core.i18n import translator
from tests.fakes.openai_server import FakeOpenAI, Reply

RENDERED = {"title": "Кран", "summary": "Починить кран.", "body_markdown": "Починить кран", "tags": []}


class TestFileNote:
    async def test_the_provider_classifies_and_renders(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.ok(TASK), Reply.ok(RENDERED))
        filed = await file_note(openai_provider, "Починить кран", language="ru")
        assert (filed.classification.kind, filed.rendered.title, filed.degraded) == ("task", "Кран", None)
        assert not filed.classification.is_heuristic

    async def test_a_provider_that_stays_down_is_replaced_by_the_offline_rules(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(500), Reply.error(500), Reply.error(500))
        filed = await file_note(openai_provider, "Встреча с Иваном завтра в 15:00", language="ru")
        assert (filed.classification.kind, filed.classification.topic) == ("meeting", "Встречи")
        assert filed.classification.is_heuristic and filed.rendered.is_heuristic
        assert filed.degraded is not None and filed.degraded.code == ERR_AI_UNAVAILABLE

    async def test_a_rejected_key_also_degrades_and_says_why(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(401))
        filed = await file_note(openai_provider, "Купить хлеб", language="ru")
        assert filed.classification.kind == "task"
        assert filed.degraded is not None
        assert error_text(filed.degraded, translator("en")).startswith("⚠️ The AI service refused the API key")
        assert filed.degraded.code == ERR_AI_AUTH

    async def test_without_a_fallback_the_error_reaches_the_caller(
        self, openai_provider: OpenAIProvider, fake_openai: FakeOpenAI
    ) -> None:
        fake_openai.enqueue(Reply.error(401))
        with pytest.raises(AIProviderError):
            await classify_and_render(openai_provider, "Купить хлеб", language="ru")
