"""split_message: Telegram-sized parts, cut at a paragraph, else a line, else a word; a hard cut only when
there is no boundary at all."""

from __future__ import annotations

from core.telegram.split import (
    parse_html,
    split_formatted,
    split_html,
    split_message,
    truncate_formatted,
    utf16_len,
)


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


class TestHtml:
    """split_html: each part is HTML Telegram accepts, its visible text within the limit; nothing but whitespace at
    the cuts is lost."""

    def _visible(self, part: str) -> str:
        parsed = parse_html(part)
        assert parsed is not None, f"not valid Telegram HTML: {part!r}"
        return parsed[0]

    def test_a_short_text_is_left_as_it_is(self) -> None:
        text = "<b>Title</b> &amp; <i>more</i>"
        assert split_html(text, limit=20) == [text]

    def test_the_limit_counts_the_visible_text_not_the_tags(self) -> None:
        text = '<a href="https://example.org/a/very/long/address">ab</a> ' + "<b>x</b>" * 8
        assert split_html(text, limit=12) == [text]

    def test_tags_open_at_a_cut_are_closed_before_it_and_opened_again_after_it(self) -> None:
        text = '<b>bold <a href="https://x.org/?a=1&amp;b=2">' + "link words " * 4 + "</a> tail</b>"
        parts = split_html(text, limit=20)
        assert parts is not None and len(parts) > 1
        for part in parts:
            assert part.startswith("<b>") and part.endswith("</b>")
            assert utf16_len(self._visible(part)) <= 20
        assert parts[1].startswith('<b><a href="https://x.org/?a=1&amp;b=2">')
        assert " ".join(self._visible(p) for p in parts).split() == self._visible(text).split()

    def test_an_entity_is_never_cut(self) -> None:
        text = "&lt;tag&gt; " * 30  # 6 visible characters and a space each, 4 + 4 source characters for the entities
        parts = split_html(text, limit=25)
        assert parts is not None
        for part in parts:
            visible = self._visible(part)
            assert utf16_len(visible) <= 25 and set(visible.split()) == {"<tag>"}

    def test_markup_characters_in_the_text_stay_escaped(self) -> None:
        text = "<code>" + "a &lt; b &amp;&amp; c &gt; d; " * 20 + "</code>"
        parts = split_html(text, limit=50)
        assert parts is not None and len(parts) > 1
        assert all(p.startswith("<code>") and p.endswith("</code>") and "&lt;" in p for p in parts)

    def test_text_that_is_not_telegram_html_is_refused(self) -> None:
        for text in ("<b>unclosed", "<div>unknown tag</div>", "<b><i>crossed</b></i>", "a < b"):
            assert split_html(text * 100, limit=50) is None


class TestFormatted:
    def test_long_html_keeps_its_parse_mode(self) -> None:
        parts, mode = split_formatted("<b>" + "word " * 2000 + "</b>", "HTML")
        assert mode == "HTML" and len(parts) == 3

    def test_long_broken_html_falls_back_to_plain_text(self) -> None:
        parts, mode = split_formatted("<b>" + "word " * 2000, "HTML")
        assert mode is None and len(parts) == 3 and parts[0].startswith("<b>word")

    def test_a_short_text_is_one_part_whatever_its_markup(self) -> None:
        assert split_formatted("<b>broken", "HTML") == (["<b>broken"], "HTML")  # Telegram says what is wrong

    def test_truncating_keeps_the_first_part_and_marks_the_cut(self) -> None:
        text, mode = truncate_formatted("<i>" + "word " * 2000 + "</i>", "HTML")
        visible = parse_html(text)
        assert mode == "HTML" and visible is not None
        assert text.endswith("</i>…") and utf16_len(visible[0]) <= 4096
        assert truncate_formatted("short", None) == ("short", None)
