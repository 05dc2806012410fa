"""The API and the bot touch the same item at once: whichever comes second sees the first one's result and refuses,
so nothing is done twice (one change in the undo log, one reply in the chat). On PostgreSQL the item's row is locked
for the change; SQLite serializes writers anyway."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from items_api_helpers import SignIn
from items_helpers import items_of, local
from sqlalchemy import func, select

from core.db.base import utcnow
from core.items import questions, service
from core.items.models import ChangeAction, Item, ItemChange, ItemStatus
from core.items.render import clock
from core.runtime import Runtime
from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

ALICE = 5201


async def done_changes(runtime: Runtime, user_id: int) -> int:
    async with runtime.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(ItemChange).where(
            ItemChange.user_id == user_id, ItemChange.action == ChangeAction.DONE)) or 0)


class TestBotAndApiAtOnce:
    async def test_done_in_the_chat_while_the_app_says_done_is_done_once(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        """The bot's /done (the same service calls as bot/items/commands.py) holds its unit of work open while the
        app's Done arrives: the app waits, then is told it is done already."""
        alice = await sign_in(ALICE, "en")
        created = (await api.post("/api/v1/items", json={"text": "завтра в 15:00 встреча с Иваном"},
                                  headers=alice)).json()
        async with runtime.unit_of_work() as bot_session:
            item = await service.owned(bot_session, ALICE, created["number"])
            await service.mark_done(bot_session, item)
            from_app = asyncio.create_task(api.post(f"/api/v1/items/{created['id']}/done", headers=alice))
            await asyncio.sleep(0.5)
            assert not from_app.done()  # it waits for the bot's unit of work
        r = await from_app
        assert (r.status_code, r.json()["code"]) == (409, "ERR_ITEM_ALREADY_DONE")
        assert await done_changes(runtime, ALICE) == 1

    async def test_the_app_cancels_while_the_chat_answers_the_question(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        """A question answered in the app while the chat's answer to it is being handled: answered once."""
        alice = await sign_in(ALICE, "en")
        created = (await api.post("/api/v1/items", json={"text": "созвон завтра в 9"}, headers=alice)).json()
        async with runtime.unit_of_work() as bot_session:  # the chat's button "21:00" under the question
            outcome = await questions.choose(bot_session, ALICE, created["id"], 21 * 60, "UTC", now=utcnow())
            assert outcome.result == questions.Result.SCHEDULED and clock(outcome.item.starts_at) == "21:00"
            from_app = asyncio.create_task(api.post(f"/api/v1/items/{created['id']}/answer",
                                                    json={"choice": "09:00"}, headers=alice))
            await asyncio.sleep(0.5)
        r = await from_app
        assert (r.status_code, r.json()["code"]) == (409, "ERR_QUESTION_EXPIRED")

    async def test_the_chat_answers_by_text_while_the_app_answers(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        """The app's choice holds its unit of work open while "вечером" is typed in the chat: the typed answer finds
        the question gone and books nothing a second time."""
        alice = await sign_in(ALICE, "en")
        created = (await api.post("/api/v1/items", json={"text": "созвон завтра в 9"}, headers=alice)).json()

        async def typed_in_the_chat() -> questions.Outcome:
            async with runtime.unit_of_work() as chat_session:
                return await questions.handle_text(chat_session, ALICE, "UTC", "вечером", now=utcnow(), ttl=3600)

        async with runtime.unit_of_work() as app_session:
            await questions.choose(app_session, ALICE, created["id"], 9 * 60, "UTC", now=utcnow())
            typed = asyncio.create_task(typed_in_the_chat())
            await asyncio.sleep(0.5)
        outcome = await typed
        # PostgreSQL: the text was read as an answer, then found the question answered; SQLite: the chat's unit of
        # work began after the app's, saw no question and took the text as a new note. Booked once either way.
        assert outcome.result in (questions.Result.EXPIRED, questions.Result.CREATED)
        async with runtime.session_factory() as s:
            item = await s.get(Item, created["id"])
            actions = (await s.scalars(select(ItemChange.action).where(ItemChange.item_id == created["id"]))).all()
        assert item is not None and clock(local(item.starts_at, "UTC")) == "09:00"
        assert sorted(actions) == ["create", "reschedule"]

    async def test_the_real_bot_and_the_api_race_on_done(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                         bot_app: BotServices, sandbox: SandboxClient) -> None:
        """/done #N sent to the bot and POST …/done sent at the same moment, for several items: each is done once, by
        one of them, and the chat shows one "done" card; when the app won, the bot says it is done already."""
        alice = await sign_in(ALICE, "en")
        rounds = 4
        created = [(await api.post("/api/v1/items", json={"text": f"завтра в {10 + n}:00 встреча {n}"},
                                   headers=alice)).json() for n in range(rounds)]
        for item in created:
            number = f"#{item['number']}"
            said = len(await sandbox.bot_messages(ALICE))
            from_app, _ = await asyncio.gather(api.post(f"/api/v1/items/{item['id']}/done", headers=alice),
                                               sandbox.say(ALICE, f"/done {number}", language_code="en"))
            assert from_app.status_code in (200, 409), from_app.text
            app_won = from_app.status_code == 200
            await sandbox.wait_for(ALICE, lambda ms, n=said, k=number, w=app_won: len(about(ms[n:], k)) == 1 + w,
                                   timeout=20)
            await asyncio.sleep(0.3)  # a second "done" card would come now
            replies = about(await sandbox.bot_messages(ALICE), number)[-(1 + app_won):]
            cards = [text for text in replies if text.endswith("· done\n/undo reverts it.")]
            assert len(cards) == 1, replies
            assert (f"{number} is done already." in replies) == app_won, replies
        assert all(i.status == ItemStatus.DONE for i in await items_of(bot_app, ALICE))
        assert await done_changes(bot_app.runtime, ALICE) == rounds


def about(messages: list[dict[str, Any]], number: str) -> list[str]:
    """The bot's messages about an item being done: its card marked done, or "done already"."""
    texts = [m["text"] or "" for m in messages]
    return [t for t in texts
            if t == f"{number} is done already." or (t.startswith(f"{number} meeting") and "· done" in t)]
