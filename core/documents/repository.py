"""Queries of the documents app. Every per-user query takes the user's id: another user's file or chat is not found."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from core.documents.models import (
    Chat,
    ChatAttachment,
    ChatEvent,
    ChatMessage,
    DocFile,
    FileBlock,
    FilePage,
    RolePrompt,
    SystemPrompt,
    SystemSetting,
    UserDocSettings,
)

# --- files --------------------------------------------------------------------------------------------------------


async def file_of(session: AsyncSession, user_id: int, file_id: int) -> DocFile | None:
    return await session.scalar(select(DocFile).where(DocFile.id == file_id, DocFile.user_id == user_id))


async def files_of(session: AsyncSession, user_id: int, limit: int = 50) -> list[DocFile]:
    """The user's files, the latest first."""
    rows = await session.scalars(select(DocFile).where(DocFile.user_id == user_id)
                                 .order_by(DocFile.id.desc()).limit(limit))
    return list(rows.all())


async def set_progress(session: AsyncSession, file_id: int, done: int) -> None:
    await session.execute(update(DocFile).where(DocFile.id == file_id).values(pages_done=done))


async def add_pages(session: AsyncSession, pages: Sequence[dict[str, Any]], blocks: Sequence[dict[str, Any]]) -> None:
    """Many rows in one statement each (executemany)."""
    if pages:
        await session.execute(insert(FilePage), list(pages))
    if blocks:
        await session.execute(insert(FileBlock), list(blocks))


async def page_of(session: AsyncSession, file_id: int, number: int) -> FilePage | None:
    return await session.scalar(select(FilePage).where(FilePage.file_id == file_id, FilePage.number == number))


# id, file, page, n, kind, text, box (4), the local vector, the provider's (or None)
BlockRow = tuple[int, int, int, int, str, str, float, float, float, float, bytes, bytes | None]


async def blocks_of(session: AsyncSession, file_ids: Sequence[int]) -> list[BlockRow]:
    rows = await session.execute(
        select(FileBlock.id, FileBlock.file_id, FileBlock.page, FileBlock.number, FileBlock.kind, FileBlock.text,
               FileBlock.x0, FileBlock.y0, FileBlock.x1, FileBlock.y1, FileBlock.embedding, FileBlock.semantic)
        .where(FileBlock.file_id.in_(list(file_ids))).order_by(FileBlock.id))
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def block_of(session: AsyncSession, user_id: int, block_id: int) -> tuple[FileBlock, DocFile] | None:
    row = (await session.execute(
        select(FileBlock, DocFile).join(DocFile, DocFile.id == FileBlock.file_id)
        .where(FileBlock.id == block_id, DocFile.user_id == user_id))).first()
    return (row[0], row[1]) if row is not None else None


# --- chats --------------------------------------------------------------------------------------------------------


