"""Ingress isolates bad updates: a storable one is stored sanitised, an unusable or unstorable one is recorded DEAD,
and the rest of its batch is stored either way (one bad update never stalls polling or fails the webhook's batch)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.queue import ingest as ingest_module
from core.queue.ingest import QueueFull, ingest
from core.queue.models import InboxUpdate
from core.runtime import Runtime
from tests.support.sql import recorded_statements


def message(update_id: int, chat_id: Any = 42, text: str = "hello", user: Any = None) -> dict[str, Any]:
    sender = user if user is not None else {"id": chat_id, "is_bot": False, "first_name": "Ann"}
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1, "text": text,
                                                "chat": {"id": chat_id, "type": "private"}, "from": sender}}


async def rows(runtime: Runtime) -> dict[int, InboxUpdate]:
    async with runtime.session_factory() as s:
        return {r.update_id: r for r in (await s.scalars(select(InboxUpdate))).all()}


class TestSanitised:
    async def test_nul_and_lone_surrogates_are_replaced_and_the_batch_is_stored(self, runtime: Runtime) -> None:
        user = {"id": 3, "is_bot": False, "first_name": "Bo\ud800b", "username": "b\x00b"}
        stored = await ingest(runtime, [message(1, 1, "milk\x00bread"), message(2, 2, "eggs"),
                                        message(3, 3, "tea\udc00", user=user)])

        assert stored == 3
        inbox = await rows(runtime)
        assert {u: r.status for u, r in inbox.items()} == {1: "NEW", 2: "NEW", 3: "NEW"}
        assert inbox[1].payload["message"]["text"] == "milk\ufffdbread"
        assert inbox[2].payload["message"]["text"] == "eggs"
        assert inbox[3].payload["message"]["text"] == "tea\ufffd"
        assert inbox[3].payload["message"]["from"] == {"id": 3, "is_bot": False, "first_name": "Bo\ufffdb",
                                                       "username": "b\ufffdb"}


class TestUnusable:
    async def test_an_unroutable_update_is_recorded_dead_and_its_neighbours_stored(self, runtime: Runtime) -> None:
        no_chat = {"update_id": 11, "message": {"message_id": 1, "date": 1, "text": "x"}}
        huge_chat = message(12, chat_id=2**63)
        text_user = message(13, chat_id=5, user={"id": "five", "is_bot": False, "first_name": "F"})
        huge_update_id = message(2**64, chat_id=6)  # no key to record it by: dropped (Telegram never sends one)

        stored = await ingest(runtime, [message(10, 7), no_chat, huge_chat, text_user, huge_update_id, message(14, 8)])

        assert stored == 2
        inbox = await rows(runtime)
        assert {u: (r.status, r.chat_id) for u, r in inbox.items()} == {
            10: ("NEW", 7), 11: ("DEAD", 0), 12: ("DEAD", 0), 13: ("DEAD", 0), 14: ("NEW", 8)}
        assert inbox[11].last_error == "unusable update: message has no chat"
        assert inbox[12].last_error == "unusable update: message.chat.id is not a 64-bit integer"
        assert inbox[13].last_error == "unusable update: message.from.id is not a 64-bit integer"
        assert '"text": "x"' in inbox[11].payload["raw"]  # what it was is kept for the operator


class TestUnstorable:
    async def test_an_update_that_cannot_be_stored_is_recorded_dead_and_the_batch_goes_on(self,
                                                                                         runtime: Runtime) -> None:
        deep: dict[str, Any] = {}
        for _ in range(5000):  # no JSON encoder (or sanitiser) walks this without running out of stack
            deep = {"reply_to_message": deep}
        bad = message(21, chat_id=9)
        bad["message"]["reply_to_message"] = deep

        stored = await ingest(runtime, [message(20, 9), bad, message(22, 10)])

        assert stored == 2
        inbox = await rows(runtime)
        assert {u: (r.status, r.chat_id) for u, r in inbox.items()} == {
            20: ("NEW", 9), 21: ("DEAD", 9), 22: ("NEW", 10)}
        assert inbox[21].last_error == "could not be stored: RecursionError"
        assert inbox[21].payload == {"update_id": 21, "raw": None}


class TestBacklogCount:
    """The backlog is counted once a second far from the limits (one statement less on the way to a reply), and at
    every store near them."""

    @staticmethod
    def is_count(statement: str) -> bool:
        return "count(" in statement.lower() and "inbox_updates" in statement

    async def test_far_from_the_limits_a_recent_count_serves(self, runtime: Runtime,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
        clock = [1000.0]
        monkeypatch.setattr(ingest_module, "_clock", lambda: clock[0])
        with recorded_statements(runtime.engine, self.is_count) as seen:
            for update_id in (1, 2, 3):
                await ingest(runtime, [message(update_id, update_id)])
            assert len(seen) == 1
            backlog = runtime.extras[ingest_module.BACKLOG_KEY]
            assert (backlog.new, backlog.total) == (3, 3)  # what this process stored since is counted in
            clock[0] += ingest_module.BACKLOG_FRESH
            await ingest(runtime, [message(4, 4)])
            assert len(seen) == 2  # a second later: counted again

    async def test_within_a_tenth_of_a_limit_every_store_counts(self, runtime: Runtime,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(ingest_module, "_clock", lambda: 1000.0)  # all within one second
        runtime.settings = runtime.settings.model_copy(update={"queue_max_total": 20})
        counted: list[bool] = []
        with recorded_statements(runtime.engine, self.is_count) as seen:
            for update_id in range(1, 21):
                before = len(seen)
                await ingest(runtime, [message(update_id, update_id)])
                counted.append(len(seen) > before)
        with pytest.raises(QueueFull):  # the 21st: refused on a fresh count
            await ingest(runtime, [message(21, 21)])
        # the first store counts; then the count serves while more than a tenth of the limit (2) stays free
        assert counted == [True] + [False] * 16 + [True] * 3
        assert len(await rows(runtime)) == 20
