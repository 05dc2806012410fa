"""The offline classifier's accuracy on a fixed table of everyday RU/EN notes.

The table was written before the rules were last tuned and is frozen: the test asserts the exact figure
measured (67 of 68), so a rule change that costs or gains a case must update it knowingly.
"""

from __future__ import annotations

import pytest

from core.ai.local_provider import LocalProvider
from core.ai.local_rules import classify_kind

CASES: list[tuple[str, str]] = [
    ("Встреча с Иваном завтра в 15:00", "meeting"),
    ("Созвон с командой в понедельник в 10", "meeting"),
    ("Купить молоко и хлеб", "task"),
    ("Позвонить маме вечером", "task"),
    ("Потратил 450 руб на обед", "expense"),
    ("Такси 320₽", "expense"),
    ("Идея: сделать бота для учёта книг", "idea"),
    ("https://habr.com/ru/articles/12345/", "link"),
    ("Напомни полить цветы в 19:00", "reminder"),
    ("Не забыть оплатить интернет", "reminder"),
    ("Как настроить VPN на роутере?", "question"),
    ("Сегодня был отличный день, гуляли в парке", "note"),
    ("Надо починить кран на кухне", "task"),
    ("Обед с Машей в пятницу в 13:00 в кафе Пушкин", "meeting"),
    ("Кофе 250 р", "expense"),
    ("Заплатил за квартиру 35000 рублей", "expense"),
    ("А что если сделать подписку для семьи", "idea"),
    ("Интересная статья про Rust https://blog.rust-lang.org/2024/01/01/x.html", "link"),
    ("Почему небо голубое", "question"),
    ("Прочитал книгу «Мастер и Маргарита», понравилось", "note"),
    ("Записаться к стоматологу", "task"),
    ("Приём у врача 12 марта в 9:30", "meeting"),
    ("Отправить отчёт до пятницы", "task"),
    ("Мысль: можно объединить заметки и календарь", "idea"),
    ("Напоминание: продлить страховку через неделю", "reminder"),
    ("Где купить хороший кофе в центре?", "question"),
    ("Погода сегодня пасмурная", "note"),
    ("Купил наушники за 5990 руб", "expense"),
    ("Завтра в 10 планёрка", "meeting"),
    ("Сходить в спортзал", "task"),
    ("Ужин 1200", "expense"),  # no currency: the rules miss it (the one known miss)
    ("Обсудить с Петей бюджет проекта", "task"),
    ("Meeting with John tomorrow at 3pm", "meeting"),
    ("Call with the design team on Monday at 11:00", "meeting"),
    ("Buy milk and eggs", "task"),
    ("Fix the bike brakes", "task"),
    ("Spent $12 on lunch", "expense"),
    ("Taxi 15 EUR", "expense"),
    ("Idea: a plugin that summarizes PRs", "idea"),
    ("https://github.com/python/cpython", "link"),
    ("Remind me to water the plants at 7pm", "reminder"),
    ("Don't forget to renew the passport", "reminder"),
    ("What is the capital of Australia?", "question"),
    ("Had a great walk in the park today", "note"),
    ("Need to send the invoice to the client", "task"),
    ("Dentist appointment on March 3 at 9:30", "meeting"),
    ("Paid 40 usd for the gym", "expense"),
    ("What if we add dark mode to the app", "idea"),
    ("How do I reset my router", "question"),
    ("Lunch with Anna on Friday at 1pm", "meeting"),
    ("Read an article about sleep, very interesting", "note"),
    ("Check out this video https://www.youtube.com/watch?v=abc", "link"),
    ("Submit the tax report by April 30", "task"),
    ("The new office smells like fresh paint", "note"),
    ("Поговорить с Олегом про отпуск", "task"),
    ("Пятница, 18:00 — ужин с родителями", "meeting"),
    ("Забрать посылку на почте", "task"),
    ("Billing question for support: why was I charged twice?", "question"),
    ("Book a table for Saturday", "task"),
    ("Мама звонила, всё хорошо", "note"),
    ("Сколько стоит ремонт машины?", "question"),
    ("Оплата за свет 1 540,50 ₽", "expense"),
    ("Good podcast about habits: www.example.com/habits", "link"),
    ("Собеседование в Яндексе во вторник в 11:00", "meeting"),
    ("Remind me about mom's birthday on June 5", "reminder"),
    ("Идея для подарка Ане — фотоальбом", "idea"),
    ("Call the bank about the card", "task"),
    ("Заметка: пароль от wifi на холодильнике", "note"),
]


class TestAccuracy:
    def test_the_table_is_large_and_covers_every_kind_in_both_languages(self) -> None:
        assert len(CASES) == 68
        assert {kind for _, kind in CASES} == {"note", "task", "meeting", "expense", "idea", "link", "reminder",
                                                "question"}

    def test_67_of_68_notes_get_the_expected_kind(self) -> None:
        misses = [(text, want, classify_kind(text)[0]) for text, want in CASES if classify_kind(text)[0] != want]
        assert misses == [("Ужин 1200", "expense", "note")]
        assert (len(CASES) - len(misses)) / len(CASES) >= 0.90  # 98.5 %


class TestClassification:
    @pytest.mark.parametrize(("language", "topic"), [("ru", "Встречи"), ("en", "Meetings")])
    async def test_topic_follows_the_kind_in_the_users_language(self, language: str, topic: str) -> None:
        result = await LocalProvider().classify_note("Встреча с Иваном завтра в 15:00", language=language)
        assert (result.kind, result.topic, result.is_heuristic) == ("meeting", topic, True)

    async def test_meeting_with_a_time_is_more_certain_than_without(self) -> None:
        provider = LocalProvider()
        timed = await provider.classify_note("Встреча с Иваном завтра в 15:00", language="ru")
        untimed = await provider.classify_note("Встреча с Иваном", language="ru")
        assert untimed.kind == "meeting"
        assert timed.confidence > untimed.confidence

    async def test_hashtags_become_tags(self) -> None:
        result = await LocalProvider().classify_note("Купить краски #minis #Хобби", language="ru")
        assert result.tags[:2] == ["minis", "хобби"]

    @pytest.mark.parametrize(("text", "kind"), [
        ("Напомни оплатить 500 руб за интернет", "reminder"),  # a reminder about money is a reminder
        ("Купить молоко", "task"),  # buying without an amount is a task, not an expense
        ("Купил молоко за 90 руб", "expense"),
        ("Do laundry", "task"),
        ("Do you know a good dentist?", "question"),
    ])
    def test_rule_order(self, text: str, kind: str) -> None:
        assert classify_kind(text)[0] == kind
