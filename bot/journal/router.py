"""The journal in chat: a text that records something done, bought, spent or met becomes a proposal card (before the
items' catch-all text router, which keeps plans and notes); ``/j text`` forces one; ``/again #ID`` repeats an entry;
the card's buttons; "save as entry" under a note; ``/stats`` (the dashboard's chart as a picture) and ``/journal``
(where the messages that are not plans go)."""

from __future__ import annotations

import datetime as dt

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.journal import views
from bot.journal.callbacks import ProposalCb, RoutingCb
from bot.telegram.filters import ForThisBot, Magic
from bot.telegram.replies import edit_pressed
from bot.telegram.switches import NoteToEntryCb
from core.db.base import utcnow
from core.i18n import Translator
from core.journal import capture, chat, proposals, service, stats_picture
from core.journal.models import Routing
from core.runtime import Runtime
from core.telegram.outbox import Outbox
from core.users.models import User

PRESENTER = views.JournalViews()
# /journal's argument: the routing's name, in either language
ROUTING_WORDS = {"auto": Routing.AUTO, "авто": Routing.AUTO, "journal": Routing.JOURNAL, "дневник": Routing.JOURNAL,
                 "журнал": Routing.JOURNAL, "notes": Routing.NOTES, "note": Routing.NOTES,
                 "заметки": Routing.NOTES}


def _chat(chat_id: int, message_id: int | None, outbox: Outbox, t: Translator) -> capture.Chat:
    return capture.Chat(chat_id=chat_id, message_id=message_id, outbox=outbox, presenter=PRESENTER, t=t)


async def _is_record(message: Message, said: str, session: AsyncSession, user: User, now: dt.datetime) -> bool:
    """A record for the journal (by the user's routing), not a plan or a note: an async filter."""
    return await chat.goes_to_journal(session, user, said, now)


async def on_record(message: Message, said: str, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                    runtime: Runtime, now: dt.datetime) -> None:
    """A record, or a message that is only a link (its page is read in a job)."""
    source = "url" if chat.only_url(said) else "text"
    await capture.propose(session, runtime.settings, user, said, _chat(message.chat.id, message.message_id, outbox, t),
                          source=source, now=now)


async def _is_receipt(message: Message, said: str, session: AsyncSession, user: User) -> bool | dict[str, str]:
    """A photo for the journal (not part of an album): captioned "/j …", a record's caption, or any photo when the
    user's routing sends everything to the journal. Other photos stay items."""
    if message.media_group_id is not None:
        return False
    caption = said.strip()
    if caption == "/j" or caption.startswith("/j "):
        return {"said": caption[2:].strip()}
    if await service.routing(session, user) == Routing.JOURNAL and not caption:
        return True
    return bool(caption) and await chat.goes_to_journal(session, user, caption, utcnow())


async def on_photo(message: Message, said: str, session: AsyncSession, outbox: Outbox, user: User, t: Translator,
                   runtime: Runtime) -> None:
    """A receipt (or a product, a place): read in a job from the photo itself."""
    assert message.photo  # the filter
    await capture.propose(session, runtime.settings, user, said, _chat(message.chat.id, message.message_id, outbox, t),
                          source="photo", now=utcnow(), photo_file_ids=[message.photo[-1].file_id])


async def on_j(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
               t: Translator, runtime: Runtime) -> None:
    """/j text: an entry, whatever the routing would say."""
    text = (command.args or "").strip()
    if not text:
        await outbox.send_message(message.chat.id, t("journal.j.usage"), parse_mode=None)
        return
    await capture.propose(session, runtime.settings, user, text, _chat(message.chat.id, message.message_id, outbox, t),
                          source="text", now=utcnow())


async def on_again(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                   t: Translator, runtime: Runtime) -> None:
    """/again #ID: the entry again, dated today, as a card to adjust and save."""
    if not (command.args or "").strip():
        await outbox.send_message(message.chat.id, t("journal.again.usage"), parse_mode=None)
        return
    entry = await proposals.entry_by_number(session, user, command.args or "")
    day = service.today(user, utcnow())
    await capture.propose_drafts(session, runtime.settings, user, [proposals.again_draft(entry, day)],
                                 _chat(message.chat.id, message.message_id, outbox, t), source="again",
                                 text=entry.title, day=day)


