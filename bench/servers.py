"""Processes the benchmarks start (each on 127.0.0.1, stopped by the benchmark with SIGTERM).

    python bench/servers.py sandbox --port P
        The sandbox (in memory, flood limits off until configured) with a timing probe: every message it
        stores is stamped with time.monotonic() (CLOCK_MONOTONIC, the same clock in every process), and
        GET /bench/timings returns the stamps: when each user message arrived, when the bot's reply to it
        was stored, and when every bot message was stored. Nothing in sandbox/ is changed.

    uvicorn --factory --app-dir bench servers:webhook_app …
        The product's web app (webapp.app.create_app with its settings from the environment, exactly what
        `secretary web` serves), as a factory so that uvicorn can run it with several --workers.

    uvicorn --factory --app-dir bench servers:bare_webhook_app …
        The ingest baseline: a bare FastAPI endpoint that checks the secret header and inserts the same inbox row
        with the same driver (the engine from core.db.engine, so the same pool and SQLite settings), one
        transaction per request, and answers 200 after the commit. No sanitising, no backpressure, no batching.

    python bench/servers.py bare-bot --database-url URL --api-base http://127.0.0.1:P
        The baseline: a plain aiogram Dispatcher polling the sandbox; for each text message it does the same
        domain work as the Secretary bot's text handler (ensure_user, then the same items service call and
        reply text), committed in its own session, and replies with message.reply() directly — no inbox, no
        outbox, no rate limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from fastapi import APIRouter, FastAPI, Request  # noqa: E402
from fastapi.responses import JSONResponse, Response  # noqa: E402

from bench.common import BOT_TOKEN  # noqa: E402
from core import aio  # noqa: E402


class Probe:
    """Monotonic stamps of the messages the sandbox stores."""

    def __init__(self) -> None:
        self.inbound: dict[str, float] = {}  # "chat:message_id" of a user message -> when it was posted
        self.replies: dict[str, float] = {}  # "chat:message_id" replied to -> when the bot's reply was stored
        self.bot_sent: list[float] = []  # every message a bot sent

    def record(self, chat_id: int, message_id: int, message: dict[str, Any]) -> None:
        now = time.monotonic()
        if (message.get("from") or {}).get("is_bot"):
            self.bot_sent.append(now)
            reply = message.get("reply_to_message")
            if reply is not None:
                self.replies.setdefault(f"{chat_id}:{reply['message_id']}", now)
        else:
            self.inbound[f"{chat_id}:{message_id}"] = now

    def summary(self) -> dict[str, Any]:
        return {"inbound": len(self.inbound), "replies": len(self.replies), "bot_sent": len(self.bot_sent),
                "now": time.monotonic()}

    def dump(self) -> dict[str, Any]:
        # "wall" beside "now": the same moment on the wall clock, which the bot's database rows use
        return {"inbound": self.inbound, "replies": self.replies, "bot_sent": self.bot_sent, "now": time.monotonic(),
                "wall": time.time()}


def webhook_app() -> FastAPI:
    from core.config import Settings
    from core.logging import configure_logging
    from webapp.app import create_app

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    return create_app(settings)


def bare_webhook_app() -> FastAPI:
    """The baseline of bench_ingest (see the module's docstring)."""
    import os

    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    from core.db.base import utcnow
    from core.db.engine import is_sqlite_url, make_engine
    from core.queue.models import InboxUpdate, QueueStatus

    url, secret = os.environ["DATABASE_URL"], os.environ["WEBHOOK_SECRET"]
    engine = make_engine(url)
    insert = sqlite_insert if is_sqlite_url(url) else pg_insert
    app = FastAPI()

    @app.get("/health")
    async def health() -> dict[str, bool]:
        return {"ok": True}

    @app.post("/telegram/webhook")
    async def webhook(request: Request) -> Response:
        if request.headers.get("x-telegram-bot-api-secret-token") != secret:
            return Response(status_code=401)
        update = await request.json()
        message = update["message"]
        now = utcnow()
        async with engine.begin() as conn:
            await conn.execute(insert(InboxUpdate).values(
                source="telegram", chat_id=message["chat"]["id"], user_id=message["from"]["id"],
                update_id=update["update_id"], payload=update, status=QueueStatus.NEW, attempts=0, available_at=now,
                created_at=now, updated_at=now,
            ).on_conflict_do_nothing(index_elements=["source", "chat_id", "update_id"]))
        return JSONResponse({"ok": True})

    return app


def timed_sandbox_app() -> FastAPI:
    """sandbox.app.create_standalone_app (in memory), its messages stamped, and the two /bench routes."""
    from sandbox.app import create_standalone_app

    # open chats: bench_outbound writes to chats whose users never wrote to the bot (Telegram: "chat not found")
    app = create_standalone_app(None, open_chats=True)
    state = app.state.sandbox.state
    probe = Probe()
    add_message = state.add_message

    def add_and_stamp(chat_id: int, message_id: int, message: dict[str, Any]) -> Any:
        stored = add_message(chat_id, message_id, message)
        probe.record(chat_id, message_id, message)
        return stored

    state.add_message = add_and_stamp  # type: ignore[method-assign]

    bench = APIRouter()

    @bench.get("/bench/summary")
    async def summary() -> JSONResponse:
        return JSONResponse(probe.summary())

    @bench.get("/bench/timings")
    async def timings() -> JSONResponse:
        return JSONResponse(probe.dump())

    app.router.routes[0:0] = bench.routes  # ahead of the sandbox mounted at "/", which would take every path
    return app


def serve_sandbox(port: int) -> None:
    # keep-alive as long as a phase's pause: with uvicorn's 5 s a bot's pooled connection was closed by the server as
    # the bot reused it for its next getUpdates, and aiogram's polling (the bare bot's) slept 1 s after that error
    uvicorn.run(timed_sandbox_app(), host="127.0.0.1", port=port, log_level="warning", access_log=False,
                timeout_keep_alive=120)


async def note_work(session: Any, message: Any, settings: Any) -> tuple[str, int | None]:
    """The domain work the Secretary bot does for a text, minus the platform: user, item, its entry in the search
    index (what our bot's listener writes, core/ask/notes.py), reply text. Returns the reply and the id of the note
    to file (None when the text became something else)."""
    from bot.items.views import outcome_reply
    from core.ai import index
    from core.ask.notes import doc_of
    from core.db.base import utcnow
    from core.i18n import translator
    from core.items.models import ItemKind
    from core.items.questions import Result, handle_text
    from core.users.service import ensure_user

    sender = message.from_user
    user = await ensure_user(session, sender.id, first_name=sender.first_name, username=sender.username,
                             language_code=sender.language_code, default_language=settings.default_language,
                             default_timezone=settings.default_timezone)
    t = translator(user.language)
    outcome = await handle_text(session, user.id, user.timezone, message.text or "", now=utcnow(),
                                ttl=settings.clarification_ttl)
    if outcome.result == Result.CREATED:
        await index.put(session, doc_of(outcome.item))
    text, _markup = outcome_reply(outcome, t, user.timezone, retry=outcome.result == Result.ASKED)
    note = outcome.item if outcome.result == Result.CREATED and outcome.item.kind == ItemKind.NOTE else None
    return text, note.id if note is not None else None


async def file_work(sessions: Any, settings: Any, item_id: int) -> None:
    """The filing our bot's job does for a note when no forum group is set (core/topics/jobs.py, the same
    functions): read the note and what is due for embedding, classify and render the note and embed the due texts
    with the user's provider, store the filing, the vectors and the usage."""
    from core.ai.factory import build_provider
    from core.ai.jobs import EmbedAlong
    from core.ai.provider import UsageCollector
    from core.ai.service import file_note
    from core.ai.usage import record_all
    from core.topics import service
    from core.topics.jobs import note_to_file

    usage = UsageCollector()
    async with sessions() as read:
        note = await note_to_file(read, settings, item_id)
        if note is None:
            return
        provider = build_provider(note.choice, settings, recorder=usage)
        along = await EmbedAlong.read(read, provider, note.user.id)
        await read.commit()
    try:
        filed = await file_note(provider, note.text, language=note.language)
        await along.embed(provider)
    finally:
        await provider.aclose()
    async with sessions() as write:
        await record_all(write, note.user.id, usage.events)
        await along.store(write)
        await service.record_filing(write, user_id=note.user.id, item_id=item_id, text=note.text, filed=filed)
        await write.commit()


async def run_bare_bot(database_url: str, api_base: str, *, filing: bool = True,
                       stop: asyncio.Event | None = None) -> None:
    """Until SIGINT/SIGTERM, or until ``stop`` is set (a caller running it in its own process and loop)."""
    from aiogram import Bot, Dispatcher, F
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    from bot.telegram.filters import Magic
    from core.config import Settings
    from core.db.engine import make_engine, make_session_factory
    from core.logging import configure_logging

    configure_logging("WARNING")
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    engine = make_engine(database_url)
    sessions = make_session_factory(engine)
    bot = Bot(BOT_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base), limit=200))
    dp = Dispatcher()

    @dp.message(Magic(F.text), Magic(~F.text.startswith("/")))  # the same filters as our text handler
    async def save_note(message: Message) -> None:
        async with sessions() as session:
            text, note_id = await note_work(session, message, settings)
            await session.commit()
        await message.reply(text)
        if note_id is not None and filing:  # after the reply, as our bot's job runs after the commit
            await file_work(sessions, settings, note_id)

    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, close_bot_session=True))
    await stop.wait()
    await dp.stop_polling()
    await asyncio.wait_for(polling, timeout=15)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sb = sub.add_parser("sandbox")
    sb.add_argument("--port", type=int, required=True)
    bare = sub.add_parser("bare-bot")
    bare.add_argument("--database-url", required=True)
    bare.add_argument("--api-base", required=True)
    bare.add_argument("--no-filing", action="store_true", help="do not file notes (our bot always does)")
    args = parser.parse_args()
    if args.command == "sandbox":
        serve_sandbox(args.port)
    else:  # the same event loop as `secretary bot` (uvloop)
        aio.run(run_bare_bot(args.database_url, args.api_base, filing=not args.no_filing))


if __name__ == "__main__":
    main()
