"""parse_mode → text + entities, the way Telegram stores formatted messages."""

from __future__ import annotations

import pytest

from sandbox.entities import detect_entities, parse_text
from sandbox.errors import ApiError


def parse_error(text: str, mode: str) -> str:
    with pytest.raises(ApiError) as exc:
        parse_text(text, mode)
    assert exc.value.error_code == 400
    return exc.value.description


class TestHtml:
    def test_nested_tags_become_entities_with_utf16_offsets(self) -> None:
        text, entities = parse_text("😀 <b>bold <i>both</i></b> <a href='https://x.org'>link</a>", "HTML")

        assert text == "😀 bold both link"
        assert entities == [
            {"type": "bold", "offset": 3, "length": 9},
            {"type": "italic", "offset": 8, "length": 4},
            {"type": "text_link", "offset": 13, "length": 4, "url": "https://x.org"},
        ]

    def test_html_entities_are_decoded_and_unknown_ones_kept(self) -> None:
        assert parse_text("a &lt;b&gt; &amp; &#8364; &nbsp;", "HTML") == ("a <b> & € &nbsp;", [])

    def test_pre_with_a_language_and_expandable_quote(self) -> None:
        text, entities = parse_text('<pre><code class="language-py">x = 1</code></pre>'
                                    "<blockquote expandable>q</blockquote>", "HTML")

        assert text == "x = 1q"
        assert entities == [{"type": "pre", "offset": 0, "length": 5, "language": "py"},
                            {"type": "expandable_blockquote", "offset": 5, "length": 1}]

    def test_surrounding_whitespace_is_trimmed(self) -> None:
        assert parse_text("  <b>hi</b>\n", "HTML") == ("hi", [{"type": "bold", "offset": 0, "length": 2}])

    def test_errors_use_telegrams_wording(self) -> None:
        assert parse_error("x <br>", "HTML") == (
            "Bad Request: can't parse entities: Unsupported start tag \"br\" at byte offset 2")
        assert parse_error("<b>open", "HTML") == (
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"b\"")
        assert parse_error("<b>x</i>", "HTML").startswith(
            "Bad Request: can't parse entities: Unmatched end tag at byte offset 4")
        assert parse_error("1 < 2", "HTML") == (
            "Bad Request: can't parse entities: Unsupported start tag \"\" at byte offset 2")


class TestMarkdown:
    def test_markdown_v2_entities_and_escapes(self) -> None:
        text, entities = parse_text(r"*bold* _it_ __u__ ~s~ ||sp|| `c` [l](https://x.org) 1\.5", "MarkdownV2")

        assert text == "bold it u s sp c l 1.5"
        assert [e["type"] for e in entities] == ["bold", "italic", "underline", "strikethrough", "spoiler",
                                                 "code", "text_link"]

    def test_markdown_v2_reserved_characters_must_be_escaped(self) -> None:
        assert parse_error("Price: 1.5", "MarkdownV2") == (
            "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the "
            "preceding '\\'")

    def test_markdown_v2_unclosed_entity(self) -> None:
        assert parse_error("*bold", "MarkdownV2") == (
            "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0")

    def test_legacy_markdown(self) -> None:
        assert parse_text("*b* _i_ `c`", "Markdown")[0] == "b i c"
        assert parse_error("a *b", "Markdown") == (
            "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2")


class TestDetectedEntities:
    def test_commands_links_mentions_and_hashtags_in_what_people_type(self) -> None:
        entities = detect_entities("/add@secretary_bot buy milk #home @anna_k see https://x.org/a, mail a@b.co")

        assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
            ("bot_command", 0, 18), ("hashtag", 28, 5), ("mention", 34, 7), ("url", 46, 15), ("email", 68, 6)]

    def test_a_slash_inside_a_word_is_not_a_command(self) -> None:
        assert detect_entities("and/or 1/2") == []
