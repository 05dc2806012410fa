"""The table of documented Bot API fields is generated from aiogram's models, and normalize() keeps only those."""

from __future__ import annotations

from pathlib import Path

from sandbox import apitypes_gen
from sandbox.schema import normalize

TABLE = Path(apitypes_gen.__file__).with_name("apitypes.py")


def test_the_committed_table_is_what_the_generator_writes_from_the_installed_aiogram() -> None:
    assert TABLE.read_text() == apitypes_gen.build(), "run: python -m sandbox.apitypes_gen > sandbox/apitypes.py"


class TestNormalize:
    def test_unknown_keys_are_dropped_at_every_depth(self) -> None:
        message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private", "colour": "red"}, "bogus": 1,
                   "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x", "hide": False}]]},
                   "entities": [{"type": "bold", "offset": 0, "length": 1, "weight": 700}]}

        assert normalize(message, "Message") == {
            "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "x"}]]},
            "entities": [{"type": "bold", "offset": 0, "length": 1}]}

    def test_a_union_member_is_picked_by_its_discriminating_field(self) -> None:
        origin = {"type": "user", "sender_user": {"id": 1, "is_bot": False, "first_name": "A", "x": 1}, "date": 3,
                  "chat": {"id": 1}}
        members = [{"status": "creator", "user": {"id": 1, "is_bot": False, "first_name": "A"}, "is_anonymous": False,
                    "can_post_messages": True}]

        assert normalize({"message_id": 1, "forward_origin": origin}, "Message")["forward_origin"] == {
            "type": "user", "sender_user": {"id": 1, "is_bot": False, "first_name": "A"}, "date": 3}
        assert normalize(members, "[ChatMemberOwner|ChatMemberAdministrator|ChatMemberMember]") == [
            {"status": "creator", "user": {"id": 1, "is_bot": False, "first_name": "A"}, "is_anonymous": False}]

    def test_plain_values_and_nulls(self) -> None:
        assert normalize(True, "") is True
        assert normalize({"message_id": 1, "text": None}, "Message") == {"message_id": 1}
