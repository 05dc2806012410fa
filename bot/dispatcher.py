"""Build the aiogram Dispatcher: routers composed in one place, middlewares attached."""

from __future__ import annotations

from aiogram import Dispatcher

from bot.middlewares import UserMiddleware
from bot.routers import minis, notes, platform


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.update.outer_middleware(UserMiddleware())
    dp.include_router(platform.build_router())
    # app routers are included here, before the catch-all notes router
    dp.include_router(minis.build_router())
    dp.include_router(notes.build_router())
    return dp
