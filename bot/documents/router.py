"""Documents in the bot: a PDF (Markdown, HTML, JSON) sent in the chat is read by a job and becomes a chat of its own;
a question ending in "?" goes to the current documents chat and its answer streams in with citation buttons; a
button sends the page region the answer relied on. /docs lists documents and chats, /mode simple|complex, /role."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.documents.callbacks import CiteCb, DocChatCb, RoleCb
from bot.documents.views import chats_keyboard, chats_text, roles_keyboard
from bot.telegram.filters import Magic
from core.documents import prompts, reading
from core.documents import service as documents
from core.i18n import Translator
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User


async def _is_document_to_read(message: Message) -> bool:
    """An async filter: aiogram runs a plain function in a thread."""
    doc = message.document
    if doc is None or (doc.mime_type or "").startswith("audio/"):
        return False
    return reading.supported(doc.file_name or "", doc.mime_type)


async def _asks_documents(message: Message, session: AsyncSession, user: User) -> bool | dict[str, int]:
    """A question while a documents chat is current: the handler gets its id as ``doc_chat_id``."""
    if not documents.is_question(message.text):
        return False
    chat_id = await documents.active_chat(session, user.id)
    return {"doc_chat_id": chat_id} if chat_id is not None else False


async def on_document(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                      runtime: Runtime) -> None:
    doc = message.document
    assert doc is not None  # the filter
    chat_id = message.chat.id
    progress_id = await outbox.send_message(chat_id, t("documents.received", name=documents.clean_name(doc.file_name)),
                                            parse_mode=None, reply_to=message.message_id)
    await documents.receive_telegram(session, runtime.settings, user.id, chat_id=chat_id,
                                     message_id=message.message_id, tg_file_id=doc.file_id, name=doc.file_name,
                                     mime_type=doc.mime_type, size=doc.file_size, progress_outbox_id=progress_id)


async def on_question(message: Message, doc_chat_id: int, session: AsyncSession, outbox: Outbox, user: User,
                      t: Translator, runtime: Runtime) -> None:
    placeholder = await outbox.send_message(message.chat.id, t("documents.thinking"), parse_mode=None,
                                            reply_to=message.message_id)
    await documents.ask_in_bot(session, runtime.settings, user.id, doc_chat_id, message.chat.id, message.text or "",
                               placeholder)


async def docs(message: Message, session: AsyncSession, outbox: Outbox, user: User, t: Translator) -> None:
    found = await documents.overview(session, user.id)
    await outbox.send_message(message.chat.id, chats_text(found.chats, found.files, found.current, t),
                              parse_mode=None, reply_markup=chats_keyboard(found.chats))


async def pick_chat(query: CallbackQuery, callback_data: DocChatCb, session: AsyncSession, user: User,
                    t: Translator, runtime: Runtime) -> None:
    chat = await documents.select_chat(session, user.id, callback_data.chat_id,
                                       runtime.settings.documents_question_ttl)
    await query.answer(t("documents.chat_selected", title=chat.title))


async def mode(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    wanted = (command.args or "").strip().lower()
    if not wanted:
        prefs = await documents.user_settings(session, user.id)
        await outbox.send_message(message.chat.id, t("documents.mode.current", mode=prefs.model_profile),
                                  parse_mode=None)
        return
    prefs = await documents.update_settings(session, user.id, model_profile=wanted)
    await outbox.send_message(message.chat.id, t("documents.mode.set", mode=prefs.model_profile), parse_mode=None)


async def role(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator) -> None:
    wanted = (command.args or "").strip()
    if not wanted:
        current = await documents.role_of(session, await documents.user_settings(session, user.id))
        name = current.name if current is not None else t("documents.role.none")
        await outbox.send_message(message.chat.id, t("documents.role.current", role=name), parse_mode=None,
                                  reply_markup=roles_keyboard(await prompts.roles(session), t))
        return
    none = wanted.casefold() in ("none", "нет", t("documents.role.none"))
    await documents.update_settings(session, user.id, role=None if none else wanted, clear_role=none)
    await outbox.send_message(message.chat.id, t("documents.role.set", role=t("documents.role.none") if none
                                                 else wanted), parse_mode=None)


async def pick_role(query: CallbackQuery, callback_data: RoleCb, session: AsyncSession, user: User,
                    t: Translator) -> None:
    none = callback_data.role_id == 0
    await documents.update_settings(session, user.id, role=None if none else callback_data.role_id, clear_role=none)
    current = await documents.role_of(session, await documents.user_settings(session, user.id))
    await query.answer(t("documents.role.set", role=current.name if current is not None else t("documents.role.none")))


async def cite(query: CallbackQuery, callback_data: CiteCb, session: AsyncSession, user: User,
               runtime: Runtime) -> None:
    if query.message is None:
        await query.answer()
        return
    await documents.request_zoom(session, runtime.settings, user.id, query.message.chat.id, callback_data.block_id,
                                 pressed=query.id)
    await query.answer()


def build_router() -> Router:
    router = Router(name="documents")
    router.message(Magic(F.document), _is_document_to_read)(on_document)
    router.message(Command("docs"))(docs)
    router.message(Command("mode"))(mode)
    router.message(Command("role"))(role)
    router.message(Magic(F.text), _asks_documents)(on_question)
    router.callback_query(DocChatCb.filter())(pick_chat)
    router.callback_query(RoleCb.filter())(pick_role)
    router.callback_query(CiteCb.filter())(cite)
    return router
