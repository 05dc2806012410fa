"""route_of: the chat and user of a raw update, or BadUpdate for one that names neither usably."""

from __future__ import annotations

from typing import Any

import pytest

from core.telegram.updates import BadUpdate, route_of, update_id_of


class TestRoute:
    @pytest.mark.parametrize(("update", "route"), [
        ({"update_id": 1, "message": {"chat": {"id": -100}, "from": {"id": 7}}}, (-100, 7)),
        ({"update_id": 1, "channel_post": {"chat": {"id": -5}}}, (-5, None)),
        ({"update_id": 1, "callback_query": {"from": {"id": 7}}}, (7, 7)),
        ({"update_id": 1, "callback_query": {"from": {"id": 7}, "message": {"chat": {"id": 9}}}}, (9, 7)),
        ({"update_id": 1, "my_chat_member": {"from": {"id": 7}, "chat": {"id": -3}}}, (-3, 7)),
        ({"update_id": 1, "poll": {"id": "p"}}, (0, None)),
    ])
    def test_usable_updates(self, update: dict[str, Any], route: tuple[int, int | None]) -> None:
        assert route_of(update) == route

    @pytest.mark.parametrize("update", [
        {"update_id": 1, "message": {"from": {"id": 7}}},
        {"update_id": 1, "message": "text"},
        {"update_id": 1, "message": {"chat": "42"}},
        {"update_id": 1, "message": {"chat": {"id": "42"}}},
        {"update_id": 1, "message": {"chat": {"id": 2**63}}},
        {"update_id": 1, "message": {"chat": {"id": 1}, "from": {"id": -(2**63) - 1}}},
        {"update_id": 1, "message": {"chat": {"id": 1}, "from": "me"}},
        {"update_id": 1, "callback_query": {"message": {"chat": {"id": 1}}}},
        {"update_id": 1, "callback_query": {"from": {"id": 7}, "message": {"chat": {"id": 1.5}}}},
    ], ids=["no chat", "message not an object", "chat not an object", "text chat id", "chat id 2^63",
            "user id below int64", "from not an object", "callback without from", "fractional chat id"])
    def test_unusable_updates_are_bad_updates(self, update: dict[str, Any]) -> None:
        with pytest.raises(BadUpdate):
            route_of(update)

    @pytest.mark.parametrize("update", [[], {"message": {}}, {"update_id": "1"}, {"update_id": 2**63},
                                        {"update_id": False}])
    def test_an_update_id_must_be_a_64_bit_integer(self, update: Any) -> None:
        with pytest.raises(BadUpdate):
            update_id_of(update)