async def chat_of(session: AsyncSession, user_id: int, chat_id: int, *, lock: bool = False) -> Chat | None:
    query = select(Chat).where(Chat.id == chat_id, Chat.user_id == user_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def chats_of(session: AsyncSession, user_id: int, limit: int = 20) -> list[Chat]:
    rows = await session.scalars(select(Chat).where(Chat.user_id == user_id)
                                 .order_by(Chat.updated_at.desc(), Chat.id.desc()).limit(limit))
    return list(rows.all())


async def messages_of(session: AsyncSession, chat_id: int, tail: int | None = None) -> list[ChatMessage]:
    query = select(ChatMessage).where(ChatMessage.chat_id == chat_id).order_by(ChatMessage.id.desc())
    if tail is not None:
        query = query.limit(tail)
    return list(reversed((await session.scalars(query)).all()))


async def message_of(session: AsyncSession, chat_id: int, message_id: int) -> ChatMessage | None:
    return await session.scalar(select(ChatMessage).where(ChatMessage.id == message_id,
                                                          ChatMessage.chat_id == chat_id))


async def streaming_answer(session: AsyncSession, chat_id: int) -> ChatMessage | None:
    return await session.scalar(select(ChatMessage).where(ChatMessage.chat_id == chat_id,
                                                          ChatMessage.status == "streaming").limit(1))


async def latest_answer(session: AsyncSession, chat_id: int) -> ChatMessage | None:
    return await session.scalar(select(ChatMessage).where(ChatMessage.chat_id == chat_id,
                                                          ChatMessage.role == "assistant")
                                .order_by(ChatMessage.id.desc()).limit(1))


async def attached_files(session: AsyncSession, chat_id: int) -> list[DocFile]:
    rows = await session.scalars(select(DocFile).join(ChatAttachment, ChatAttachment.file_id == DocFile.id)
                                 .where(ChatAttachment.chat_id == chat_id).order_by(ChatAttachment.id))
    return list(rows.all())


async def attachment(session: AsyncSession, chat_id: int, file_id: int) -> ChatAttachment | None:
    return await session.scalar(select(ChatAttachment).where(ChatAttachment.chat_id == chat_id,
                                                             ChatAttachment.file_id == file_id))


async def attached_pairs(session: AsyncSession, user_id: int) -> list[tuple[int, int]]:
    """(chat id, file id) of every attachment in the user's chats, in the order they were attached."""
    rows = await session.execute(select(ChatAttachment.chat_id, ChatAttachment.file_id)
                                 .join(Chat, Chat.id == ChatAttachment.chat_id)
                                 .where(Chat.user_id == user_id).order_by(ChatAttachment.id))
    return [(chat_id, file_id) for chat_id, file_id in rows.all()]


async def answers_in_chats_with(session: AsyncSession, user_id: int, file_id: int, limit: int
                                ) -> list[tuple[ChatMessage, Chat, str | None]]:
    """The finished answers, latest first, of the user's chats the file is attached to, each with its chat and its
    question (the user's message before it in the chat)."""
    asked = aliased(ChatMessage)
    question = (select(asked.content).where(asked.chat_id == ChatMessage.chat_id, asked.role == "user",
                                            asked.id < ChatMessage.id)
                .order_by(asked.id.desc()).limit(1).correlate(ChatMessage).scalar_subquery())
    rows = await session.execute(
        select(ChatMessage, Chat, question).join(Chat, Chat.id == ChatMessage.chat_id)
        .join(ChatAttachment, ChatAttachment.chat_id == Chat.id)
        .where(Chat.user_id == user_id, ChatAttachment.file_id == file_id, ChatMessage.role == "assistant",
               ChatMessage.status == "done")
        .order_by(ChatMessage.id.desc()).limit(limit))
    return [(message, chat, text) for message, chat, text in rows.all()]


async def attachment_counts(session: AsyncSession, chat_ids: Sequence[int]) -> dict[int, int]:
    rows = await session.execute(select(ChatAttachment.chat_id, func.count()).where(
        ChatAttachment.chat_id.in_(list(chat_ids))).group_by(ChatAttachment.chat_id))
    return {chat_id: n for chat_id, n in rows.all()}


# --- streamed events ----------------------------------------------------------------------------------------------


async def add_events(session: AsyncSession, chat_id: int, message_id: int,
                     events: Sequence[tuple[str, dict[str, Any]]]) -> None:
    session.add_all([ChatEvent(chat_id=chat_id, message_id=message_id, event=event, data=data)
                     for event, data in events])
    await session.flush()


async def events_after(session: AsyncSession, chat_id: int, after: int, limit: int = 500) -> list[ChatEvent]:
    rows = await session.scalars(select(ChatEvent).where(ChatEvent.chat_id == chat_id, ChatEvent.id > after)
                                 .order_by(ChatEvent.id).limit(limit))
    return list(rows.all())


async def delete_old_events(session: AsyncSession, before: datetime, limit: int) -> int:
    """Delete up to ``limit`` events made before ``before``, oldest first, but none of an answer being written;
    how many."""
    ids = list((await session.scalars(
        select(ChatEvent.id).join(ChatMessage, ChatMessage.id == ChatEvent.message_id)
        .where(ChatEvent.created_at < before, ChatMessage.status != "streaming")
        .order_by(ChatEvent.id).limit(limit))).all())
    if ids:
        await session.execute(delete(ChatEvent).where(ChatEvent.id.in_(ids)))
    return len(ids)


async def drop_events(session: AsyncSession, message_id: int) -> None:
    await session.execute(delete(ChatEvent).where(ChatEvent.message_id == message_id))


# --- settings and prompts -----------------------------------------------------------------------------------------


async def user_settings(session: AsyncSession, user_id: int) -> UserDocSettings | None:
    return await session.get(UserDocSettings, user_id)


async def system_settings(session: AsyncSession) -> dict[str, Any]:
    return {row.key: row.value for row in (await session.scalars(select(SystemSetting))).all()}


async def put_system_setting(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(SystemSetting, key)
    if row is None:
        session.add(SystemSetting(key=key, value=value))
    else:
        row.value = value
    await session.flush()


P = TypeVar("P", SystemPrompt, RolePrompt)  # the system prompts and the roles have the same versioned shape


async def active_prompts(session: AsyncSession, model: type[P]) -> list[P]:
    rows = await session.scalars(select(model).where(model.is_active.is_(True)).order_by(model.name))
    return list(rows.all())


async def prompt_versions(session: AsyncSession, model: type[P], name: str | None = None) -> list[P]:
    query = select(model).order_by(model.name, model.version)
    if name is not None:
        query = query.where(model.name == name)
    return list((await session.scalars(query)).all())


async def prompt_by_id(session: AsyncSession, model: type[P], prompt_id: int) -> P | None:
    return await session.get(model, prompt_id)


async def prompt_version(session: AsyncSession, model: type[P], name: str, version: int) -> P | None:
    return await session.scalar(select(model).where(model.name == name, model.version == version))


async def last_version(session: AsyncSession, model: type[P], name: str) -> int:
    return int(await session.scalar(select(func.max(model.version)).where(model.name == name)) or 0)


async def deactivate(session: AsyncSession, model: type[P], name: str, now: datetime) -> None:
    await session.execute(update(model).where(model.name == name, model.is_active.is_(True))
                          .values(is_active=False, updated_at=now))


async def last_event_id(session: AsyncSession, chat_id: int, *, before: int | None = None) -> int:
    """The chat's last event, or (``before``: an answer's id) the last event of the answers before that one."""
    query = select(func.max(ChatEvent.id)).where(ChatEvent.chat_id == chat_id)
    if before is not None:
        query = query.where(ChatEvent.message_id < before)
    return int(await session.scalar(query) or 0)
