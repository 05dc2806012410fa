"""The items API (/api/v1/items): text read as a chat message, questions answered, schedule by /set's rules, done,
cancel, skip, undo, edits, lists with filters and pages, stats — each told in the user's chat, each user seeing only
their own, every bad value a 4xx with its code and text."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from items_api_helpers import SignIn, chat, texts
from sqlalchemy import select

from core.db.base import utcnow
from core.items.models import Item, ItemChange
from core.runtime import Runtime

ALICE, BOB = 5101, 5102


def button_texts(payload: dict[str, Any]) -> list[str]:
    return [b["text"] for row in payload.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def local_today(headers_tz: str) -> dt.date:
    return utcnow().astimezone(ZoneInfo(headers_tz)).date()


async def user_zone(runtime: Runtime, user_id: int) -> str:
    from core.users.models import User

    async with runtime.session_factory() as s:
        user = await s.get(User, user_id)
        assert user is not None
        return user.timezone


async def create(api: httpx.AsyncClient, headers: dict[str, str], text: str) -> dict[str, Any]:
    r = await api.post("/api/v1/items", json={"text": text}, headers=headers)
    assert r.status_code in (200, 201), r.text
    body: dict[str, Any] = r.json()
    return body


class TestCreate:
    async def test_a_text_with_a_time_is_a_scheduled_meeting_and_the_chat_shows_its_card(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        r = await api.post("/api/v1/items", json={"text": "завтра в 15:00 встреча с Иваном"}, headers=alice)
        assert r.status_code == 201
        item = r.json()
        tomorrow = local_today(await user_zone(runtime, ALICE)) + dt.timedelta(days=1)
        assert (item["kind"], item["status"], item["date"], item["time"], item["duration_min"]) == (
            "meeting", "scheduled", tomorrow.isoformat(), "15:00", 60)
        assert item["result"] == "created" and item["question"] is None and item["remind_at"] is not None
        (card,) = texts(await chat(runtime, ALICE))
        assert card.startswith("#1 meeting: встреча с Иваном — ") and "15:00–16:00" in card

    async def test_an_ambiguous_hour_comes_back_with_its_question_asked_in_the_chat_too(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "созвон с командой завтра в 9")
        assert item["status"] == "inbox" and item["starts_at"] is None
        question = item["question"]
        assert (question["purpose"], question["candidates"]) == ("time", ["09:00", "21:00"])
        [(method, payload)] = await chat(runtime, ALICE)
        assert method == "sendMessage" and "#1" in payload["text"]
        assert [b for b in button_texts(payload) if "09:00" in b or "21:00" in b]

    async def test_answering_the_question_in_the_app_books_it_and_takes_the_buttons_off_in_the_chat(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "созвон с командой завтра в 9")
        r = await api.post(f"/api/v1/items/{item['id']}/answer", json={"choice": "21:00"}, headers=alice)
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["time"], r.json()["question"]) == ("scheduled", "21:00", None)
        methods = [(method, payload) for method, payload in await chat(runtime, ALICE)]
        assert [m for m, _ in methods] == ["sendMessage", "editMessageReplyMarkup", "sendMessage"]
        assert methods[1][1]["reply_markup"] == {"inline_keyboard": []}
        assert "21:00–22:00" in methods[2][1]["text"]
        again = await api.post(f"/api/v1/items/{item['id']}/answer", json={"choice": "09:00"}, headers=alice)
        assert again.status_code == 409 and again.json()["code"] == "ERR_QUESTION_EXPIRED"
        assert again.json()["message"] == "#1 has no open question any more: it was answered or it expired."

    async def test_a_text_that_answers_the_open_question_is_no_new_item(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "созвон с командой завтра в 9")
        r = await api.post("/api/v1/items", json={"text": "вечером"}, headers=alice)
        assert r.status_code == 200
        assert (r.json()["id"], r.json()["result"], r.json()["time"]) == (item["id"], "scheduled", "21:00")
        assert (await api.get("/api/v1/items", headers=alice)).json()["total"] == 1

    async def test_a_note_is_saved_as_the_chat_would_say(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                         runtime: Runtime) -> None:
        bob = await sign_in(BOB, "ru")
        item = await create(api, bob, "идея для доклада")
        assert (item["kind"], item["status"]) == ("note", "inbox")
        assert texts(await chat(runtime, BOB)) == ["Сохранил как заметку #1."]

    async def test_an_empty_text_is_refused(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        r = await api.post("/api/v1/items", json={"text": ""}, headers=await sign_in(ALICE))
        assert r.status_code == 422 and r.json()["code"] == "ERR_VALIDATION"


class TestSchedule:
    async def test_a_date_time_and_duration_book_the_item_and_the_reminder_follows(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "идея для доклада")
        r = await api.post(f"/api/v1/items/{item['id']}/schedule",
                           json={"date": "2030-05-17", "time": "09:30", "duration_min": 45}, headers=alice)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["status"], body["date"], body["time"], body["duration_min"]) == (
            "scheduled", "2030-05-17", "09:30", 45)
        assert body["remind_at"] is not None  # the reminders listener followed the change
        card = texts(await chat(runtime, ALICE))[-1]
        assert "#1 note: идея для доклада — " in card and "09:30–10:15" in card

    async def test_without_a_date_it_is_the_next_time_the_clock_shows_it(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")  # about noon in the user's zone
        item = await create(api, alice, "идея для доклада")
        r = await api.post(f"/api/v1/items/{item['id']}/schedule", json={"time": "23:00"}, headers=alice)
        assert r.json()["date"] == local_today(await user_zone(runtime, ALICE)).isoformat()
        r = await api.post(f"/api/v1/items/{item['id']}/schedule", json={"time": "01:00"}, headers=alice)
        tomorrow = local_today(await user_zone(runtime, ALICE)) + dt.timedelta(days=1)
        assert r.json()["date"] == tomorrow.isoformat()

    async def test_bad_values_are_refused_with_their_code_and_text_in_the_callers_language(
            self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "ru")
        item = await create(api, alice, "идея для доклада")
        url = f"/api/v1/items/{item['id']}/schedule"
        cases = [
            ({"date": "2030-02-30", "time": "10:00"}, "ERR_ITEM_BAD_DATE", "Дата — настоящий день"),
            ({"date": "17.05.2030", "time": "10:00"}, "ERR_ITEM_BAD_DATE", "Дата — настоящий день"),
            ({"date": "0001-01-01", "time": "10:00"}, "ERR_ITEM_BAD_DATE", "Дата — настоящий день"),
            ({"time": "25:00"}, "ERR_ITEM_BAD_TIME", "Время — в виде ЧЧ:ММ"),
            ({"time": "9"}, "ERR_ITEM_BAD_TIME", "Время — в виде ЧЧ:ММ"),
            ({"time": "10:00", "duration_min": 0}, "ERR_ITEM_BAD_DURATION", "Длительность — целое число минут"),
            ({"time": "10:00", "duration_min": 1441}, "ERR_ITEM_BAD_DURATION", "Длительность — целое число минут"),
        ]
        for body, code, text in cases:
            r = await api.post(url, json=body, headers=alice)
            assert (r.status_code, r.json()["code"]) == (400, code), body
            assert r.json()["message"].startswith(text)
        english = await api.post(url, json={"time": "25:00"}, headers={**alice, "Accept-Language": "en"})
        assert english.json()["message"] == "The time must be HH:MM, from 00:00 to 23:59."
        r = await api.post(url, json={"time": "10:00", "duration_min": "long"}, headers=alice)
        assert r.status_code == 422 and r.json()["code"] == "ERR_VALIDATION"

    async def test_a_cancelled_item_gets_no_new_time(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "идея для доклада")
        assert (await api.post(f"/api/v1/items/{item['id']}/cancel", headers=alice)).status_code == 200
        r = await api.post(f"/api/v1/items/{item['id']}/schedule", json={"time": "10:00"}, headers=alice)
        assert (r.status_code, r.json()["code"]) == (409, "ERR_ITEM_CANCELLED")
        assert r.json()["message"] == "#1 is cancelled: undo brings it back before it gets a new time."


class TestDoneCancelUndo:
    async def test_done_then_undo_and_a_second_done_or_cancel_is_refused(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        url = f"/api/v1/items/{item['id']}"
        assert (await api.post(f"{url}/done", headers=alice)).json()["status"] == "done"
        for action, code in (("done", "ERR_ITEM_ALREADY_DONE"), ("cancel", "ERR_ITEM_ALREADY_DONE"),
                             ("skip", "ERR_ITEM_ALREADY_DONE")):
            r = await api.post(f"{url}/{action}", headers=alice)
            assert (r.status_code, r.json()["code"]) == (409, code), action
        assert (await api.post(f"{url}/undo", headers=alice)).json()["status"] == "scheduled"
        assert (await api.post(f"{url}/cancel", headers=alice)).json()["status"] == "cancelled"
        r = await api.post(f"{url}/done", headers=alice)
        assert (r.status_code, r.json()["code"]) == (409, "ERR_ITEM_ALREADY_CANCELLED")
        said = texts(await chat(runtime, ALICE))
        assert said[1].endswith("· done\n/undo reverts it.") and said[2].startswith("Undone. #1 meeting")
        assert said[3].endswith("· cancelled\n/undo reverts it.") and len(said) == 4
        assert (await api.post(f"{url}/undo", headers=alice)).json()["status"] == "scheduled"
        assert (await api.post(f"{url}/undo", headers=alice)).json()["status"] == "cancelled"  # the creation
        r = await api.post(f"{url}/undo", headers=alice)
        assert (r.status_code, r.json()["code"]) == (409, "ERR_NOTHING_TO_UNDO")

    async def test_done_on_a_repeating_item_moves_it_to_the_next_occurrence(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "каждый понедельник в 10:00 планёрка")
        assert item["recurrence"] and item["status"] == "scheduled"
        r = await api.post(f"/api/v1/items/{item['id']}/done", headers=alice)
        moved = r.json()
        assert moved["status"] == "scheduled"
        assert dt.date.fromisoformat(moved["date"]) == dt.date.fromisoformat(item["date"]) + dt.timedelta(days=7)
        assert texts(await chat(runtime, ALICE))[-1].startswith("✓ Done for this time. Next: #1 meeting")
        skipped = (await api.post(f"/api/v1/items/{item['id']}/skip", headers=alice)).json()
        assert dt.date.fromisoformat(skipped["date"]) == dt.date.fromisoformat(item["date"]) + dt.timedelta(days=14)

    async def test_skip_on_a_one_off_item_says_why(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        r = await api.post(f"/api/v1/items/{item['id']}/skip", headers=alice)
        assert (r.status_code, r.json()["code"]) == (400, "ERR_ITEM_NOT_REPEATING")

    async def test_delete_cancels_an_open_item_once(self, api: httpx.AsyncClient, sign_in: SignIn,
                                                    runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        for _ in range(2):
            assert (await api.delete(f"/api/v1/items/{item['id']}", headers=alice)).status_code == 204
        assert (await api.get(f"/api/v1/items/{item['id']}", headers=alice)).json()["status"] == "cancelled"
        assert len(texts(await chat(runtime, ALICE))) == 2  # the card, then "cancelled" once


class TestEdit:
    async def test_a_new_title_is_told_in_the_chat_and_bad_values_refused(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        item = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        url = f"/api/v1/items/{item['id']}"
        r = await api.patch(url, json={"title": "  Lunch with Ivan ", "kind": "task"}, headers=alice)
        assert (r.json()["title"], r.json()["kind"], r.json()["time"]) == ("Lunch with Ivan", "task", "15:00")
        assert texts(await chat(runtime, ALICE))[-1].startswith("✏️ Changed in the app: #1 task: Lunch with Ivan — ")
        for body, code in (({"title": " "}, "ERR_ITEM_TITLE_REQUIRED"),
                           ({"title": "x" * 501}, "ERR_ITEM_TITLE_TOO_LONG"), ({"kind": "party"}, "ERR_ITEM_BAD_KIND"),
                           ({"text": "x" * 10_001}, "ERR_ITEM_TEXT_TOO_LONG")):
            r = await api.patch(url, json=body, headers=alice)
            assert (r.status_code, r.json()["code"]) == (400, code)


class TestList:
    async def test_filters_and_pages(self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        first = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        await create(api, alice, "идея для доклада")
        third = await create(api, alice, "завтра в 10:00 встреча с Анной")
        await create(api, alice, "купить молоко")
        await api.post(f"/api/v1/items/{third['id']}/done", headers=alice)

        async def listed(**params: Any) -> dict[str, Any]:
            r = await api.get("/api/v1/items", params=params, headers=alice)
            assert r.status_code == 200, r.text
            page: dict[str, Any] = r.json()
            return page

        everything = await listed()
        assert [i["number"] for i in everything["items"]] == [4, 3, 2, 1]
        assert (everything["page"], everything["perPage"], everything["total"]) == (1, 20, 4)
        assert [i["number"] for i in (await listed(status="done"))["items"]] == [3]
        assert [i["number"] for i in (await listed(status=["inbox", "scheduled"]))["items"]] == [4, 2, 1]
        assert [i["number"] for i in (await listed(kind="meeting"))["items"]] == [3, 1]
        assert [i["number"] for i in (await listed(q="ИВАНОМ встреча"))["items"]] == [1]
        tomorrow = (local_today(await user_zone(runtime, ALICE)) + dt.timedelta(days=1)).isoformat()
        day = await listed(dateFrom=tomorrow, dateTo=tomorrow)
        assert [i["number"] for i in day["items"]] == [3, 1]  # by time: 10:00, then 15:00
        assert (await listed(dateFrom=tomorrow, perPage=1, page=2))["items"][0]["id"] == first["id"]
        assert (await listed(dateTo="2000-01-01"))["total"] == 0
        second_page = await listed(perPage=3, page=2)
        assert ([i["number"] for i in second_page["items"]], second_page["total"]) == ([1], 4)
        assert (await listed(perPage=3, page=9))["items"] == []

    async def test_bad_filters_are_refused(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "en")
        for params, status, code in (({"dateFrom": "2030-13-01"}, 400, "ERR_ITEM_BAD_DATE"),
                                     ({"dateFrom": "2030-05-02", "dateTo": "2030-05-01"}, 400, "ERR_ITEM_BAD_RANGE"),
                                     ({"status": "open"}, 422, "ERR_VALIDATION"),
                                     ({"perPage": "0"}, 422, "ERR_VALIDATION")):
            r = await api.get("/api/v1/items", params=params, headers=alice)
            assert (r.status_code, r.json()["code"]) == (status, code), params


class TestStats:
    async def test_counts_calendar_states_and_latest_of_the_user(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        bob = await sign_in(BOB, "en")
        item = await create(api, alice, "завтра в 15:00 встреча с Иваном")
        await create(api, alice, "идея для доклада")
        await create(api, bob, "купить молоко")
        async with runtime.unit_of_work() as s:
            row = await s.get(Item, item["id"])
            assert row is not None
            row.calendar_event_id = "PENDING"
        stats = (await api.get("/api/v1/items/stats", headers=alice)).json()
        assert stats["counts"] == {"inbox": 1, "scheduled": 1, "done": 0, "cancelled": 0}
        assert (stats["pending_calendar_count"], stats["failed_calendar_count"]) == (1, 0)
        assert [i["number"] for i in stats["latest"]] == [2, 1] and stats["latest"][1]["calendar"] == "pending"


class TestIsolation:
    async def test_another_users_item_is_not_found_and_stays_as_it_was(
            self, api: httpx.AsyncClient, sign_in: SignIn, runtime: Runtime) -> None:
        alice = await sign_in(ALICE, "en")
        bob = await sign_in(BOB, "en")
        item = await create(api, alice, "созвон с командой завтра в 9")
        url = f"/api/v1/items/{item['id']}"
        attempts = [api.get(url, headers=bob), api.patch(url, json={"title": "mine"}, headers=bob),
                    api.delete(url, headers=bob), api.post(f"{url}/done", headers=bob),
                    api.post(f"{url}/cancel", headers=bob), api.post(f"{url}/skip", headers=bob),
                    api.post(f"{url}/undo", headers=bob),
                    api.post(f"{url}/answer", json={"choice": "09:00"}, headers=bob),
                    api.post(f"{url}/schedule", json={"time": "10:00"}, headers=bob)]
        for attempt in attempts:
            r = await attempt
            assert (r.status_code, r.json()["code"]) == (404, "ERR_ITEM_GONE"), r.request.url
            assert r.json()["message"] == "This item is not yours, or it no longer exists."
        assert (await api.get("/api/v1/items", headers=bob)).json()["total"] == 0
        assert (await api.get("/api/v1/items/stats", headers=bob)).json()["latest"] == []
        mine = (await api.get(url, headers=alice)).json()
        assert (mine["title"], mine["status"], mine["question"]["candidates"]) == ("созвон с командой", "inbox",
                                                                                   ["09:00", "21:00"])
        assert await chat(runtime, BOB) == []
        async with runtime.session_factory() as s:
            changes = (await s.scalars(select(ItemChange).where(ItemChange.item_id == item["id"]))).all()
        assert [c.action for c in changes] == ["create"]

    async def test_ids_that_name_no_item(self, api: httpx.AsyncClient, sign_in: SignIn) -> None:
        alice = await sign_in(ALICE, "en")
        for item_id, status in (("999999", 404), ("-1", 404), ("abc", 422), (str(2**63), 422)):
            r = await api.get(f"/api/v1/items/{item_id}", headers=alice)
            assert r.status_code == status, item_id

    async def test_no_credentials_no_items(self, api: httpx.AsyncClient) -> None:
        r = await api.get("/api/v1/items")
        assert (r.status_code, r.json()["code"]) == (401, "ERR_UNAUTHORIZED")
