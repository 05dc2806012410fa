"""split_message: Telegram-sized parts, cut at a paragraph, else a line, else a word; a hard cut only when
there is no boundary at all."""

from __future__ import annotations

from core.telegram.split import split_message, utf16_len


class TestShortText:
    def test_a_text_within_the_limit_is_one_part(self) -> None:
        assert split_message("Hello world", limit=20) == ["Hello world"]

    def test_exactly_the_limit_is_one_part(self) -> None:
        text = "x" * 4096
        assert split_message(text) == [text]

    def test_a_blank_text_gives_no_parts(self) -> None:
        assert split_message("  \n\n ") == []


class TestBoundaries:
    def test_cuts_at_the_last_paragraph_break(self) -> None:
        text = "first paragraph here\n\nsecond one\nstill second\n\nthird"
        assert split_message(text, limit=40) == ["first paragraph here", "second one\nstill second\n\nthird"]

    def test_prefers_a_paragraph_to_a_later_line_break(self) -> None:
        text = "aaaa aaaa aaaa aaaa\n\nbbbb bbbb\ncccc cccc dddd"
        assert split_message(text, limit=32) == ["aaaa aaaa aaaa aaaa", "bbbb bbbb\ncccc cccc dddd"]

    def test_cuts_at_a_line_break_when_there_is_no_paragraph(self) -> None:
        text = "line one is here\nline two is here\nline three"
        assert split_message(text, limit=36) == ["line one is here\nline two is here", "line three"]

    def test_cuts_between_words_when_there_is_no_line_break(self) -> None:
        text = "alpha beta gamma delta epsilon"
        parts = split_message(text, limit=12)
        assert parts == ["alpha beta", "gamma delta", "epsilon"]

    def test_hard_cut_only_inside_a_word_longer_than_the_limit(self) -> None:
        assert split_message("abcdefghij", limit=4) == ["abcd", "efgh", "ij"]

    def test_nothing_is_lost_but_the_whitespace_at_the_cuts(self) -> None:
        text = "\n\n".join(f"Paragraph {i}: " + "word " * 50 for i in range(40))
        parts = split_message(text)
        assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
        assert " ".join(parts).split() == text.split()
        assert all(p.startswith("Paragraph") for p in parts)  # every cut fell between paragraphs


class TestUtf16:
    def test_an_emoji_outside_the_bmp_counts_twice(self) -> None:
        text = "😀" * 3000  # 6000 UTF-16 units
        parts = split_message(text)
        assert [utf16_len(p) for p in parts] == [4096, 6000 - 4096]
        assert "".join(parts) == text
