"""What the documents app shows in the bot: citation buttons (``DocumentsViews`` is core's ``DocumentsPresenter``),
the /docs list, the /role picker."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.documents.callbacks import CiteCb, DocChatCb, RoleCb
from bot.telegram.keyboard import Keyboard
from core.documents import texts
from core.documents.models import Chat, RolePrompt
from core.i18n import Translator


class DocumentsViews:
    def citations_markup(self, citations: list[dict[str, Any]], t: Translator) -> InlineKeyboardMarkup | None:
        if not citations:
            return None
        kb = Keyboard()
        for citation in citations:
            kb.button(text=texts.citation_label(citation, t), callback_data=CiteCb(block_id=citation["block_id"]))
        kb.adjust(1)
        return kb.as_markup()


def chats_text(chats: list[Chat], files: dict[int, int], current: Chat | None, t: Translator) -> str:
    if not chats:
        return t("documents.list.empty")
    lines = [t("documents.list.title")]
    lines += [t("documents.list.chat", title=chat.title, files=files.get(chat.id, 0)) for chat in chats]
    if current is not None:
        lines += ["", t("documents.list.current", title=current.title)]
    return "\n".join(lines)


def chats_keyboard(chats: list[Chat]) -> InlineKeyboardMarkup | None:
    if not chats:
        return None
    kb = Keyboard()
    for chat in chats:
        kb.button(text=f"💬 {chat.title[:40]}", callback_data=DocChatCb(chat_id=chat.id))
    kb.adjust(1)
    return kb.as_markup()


def roles_keyboard(roles: list[RolePrompt], t: Translator) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=t("documents.role.none"), callback_data=RoleCb(role_id=0))
    for role in roles:
        kb.button(text=role.name, callback_data=RoleCb(role_id=role.id))
    kb.adjust(1)
    return kb.as_markup()
