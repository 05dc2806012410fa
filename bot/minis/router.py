"""/minis: a summary of your miniatures collection and buttons that open the Mini App."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import InlineKeyboardMarkup, Message, WebAppInfo
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.minis import service
from core.minis.schemas import MiniTypeOut
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

RECENT = 5
STAGE_ORDER = ("IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE")


def _keyboard(base_url: str, t: Translator, recent: list[MiniTypeOut]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("minis.button"), web_app=WebAppInfo(url=f"{base_url}/app/#/minis"))
    for mini in recent:
        kb.button(text=mini["name"][:40], web_app=WebAppInfo(url=f"{base_url}/app/#/minis/types/{mini['id']}"))
    kb.adjust(1)
    return kb.as_markup()


def _summary(t: Translator, types: list[MiniTypeOut]) -> str:
    if not types:
        return t("minis.empty")
    totals = {stage: sum(m["stage_counts"].get(stage, 0) for m in types) for stage in STAGE_ORDER}
    stages = ", ".join(f"{t('minis.stage.' + s)}: {totals[s]}" for s in STAGE_ORDER)
    return t("minis.summary", types=len(types), stages=stages)


async def minis(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                runtime: Runtime) -> None:
    types = await service.list_types(session, user.id)
    recent = sorted(types, key=lambda m: m["id"], reverse=True)[:RECENT]
    await outbox.send_message(message.chat.id, _summary(t, types), parse_mode=None,
                              reply_markup=_keyboard(runtime.settings.base_url, t, recent))


def build_router() -> Router:
    router = Router(name="minis")
    router.message(Command("minis"))(minis)
    return router
