"""Build the aiogram Dispatcher: routers composed in one place, middlewares attached."""

from __future__ import annotations

from aiogram import Dispatcher

from bot.middlewares import UserMiddleware
from bot.routers import ai, ask, calendar, minis, platform, secretary, secretary_commands, topics, voice


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.update.outer_middleware(UserMiddleware())
    dp.include_router(platform.build_router())
    # app routers are included here, before the secretary's catch-all text router
    dp.include_router(minis.build_router())
    dp.include_router(ai.build_router())
    dp.include_router(voice.build_router())
    dp.include_router(calendar.build_router())
    dp.include_router(topics.build_router())
    dp.include_router(ask.build_router())
    dp.include_router(secretary_commands.build_router())
    dp.include_router(secretary.build_router())  # last: any text not taken above becomes an item
    return dp
