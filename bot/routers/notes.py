"""Plain text becomes a note (the last router: anything no other router took)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.items.service import create_note
from core.telegram.outbox import Outbox
from core.users.models import User


async def save_note(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    item = await create_note(session, user.id, message.text or "")
    await outbox.send_message(message.chat.id, t("note.saved", number=item.number), reply_to=message.message_id,
                              parse_mode=None, ref=f"item:{item.id}")


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only)."""
    router = Router(name="notes")
    router.message(F.text, ~F.text.startswith("/"))(save_note)
    return router
