"""/ask helpers: the context picked from a user's items, the streamed preview and the edit throttle."""

from __future__ import annotations

from core.ask.service import CONTEXT_CHARS, CURSOR, Throttle, edit_interval, pick_context, preview


class TestContext:
    LINES = ["#1 (2025-01-01) buy milk and bread", "#2 (2025-01-02) meeting with Anna about the garden",
             "#3 (2025-01-03) garden: plant tomatoes in May", "#4 (2025-01-04) call the bank"]

    def test_the_items_sharing_words_with_the_question_best_first(self) -> None:
        assert pick_context("what about the garden tomatoes?", self.LINES, 3) == [self.LINES[2], self.LINES[1]]

    def test_the_newest_items_when_nothing_matches(self) -> None:
        assert pick_context("zzz qqq?", self.LINES, 2) == self.LINES[:2]

    def test_the_context_is_capped(self) -> None:
        lines = [f"#{i} garden " + "x" * 590 for i in range(30)]
        chosen = pick_context("garden", lines, 30)
        assert 0 < len(chosen) < 30 and sum(map(len, chosen)) <= CONTEXT_CHARS


class TestPreview:
    def test_the_text_so_far_with_a_cursor(self) -> None:
        assert preview("Hello, wor") == "Hello, wor" + CURSOR

    def test_only_the_first_message_of_a_long_answer(self) -> None:
        shown = preview("word " * 2000)
        assert shown.endswith(CURSOR) and len(shown) <= 4096

    def test_nothing_before_the_first_word(self) -> None:
        assert preview("  ") == ""


class TestThrottle:
    def test_at_most_one_edit_per_interval(self) -> None:
        now = [100.0]
        throttle = Throttle(1.5, clock=lambda: now[0])
        assert throttle.due()
        throttle.mark()
        now[0] += 1.0
        assert not throttle.due()
        now[0] += 0.5
        assert throttle.due()

    def test_groups_are_edited_within_their_20_a_minute(self) -> None:
        assert edit_interval(42, 1.5, 20) == 1.5
        assert edit_interval(-100123, 1.5, 20) == 3.0
