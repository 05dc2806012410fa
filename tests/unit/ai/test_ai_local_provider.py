"""The offline provider: rendering, life-log analysis, keyword retrieval, hashed embeddings, STT availability."""

from __future__ import annotations

import math

import pytest

from core.ai.errors import ERR_STT_UNAVAILABLE, STTUnavailable
from core.ai.local_provider import LocalProvider, hashed_vector
from core.ai.provider import AIProvider, UsageCollector
from core.ai.service import collect_answer
from core.ai.types import Classification


def test_it_implements_the_provider_interface() -> None:
    assert isinstance(LocalProvider(), AIProvider)


class TestRender:
    async def test_title_is_the_first_sentence_and_hashtags_become_tags(self) -> None:
        provider = LocalProvider()
        text = "Встреча с Иваном завтра в 15:00 #work. Обсудить бюджет проекта."
        note = await provider.render_note(text, await provider.classify_note(text, language="ru"), language="ru")
        assert note.title == "Встреча с Иваном завтра в 15:00"
        assert note.body_markdown == "Встреча с Иваном завтра в 15:00. Обсудить бюджет проекта."
        assert note.tags[0] == "work"
        assert note.is_heuristic

    async def test_a_bare_link_is_titled_by_its_site(self) -> None:
        note = await LocalProvider().render_note(
            "https://github.com/python/cpython",
            Classification(kind="link", topic="Links", confidence=0.9), language="en")
        assert note.title == "github.com"

    async def test_long_first_sentence_is_shortened_at_a_word(self) -> None:
        text = "Пройти по всем пунктам списка подготовки к переезду и отметить, что уже сделано и что нет"
        note = await LocalProvider().render_note(
            text, Classification(kind="task", topic="Задачи", confidence=0.7), language="ru")
        assert note.title.endswith("…")
        assert len(note.title) <= 61
        assert text.startswith(note.title[:-1])

    async def test_body_is_escaped_for_telegram_html(self) -> None:
        note = await LocalProvider().render_note(
            "Compare <b> & <i> tags", Classification(kind="note", topic="Notes", confidence=0.4), language="en")
        assert note.body_html == "Compare &lt;b&gt; &amp; &lt;i&gt; tags"


class TestAnalyzeEntry:
    async def test_money_people_and_place(self) -> None:
        entry = await LocalProvider().analyze_entry(
            "Потратил 450 руб на обед с Иваном и Машей в кафе Пушкин", language="ru")
        assert (entry.action, entry.object, entry.amount, entry.currency) == ("потратил", "обед", 450.0, "RUB")
        assert entry.people == ["Иван", "Маша"]
        assert entry.place == "кафе Пушкин"
        assert entry.is_heuristic

    @pytest.mark.parametrize(("text", "amount", "currency"), [
        ("Такси 320₽", 320.0, "RUB"),
        ("Оплата за свет 1 540,50 ₽", 1540.5, "RUB"),
        ("Lunch with Anna and Mike at Starbucks, $23.50", 23.5, "USD"),
        ("Taxi 15 EUR", 15.0, "EUR"),
        ("Подписка 2 тыс руб", 2000.0, "RUB"),
    ])
    async def test_amounts_and_currencies(self, text: str, amount: float, currency: str) -> None:
        entry = await LocalProvider().analyze_entry(text, language="ru")
        assert (entry.amount, entry.currency, entry.unit) == (amount, currency, None)

    async def test_english_people_and_place(self) -> None:
        entry = await LocalProvider().analyze_entry("Lunch with Anna and Mike at Starbucks, $23.50", language="en")
        assert (entry.action, entry.object) == ("spent", "lunch")
        assert entry.people == ["Anna", "Mike"]
        assert entry.place == "Starbucks"

    @pytest.mark.parametrize(("text", "action", "amount", "unit"), [
        ("Пробежал 5 км в парке", "пробежал", 5.0, "km"),
        ("Bought 2 kg of apples", "bought", 2.0, "kg"),
        ("Прочитал 40 страниц книги", "прочитал", 40.0, "pages"),
    ])
    async def test_quantities_with_units(self, text: str, action: str, amount: float, unit: str) -> None:
        entry = await LocalProvider().analyze_entry(text, language="ru")
        assert (entry.action, entry.amount, entry.unit, entry.currency) == (action, amount, unit, None)

    async def test_russian_names_after_s_are_put_back_in_the_nominative(self) -> None:
        entry = await LocalProvider().analyze_entry("Встретился с Сергеем, Игорем и Анной", language="ru")
        assert entry.people == ["Сергей", "Игорь", "Анна"]

    async def test_a_photo_without_text_is_described_honestly(self) -> None:
        entry = await LocalProvider().analyze_entry("", language="en", image=b"\xff\xd8\xff fake jpeg")
        assert "cannot read images" in entry.summary


class TestAnswer:
    async def test_returns_the_matching_notes_and_says_it_is_not_an_llm(self) -> None:
        context = ["Одолжил зарядку Пете", "Купил молоко", "Зарядка от ноутбука сломалась"]
        answer = await collect_answer(LocalProvider(), "Кому я одалживал зарядку?", context, language="ru")
        assert answer.text.startswith("Локальный режим без ИИ")
        assert answer.sources == [0, 2]
        assert "Купил молоко" not in answer.text
        assert answer.is_heuristic

    async def test_nothing_found(self) -> None:
        answer = await collect_answer(LocalProvider(), "Where is my passport?", ["Bought milk"], language="en")
        assert answer.sources == []
        assert "No notes share words with the question." in answer.text


class TestEmbed:
    async def test_vectors_are_deterministic_normalized_and_similar_for_similar_text(self) -> None:
        a, b, c = await LocalProvider().embed(["купил молоко в магазине", "купила молоко", "созвон с командой"])
        assert a.vector == hashed_vector("купил молоко в магазине")
        assert math.isclose(sum(v * v for v in a.vector), 1.0)
        cos_ab = sum(x * y for x, y in zip(a.vector, b.vector, strict=True))
        cos_ac = sum(x * y for x, y in zip(a.vector, c.vector, strict=True))
        assert cos_ab > 0.3 > cos_ac

    def test_empty_text_is_a_zero_vector(self) -> None:
        assert set(hashed_vector("")) == {0.0}


class TestTranscribe:
    async def test_without_whisper_it_explains_how_to_enable_stt(self) -> None:
        provider = LocalProvider(whisper_model_path="")
        assert provider.stt_available is False
        with pytest.raises(STTUnavailable) as caught:
            await provider.transcribe(b"OggS", mime_type="audio/ogg")
        assert caught.value.code == ERR_STT_UNAVAILABLE
        assert "STT_PROVIDER=openai" in caught.value.message
        assert "WHISPER_MODEL_PATH" in caught.value.message


async def test_every_call_is_reported_to_the_recorder() -> None:
    usage = UsageCollector()
    provider = LocalProvider(recorder=usage)
    await provider.classify_note("Купить хлеб", language="ru")
    await provider.embed(["a"])
    assert [(e.provider, e.operation, e.usage.calls) for e in usage.events] == [
        ("local", "classify", 1), ("local", "embed", 1)]
