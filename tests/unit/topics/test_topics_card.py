"""The card a filed note gets in its topic: title, summary, the note and tags, without repeating itself, formatted
(Telegram HTML: the model's Markdown shown as formatting, never as raw `**`)."""

from __future__ import annotations

from core.topics.models import NoteFiling
from core.topics.service import card_html, hashtag, other_kinds


def filing(**values: object) -> NoteFiling:
    base: dict[str, object] = {"title": "Title", "summary": "", "body": "", "tags": [], "text": "raw", "kind": "idea"}
    base.update(values)
    return NoteFiling(**base)


class TestCard:
    def test_title_summary_body_and_hashtags(self) -> None:
        card = card_html(filing(title="Bot for plants", summary="Water reminders.",
                                body="A bot that reminds me to water the plants.", tags=["plants", "bot ideas"]))
        assert card == ("<b>Bot for plants</b>\n\nWater reminders.\n\nA bot that reminds me to water the plants."
                        "\n\n#plants #bot_ideas")

    def test_a_summary_the_body_starts_with_is_not_repeated(self) -> None:
        card = card_html(filing(title="Milk", summary="Buy milk.", body="Buy milk. And bread."))
        assert card == "<b>Milk</b>\n\nBuy milk. And bread."

    def test_a_body_equal_to_the_title_is_not_repeated(self) -> None:
        assert card_html(filing(title="Buy milk", summary="Buy milk", body="Buy milk")) == "<b>Buy milk</b>"

    def test_the_models_markdown_is_formatting_and_the_rest_is_escaped(self) -> None:
        card = card_html(filing(title="R&D <plan>", body="**Step 1**: call `Bob`\n- ask about *pricing*"))
        assert card == ("<b>R&amp;D &lt;plan&gt;</b>\n\n<b>Step 1</b>: call <code>Bob</code>\n"
                        "• ask about <i>pricing</i>")

    def test_hashtags_keep_letters_digits_and_underscores(self) -> None:
        assert hashtag("#work-life balance") == "#work_life_balance"
        assert hashtag("идеи") == "#идеи"
        assert hashtag("  --  ") == ""


class TestMoveChoices:
    def test_every_other_class(self) -> None:
        kinds = other_kinds("idea")
        assert "idea" not in kinds and {"note", "task", "meeting", "expense", "link"} <= set(kinds)
