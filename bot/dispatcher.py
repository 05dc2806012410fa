"""Build the aiogram Dispatcher: the error boundary, the middlewares, and every app's router, in one place."""

from __future__ import annotations

from aiogram import Dispatcher, F, Router
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
from bot.telegram.filters import Magic
from bot.topics import router as topics
from bot.voice import router as voice
from core.errors import DomainError


def build_dispatcher() -> Dispatcher:
    dp = Dispatcher()
    dp.update.outer_middleware(UserMiddleware())
    dp.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    # The apps whose messages are only commands, in one group that a message which is no command skips at once: a
    # note passed each of their routers and every Command filter in them before (about 1 ms of a reply's CPU). Their
    # order among themselves is kept; no command of theirs is another app's, so going first changes no answer. Their
    # buttons (callback queries) are not behind the filter.
    commands = Router(name="commands")
    commands.message.filter(Magic(F.text.startswith("/") | F.caption.startswith("/")))  # as aiogram's Command reads
    commands.include_router(platform.build_router())
    commands.include_router(minis.build_router())
    commands.include_router(ai.build_router())
    commands.include_router(calendar.build_router())
    commands.include_router(reminders.build_router())
    commands.include_router(topics.build_router())
    commands.include_router(ask.build_router())
    commands.include_router(items_commands.build_router())
    dp.include_router(commands)
    # the apps that take other messages too, in their order, before the items' catch-all text router
    dp.include_router(voice.build_router())
    dp.include_router(documents.build_router())  # after voice: audio documents are the voice app's
    dp.include_router(journal.build_router())  # before the items: its text handler takes records only
    dp.include_router(items.build_router())  # any text not taken above becomes an item
    dp.include_router(fallback.build_router())  # last: what no app took gets a hint to /help
    return dp
