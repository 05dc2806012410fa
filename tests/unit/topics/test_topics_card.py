"""The card a filed note gets in its topic: title, summary, the note and tags, without repeating itself."""

from __future__ import annotations

from core.topics.models import NoteFiling
from core.topics.service import card_text, hashtag, other_kinds


def filing(**values: object) -> NoteFiling:
    base: dict[str, object] = {"title": "Title", "summary": "", "body": "", "tags": [], "text": "raw", "kind": "idea"}
    base.update(values)
    return NoteFiling(**base)


class TestCard:
    def test_title_summary_body_and_hashtags(self) -> None:
        card = card_text(filing(title="Bot for plants", summary="Water reminders.",
                                body="A bot that reminds me to water the plants.", tags=["plants", "bot ideas"]))
        assert card == ("Bot for plants\n\nWater reminders.\n\nA bot that reminds me to water the plants."
                        "\n\n#plants #bot_ideas")

    def test_a_summary_the_body_starts_with_is_not_repeated(self) -> None:
        card = card_text(filing(title="Milk", summary="Buy milk.", body="Buy milk. And bread."))
        assert card == "Milk\n\nBuy milk. And bread."

    def test_a_body_equal_to_the_title_is_not_repeated(self) -> None:
        assert card_text(filing(title="Buy milk", summary="Buy milk", body="Buy milk")) == "Buy milk"

    def test_hashtags_keep_letters_digits_and_underscores(self) -> None:
        assert hashtag("#work-life balance") == "#work_life_balance"
        assert hashtag("идеи") == "#идеи"
        assert hashtag("  --  ") == ""


class TestMoveChoices:
    def test_every_other_class(self) -> None:
        kinds = other_kinds("idea")
        assert "idea" not in kinds and {"note", "task", "meeting", "expense", "link"} <= set(kinds)
