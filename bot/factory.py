"""Build the aiogram Bot for the configured Bot API server (Telegram, a local Bot API server, the sandbox)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from core.config import Settings


def build_bot(settings: Settings, api_base: str | None = None) -> Bot:
    base = (api_base or settings.effective_api_base).rstrip("/")
    server = TelegramAPIServer.from_base(base, is_local=settings.telegram_api_local)
    session = AiohttpSession(api=server, limit=200)
    return Bot(token=settings.bot_token, session=session)
