"""Bot middlewares: the user of the update and their translator, put into handler data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from core.db.base import utcnow
from core.i18n import translator
from core.runtime import Runtime
from core.users.service import ensure_user


class UserMiddleware(BaseMiddleware):
    """Loads (or creates) the sender as a platform user; adds ``user``, ``t`` and ``now`` (the update's one moment, for
    the filters and the handler that read its text) to the handler data."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        runtime: Runtime = data["runtime"]
        data["now"] = utcnow()
        if tg_user is not None and not tg_user.is_bot:
            user = await ensure_user(
                data["session"], tg_user.id, first_name=tg_user.first_name, username=tg_user.username,
                language_code=tg_user.language_code, default_language=runtime.settings.default_language,
                default_timezone=runtime.settings.default_timezone,
                default_reminder_minutes=runtime.settings.reminder_default_minutes,
            )
            data["user"] = user
            data["t"] = translator(user.language)
        else:
            data["t"] = translator(runtime.settings.default_language)
        return await handler(event, data)
