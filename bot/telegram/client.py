"""Build the aiogram Bot for the configured Bot API server (Telegram, a local Bot API server, the sandbox)."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from core.config import Settings

# aiogram looks up Response[<result type>] on every call, and pydantic keeps a parametrized model only while
# something references it: without these references the class and its schema are rebuilt after every garbage
# collection (milliseconds of CPU each time, several times a second under load).
_RESPONSE_TYPES = tuple(
    methods.Response[method.__returning__]  # type: ignore[name-defined]
    for method in (methods.GetUpdates, methods.SendMessage, methods.EditMessageText, methods.DeleteMessage,
                   methods.SendChatAction, methods.AnswerCallbackQuery, methods.GetFile, methods.SendDocument,
                   methods.CreateForumTopic, methods.GetMe, methods.GetChatMember)
) + (methods.Response[list[dict[str, Any]]],)  # bot.ingress.RawGetUpdates


def build_bot(settings: Settings, api_base: str | None = None) -> Bot:
    base = (api_base or settings.effective_api_base).rstrip("/")
    server = TelegramAPIServer.from_base(base, is_local=settings.telegram_api_local)
    session = AiohttpSession(api=server, limit=200)
    return Bot(token=settings.bot_token, session=session)
