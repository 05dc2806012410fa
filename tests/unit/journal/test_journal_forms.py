"""The offline reader's words in their normal form: a message read by the local provider and proposed as an entry
names the place, the thing and the people in the nominative ("в Шоколаднице" → "Шоколадница"), keeps what the
dictionary cannot read one way as written, and leaves English alone. The dictionaries load on the first Russian word."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any

import pytest

from core.ai.local_provider import LocalProvider
from core.journal import chat, forms

NOW = dt.datetime(2030, 5, 17, 9, 0, tzinfo=dt.UTC)


async def proposed(text: str) -> dict[str, Any]:
    """The one entry the card proposes for a chat message, read offline."""
    found = chat.read_text(text, NOW, "UTC")
    analyses = await chat.analyse(LocalProvider(), found.parts, "ru")
    (draft,) = chat.drafts_of(found, analyses, currency="RUB")
    return draft


class TestPhrases:
    @pytest.mark.parametrize(("text", "title", "people", "place"), [
        ("Потратил 450 ₽ на кофе с Машей в Шоколаднице", "Кофе", ["Маша"], "Шоколадница"),
        ("одолжил Пете зарядку", "Зарядка", ["Петя"], None),
        ("одолжил Игорю книгу", "Книга", ["Игорь"], None),
        ("взял у Вани зонт", "Зонт", ["Ваня"], None),
        ("выпил пиво с Игорем в баре", "Пиво", ["Игорь"], "бар"),
        ("встретился с Олегом и Настей в парке Горького", None, ["Олег", "Настя"], "парк Горького"),
        ("поужинал с Сергеем в ресторане Пушкин", None, ["Сергей"], "ресторан Пушкин"),
        ("выпил латте в Старбаксе с Ильёй", "Латте", ["Илья"], "Старбакс"),
        ("купил новые кроссовки в Спортмастере", "Новые кроссовки", [], "Спортмастер"),
        ("купил красную куртку в Ашане", "Красная куртка", [], "Ашан"),
        ("сходил в Третьяковку", None, [], "Третьяковка"),
        ("прочитал книгу Дюна", "Книга Дюна", [], None),
        ("обедал с Bob в Starbucks", None, ["Bob"], "Starbucks"),
        ("Lunch with Anna at Cafe Pushkin for 30 EUR", "Lunch", ["Anna"], "Cafe Pushkin"),
    ])
    async def test_the_card_names_them_in_the_nominative(self, text: str, title: str | None, people: list[str],
                                                         place: str | None) -> None:
        draft = await proposed(text)
        assert (draft["people"], draft["place"]) == (people, place)
        assert draft["title"] == (title or text[:1].upper() + text[1:])  # no thing named: the sentence as written

    async def test_a_multi_word_place_keeps_its_capitals_and_the_words_that_do_not_decline(self) -> None:
        assert (await proposed("выпил кофе в Кофе Хаусе"))["place"] == "Кофе Хаус"

    async def test_the_tags_are_words_in_the_nominative(self) -> None:
        assert (await proposed("одолжил Пете зарядку"))["tags"] == ["зарядка"]
        assert (await proposed("посмотрел фильм в кинотеатре"))["tags"] == ["фильм", "кинотеатр"]

    async def test_a_word_the_dictionary_reads_several_ways_stays_as_written(self) -> None:
        assert (await proposed("купил книги за 500"))["title"] == "Книги"  # книга (gen. sg.) or книги (pl.)
        assert (await proposed("пообедал в Вкусвилле за 500"))["place"] == "Вкусвилле"  # not in the dictionary


class TestWords:
    @pytest.mark.parametrize(("word", "name"), [("Машей", "Маша"), ("Ивановой", "Иванова"), ("Любой", "Люба"),
                                                ("Сашей", "Саша")])
    def test_a_name_after_with(self, word: str, name: str) -> None:
        assert forms.person(word, forms.WITH) == name

    @pytest.mark.parametrize(("word", "name"), [("Пете", "Петя"), ("Игорю", "Игорь"), ("Кате", "Катя"),
                                                ("Жене", "Женя")])
    def test_a_name_given_to(self, word: str, name: str) -> None:
        assert forms.person(word, forms.TO) == name

    def test_no_name_no_person(self) -> None:
        assert forms.person("Сбербанку", forms.TO) is None
        assert forms.person("Bob", forms.WITH) is None

    @pytest.mark.parametrize(("written", "place"), [
        ("Шоколаднице", "Шоколадница"), ("торговом центре", "торговый центр"), ("Большом театре", "Большой театр"),
        ("Красную площадь", "Красная площадь"), ("Санкт-Петербурге", "Санкт-Петербург"), ("кафе Пушкин", "кафе Пушкин"),
        ("кинотеатре Октябрь", "кинотеатр Октябрь"), ("Перекрестке", "Перекресток"), ("ГУМе", "ГУМе"),
        ("Starbucks", "Starbucks"),
    ])
    def test_a_place(self, written: str, place: str) -> None:
        assert forms.phrase(written, forms.PLACE, forms.PLACE_WORDS) == place

    @pytest.mark.parametrize(("written", "thing"), [("зарядку", "зарядка"), ("маме цветы", "маме цветы"),
                                                    ("хлеба", "хлеб"), ("чаю", "чай"), ("йогой", "йога"),
                                                    ("деньги", "деньги"), ("бокал вина", "бокал вина")])
    def test_a_thing(self, written: str, thing: str) -> None:
        assert forms.phrase(written, forms.OBJECT) == thing


class TestLoading:
    def test_the_dictionaries_load_on_the_first_russian_word_only(self) -> None:
        script = (
            "import asyncio, sys\n"
            "from core.ai.local_provider import LocalProvider\n"
            "from core.journal import forms, reading\n"
            "assert 'pymorphy3' not in sys.modules\n"
            "def read(text):\n"
            "    analysis = asyncio.run(LocalProvider().analyze_entry(text, language='ru'))\n"
            "    return reading.draft(text, analysis, day=reading.dt.date(2030, 5, 17))\n"
            "read('bought coffee at Starbucks for 5 USD')\n"
            "assert forms._morph is None and 'pymorphy3' not in sys.modules\n"
            "assert read('одолжил Пете зарядку')['title'] == 'Зарядка'\n"
            "assert forms._morph is not None and forms.analyser() is forms._morph\n"
        )
        subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
