"""Build the aiogram Dispatcher: the error boundary, the middlewares, and every app's router, in one place."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.filters import ExceptionTypeFilter

from bot.ai import router as ai
from bot.ask import router as ask
from bot.calendar import router as calendar
from bot.documents import router as documents
from bot.items import commands as items_commands
from bot.items import router as items
from bot.journal import router as journal
from bot.middlewares import UserMiddleware
from bot.minis import router as minis
from bot.platform import fallback
from bot.platform import router as platform
from bot.reminders import router as reminders
from bot.telegram.errors import on_domain_error
from bot.topics import router as topics
from bot.voice import router as voice
from core.errors import DomainError


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.update.outer_middleware(UserMiddleware())
    dp.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    dp.include_router(platform.build_router())
    # app routers are included here, before the items' catch-all text router
    dp.include_router(minis.build_router())
    dp.include_router(ai.build_router())
    dp.include_router(voice.build_router())
    dp.include_router(documents.build_router())  # after voice: audio documents are the voice app's
    dp.include_router(calendar.build_router())
    dp.include_router(reminders.build_router())
    dp.include_router(topics.build_router())
    dp.include_router(ask.build_router())
    dp.include_router(journal.build_router())  # before the items: its text handler takes records only
    dp.include_router(items_commands.build_router())
    dp.include_router(items.build_router())  # any text not taken above becomes an item
    dp.include_router(fallback.build_router())  # last: what no app took gets a hint to /help
    return dp