async def on_card_button(query: CallbackQuery, callback_data: ProposalCb, session: AsyncSession, outbox: Outbox,
                         user: User, t: Translator) -> None:
    """Save / Cancel / Save as note under a card; a closed card answers with its error (a toast)."""
    if callback_data.action == "save":
        proposal, entries = await proposals.save(session, user, callback_data.proposal_id, now=utcnow())
        reply = views.saved_reply(proposal, entries, t)
    elif callback_data.action == "note":
        _, note = await proposals.keep_as_note(session, user, callback_data.proposal_id)
        reply = views.noted_reply(note, t)
    else:
        reply = views.cancelled_reply(await proposals.cancel(session, user, callback_data.proposal_id), t)
    await query.answer()
    await edit_pressed(query, outbox, *reply)


async def on_note_to_entry(query: CallbackQuery, callback_data: NoteToEntryCb, session: AsyncSession,
                           outbox: Outbox, user: User, t: Translator, runtime: Runtime) -> None:
    """"Save as entry" under a note: a card of the note's words, or of its photos read as receipts (the note closes
    once the entries are saved)."""
    note = await proposals.note_to_propose(session, user, callback_data.item_id)
    message = query.message
    chat_id = message.chat.id if message else user.id
    message_id = message.message_id if message else None
    await query.answer()
    if message_id is not None:
        await outbox.edit_markup(chat_id, message_id=message_id)
    await capture.propose(session, runtime.settings, user, note.text, _chat(chat_id, message_id, outbox, t),
                          source=note.source, now=utcnow(), note_item_id=callback_data.item_id,
                          photo_file_ids=note.photos)


async def on_stats(message: Message, session: AsyncSession, user: User) -> None:
    """/stats: the dashboard's key chart as a picture (drawn and sent by a job)."""
    await stats_picture.request(session, user, message.chat.id, private=message.chat.type == "private",
                                key=f"{message.chat.id}:{message.message_id}")


async def on_journal(message: Message, command: CommandObject, session: AsyncSession, outbox: Outbox, user: User,
                     t: Translator, runtime: Runtime) -> None:
    """/journal: where the messages that are not plans go, with buttons to switch; ``/journal notes`` switches."""
    word = (command.args or "").strip().casefold()
    if word and word not in ROUTING_WORDS:
        await outbox.send_message(message.chat.id, t("journal.routing.usage"), parse_mode=None)
        return
    if word:
        await service.update_settings(session, user, routing_name=ROUTING_WORDS[word].value, currency=None)
    current = await service.routing(session, user)
    text, markup = views.routing_reply(current, t, runtime.settings.base_url, private=message.chat.type == "private")
    await outbox.send_message(message.chat.id, text, reply_markup=markup, parse_mode=None)


async def on_routing_button(query: CallbackQuery, callback_data: RoutingCb, session: AsyncSession, outbox: Outbox,
                            user: User, t: Translator, runtime: Runtime) -> None:
    await service.update_settings(session, user, routing_name=callback_data.routing, currency=None)
    private = query.message is not None and query.message.chat.type == "private"
    await query.answer(t("journal.routing.changed"))
    await edit_pressed(query, outbox, *views.routing_reply(Routing(callback_data.routing), t,
                                                           runtime.settings.base_url, private=private))


def build_router() -> Router:
    """A fresh router; include it before the items' routers (its text handler takes records only)."""
    router = Router(name="journal")
    router.message(Magic(F.photo), ForThisBot(), _is_receipt)(on_photo)  # first: "/j" may be a photo's caption
    router.message(Command("j"))(on_j)
    router.message(Command("again"))(on_again)
    router.message(Command("stats"))(on_stats)
    router.message(Command("journal"))(on_journal)
    router.callback_query(RoutingCb.filter())(on_routing_button)
    router.callback_query(ProposalCb.filter())(on_card_button)
    router.callback_query(NoteToEntryCb.filter())(on_note_to_entry)
    router.message(Magic(F.text), Magic(~F.text.startswith("/")), ForThisBot(), _is_record)(on_record)
    return router
