"""Items made of chat messages: a text, a photo or a whole album becomes one item, an edit of its message changes it,
a forwarded message keeps where it came from. The chat adapter hands in plain values (core knows no aiogram).

The message that makes an item is written on the item (its chat, message and album ids); the further photos of its
album (one ``media_group_id``, one update each) join it and are linked to it (``ItemMessage``). An edit of any of
them re-reads the item's words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, insert
from sqlalchemy.ext.asyncio import AsyncSession

from core.db.base import utcnow
from core.db.engine import execute_core
from core.items import questions, repository
from core.items.models import Item, ItemMessage
from core.items.questions import Outcome, Result
from core.items.service import Origin


@dataclass(frozen=True)
class PhotoOutcome:
    outcome: Outcome
    joined: bool  # the photo joined an album's item made before (its reply is edited, not sent again)


# built once, plain SQL: each further photo of an album writes one (an ORM add and flush cost twice the CPU)
_LINK = insert(ItemMessage).values(item_id=bindparam("b_item"), chat_id=bindparam("b_chat"),
                                   message_id=bindparam("b_message"), media_group_id=bindparam("b_group"),
                                   created_at=bindparam("b_now"))


async def _link(session: AsyncSession, item: Item, origin: Origin) -> None:
    """A further message of the item's (an album's next photo)."""
    await execute_core(session, _LINK, {"b_item": item.id, "b_chat": origin.chat_id, "b_message": origin.message_id,
                                        "b_group": origin.media_group_id, "b_now": utcnow()})


async def _capture(session: AsyncSession, user_id: int, tz: str, text: str, origin: Origin, *, now: dt.datetime,
                   ttl: int, answers: bool) -> Outcome:
    """A new item made of the message (in its INSERT: its chat and id, a forward's source), or, when ``answers``, the
    answer to a pending question. A forwarded text is someone else's words: it answers no question."""
    if answers and origin.forwarded_from is None:
        return await questions.handle_text(session, user_id, tz, text, now=now, ttl=ttl, origin=origin)
    return await questions.capture(session, user_id, tz, text, now=now, ttl=ttl, origin=origin)


async def from_text(session: AsyncSession, user_id: int, tz: str, text: str, origin: Origin, *, now: dt.datetime,
                    ttl: int) -> Outcome:
    """A text the user sent: the answer to their pending question, or a new item made of it."""
    return await _capture(session, user_id, tz, text, origin, now=now, ttl=ttl, answers=True)


async def from_photo(session: AsyncSession, user_id: int, tz: str, caption: str, file_id: str, origin: Origin, *,
                     untitled: str, now: dt.datetime, ttl: int) -> PhotoOutcome:
    """A photo: a new item of its caption (a note titled ``untitled`` without one) holding the photo — or, when an
    item of its album exists already, one more photo of that item (a caption it brings becomes the item's words)."""
    album = None
    if origin.media_group_id is not None:
        album = await repository.by_media_group(session, user_id, origin.chat_id, origin.media_group_id)
    if album is None:
        outcome = await _capture(session, user_id, tz, caption, origin, now=now, ttl=ttl, answers=False)
        outcome.item.photos = [file_id]
        outcome.item.title = outcome.item.title or untitled
        await session.flush()
        return PhotoOutcome(outcome, joined=False)
    album.photos = [*album.photos, file_id]  # a new list: the JSON column sees the change
    await _link(session, album, origin)
    if caption and not album.text:
        outcome = await questions.reread(session, album, caption, tz, said_at=now, now=now, ttl=ttl)
        return PhotoOutcome(outcome, joined=True)
    await session.flush()
    question = await repository.pending_for(session, user_id)
    return PhotoOutcome(Outcome(Result.CREATED, album, question if question and question.item_id == album.id
                                else None), joined=True)


async def edited(session: AsyncSession, user_id: int, tz: str, text: str, chat_id: int, message_id: int, *,
                 untitled: str, said_at: dt.datetime, now: dt.datetime, ttl: int) -> Outcome | None:
    """The user edited a message: the item made of it takes the new words (and the date they say, read as of
    ``said_at``, when the message was first sent; a photo's caption emptied titles it ``untitled``); None when no
    item of theirs was made of that message."""
    item = await repository.by_message(session, user_id, chat_id, message_id)
    if item is None:
        return None
    outcome = await questions.reread(session, item, text, tz, said_at=said_at, now=now, ttl=ttl)
    if not item.title:
        item.title = untitled
        await session.flush()
    return outcome
