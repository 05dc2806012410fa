"""What /minis shows: the collection in numbers and buttons that open the Mini App."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, WebAppInfo

from bot.telegram.keyboard import Keyboard
from core.i18n import Translator
from core.minis.schemas import MiniTypeOut

RECENT = 5
STAGE_ORDER = ("IN_BOX", "BUILDING", "PRIMING", "PAINTING", "DONE")


def keyboard(base_url: str, t: Translator, recent: list[MiniTypeOut]) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("minis.button"), web_app=WebAppInfo(url=f"{base_url}/app/#/minis"))
    for mini in recent:
        kb.button(text=mini["name"][:40], web_app=WebAppInfo(url=f"{base_url}/app/#/minis/types/{mini['id']}"))
    kb.adjust(1)
    return kb.as_markup()


def summary(t: Translator, types: list[MiniTypeOut]) -> str:
    if not types:
        return t("minis.empty")
    totals = {stage: sum(m["stage_counts"].get(stage, 0) for m in types) for stage in STAGE_ORDER}
    stages = ", ".join(f"{t('minis.stage.' + s)}: {totals[s]}" for s in STAGE_ORDER)
    return t("minis.summary", types=len(types), stages=stages)
