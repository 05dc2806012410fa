"""How a chat text reads for the journal (pure): record or plan, its clauses, the drafts, a return to remind of."""

from __future__ import annotations

import datetime as dt

import pytest

from core.ai.types import EntryAnalysis
from core.journal import chat, reading

NOW = dt.datetime(2030, 5, 17, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2030, 5, 17)
NOTHING = EntryAnalysis(action="", object="", is_heuristic=True)


class TestRecordOrPlan:
    @pytest.mark.parametrize("text", ["Потратил 450 ₽ на кофе с Машей в Шоколаднице", "купил хлеб за 60",
                                      "вчера встретился с Олегом в кафе", "прочитал книгу Дюна",
                                      "bought coffee for 5 USD", "вчера в 15:00 встретился с Иваном"])
    def test_records_are_not_plans(self, text: str) -> None:
        assert reading.looks_like_record(text) and not chat.is_plan(text, NOW, "UTC")

    @pytest.mark.parametrize("text", ["завтра в 15:00 встреча с Иваном", "напомни завтра в 21:30 позвонить маме",
                                      "купить молоко", "встреча с Иваном в 9", "call with Bob at 8"])
    def test_plans_stay_items(self, text: str) -> None:
        assert chat.is_plan(text, NOW, "UTC")

    @pytest.mark.parametrize("text", ["идеи для сада", "hello world", "заметка про отпуск"])
    def test_other_words_are_no_record(self, text: str) -> None:
        assert not reading.looks_like_record(text)

    def test_a_return_to_make_is_a_plan_of_its_own_kind(self) -> None:
        assert reading.is_return_plan("вернуть Пете зарядку через неделю")
        assert reading.is_return_plan("return the book to Ann")
        assert not reading.is_return_plan("вернул Пете зарядку")

    @pytest.mark.parametrize(("text", "url"), [("https://shop.example/item/1", "https://shop.example/item/1"),
                                               (" http://a.b ", "http://a.b"), ("see https://a.b", None),
                                               ("ftp://a.b", None), ("https://", None)])
    def test_only_a_link(self, text: str, url: str | None) -> None:
        assert chat.only_url(text) == url


class TestClausesAndDrafts:
    def test_each_part_with_its_own_amount_is_an_entry(self) -> None:
        assert reading.clauses("купил хлеб за 60 и молоко за 90") == ["купил хлеб за 60", "молоко за 90"]
        assert reading.clauses("кофе с Машей и Петей за 300") == ["кофе с Машей и Петей за 300"]

    def test_drafts_carry_the_first_verb_and_the_users_currency(self) -> None:
        found = chat.read_text("купил хлеб за 60 и молоко за 90", NOW, "UTC")
        drafts = chat.drafts_of(found, [NOTHING, NOTHING], currency="EUR")
        assert [(d["action"], d["object"], d["amount"], d["currency"], d["date"]) for d in drafts] == [
            ("bought", "food", 60.0, "EUR", "2030-05-17"), ("bought", "food", 90.0, "EUR", "2030-05-17")]

    def test_a_past_day_named_dates_the_entry(self) -> None:
        assert chat.read_text("вчера купил хлеб за 60", NOW, "UTC").day == DAY - dt.timedelta(days=1)

    def test_a_return_is_borrowed_from_the_person_and_reminds(self) -> None:
        found = chat.read_text("вернуть Пете зарядку через неделю", NOW, "UTC")
        assert found.reminder and found.day == DAY
        (draft,) = chat.drafts_of(found, [NOTHING], currency="RUB")
        assert (draft["action"], draft["object"], draft["people"]) == ("borrowed", "thing", ["Петя"])

    def test_the_providers_reading_wins_over_the_words(self) -> None:
        analysis = EntryAnalysis(action="spent", object="drink", amount=450, currency="RUB", people=["Маша"],
                                 place="Шоколадница", tags=["кофе"])
        draft = reading.draft("Потратил 450 на кофе с Машей", analysis, day=DAY)
        assert (draft["action"], draft["object"], draft["amount"], draft["people"], draft["place"]) == (
            "spent", "drink", 450, ["Маша"], "Шоколадница")
        assert draft["aiConfidence"] == 0.8


class TestEnglishFalseFriends:
    @pytest.mark.parametrize("text", ["metrics for the bot", "ready to ship", "random idea", "payload format",
                                      "gotcha list", "meetup ideas"])
    def test_a_word_that_starts_like_a_verb_is_not_one(self, text: str) -> None:
        assert reading.verb_in(text) is None

    @pytest.mark.parametrize(("text", "action"), [("met Anna", "met"), ("paid the rent", "paid"),
                                                  ("spends too much", "spent"), ("потратила 300", "spent")])
    def test_the_verb_itself_and_its_forms_are(self, text: str, action: str) -> None:
        assert reading.verb_in(text) == action
