"""The last router: whatever no app took still gets an answer.

A command the bot does not know, and any kind of message no app handles (a photo, a sticker, a location, a poll…),
get a short hint to /help; a button whose data no app accepts (an old keyboard, forged data) gets a toast that it is
out of date, so the user's client stops waiting. Service messages (someone joined, a pinned message…) get nothing,
and so do messages in a group that are not meant for the bot (``ForThisBot``).
Include this router last: it takes everything that reaches it.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message

from bot.telegram.filters import ForThisBot, Magic
from core.i18n import Translator
from core.telegram.outbox import Outbox

# What a person sends (as opposed to service messages). Text, voice and audio are the apps'; they land here only
# when no app took them.
SENT_BY_A_PERSON = frozenset({
    ContentType.TEXT, ContentType.ANIMATION, ContentType.AUDIO, ContentType.DOCUMENT, ContentType.LIVE_PHOTO,
    ContentType.PAID_MEDIA, ContentType.PHOTO, ContentType.STICKER, ContentType.STORY, ContentType.VIDEO,
    ContentType.VIDEO_NOTE, ContentType.VOICE, ContentType.CHECKLIST, ContentType.CONTACT, ContentType.DICE,
    ContentType.GAME, ContentType.POLL, ContentType.VENUE, ContentType.LOCATION, ContentType.WEB_APP_DATA,
})


async def _addressed_to_this_bot(message: Message, bot: Bot) -> bool:
    """``/cmd`` or ``/cmd@this_bot``; in a group ``/cmd@other_bot`` is another bot's business."""
    command = (message.text or "").split(maxsplit=1)[0]
    _, _, mention = command.partition("@")
    if not mention:
        return True
    me = await bot.me()
    return mention.casefold() == (me.username or "").casefold()


async def unknown_command(message: Message, bot: Bot, outbox: Outbox, t: Translator) -> None:
    if await _addressed_to_this_bot(message, bot):
        await outbox.send_message(message.chat.id, t("fallback.unknown_command"), parse_mode=None,
                                  reply_to=message.message_id)


async def unsupported(message: Message, outbox: Outbox, t: Translator) -> None:
    await outbox.send_message(message.chat.id, t("fallback.unsupported"), parse_mode=None,
                              reply_to=message.message_id)


async def app_data(message: Message, outbox: Outbox, t: Translator) -> None:
    """Data a Mini App sent that no app reads: named by the button that opened the app."""
    button = message.web_app_data.button_text if message.web_app_data else ""
    await outbox.send_message(message.chat.id, t("fallback.web_app_data", button=button), parse_mode=None,
                              reply_to=message.message_id)


async def stale_button(query: CallbackQuery, t: Translator) -> None:
    await query.answer(t("fallback.stale_button"))


def build_router() -> Router:
    """A fresh router (aiogram routers attach to one dispatcher only). Include it last."""
    router = Router(name="fallback")
    router.message(Magic(F.text.startswith("/")))(unknown_command)
    router.message(Magic(F.web_app_data))(app_data)
    router.message(Magic(F.content_type.in_(SENT_BY_A_PERSON)), ForThisBot())(unsupported)  # in a group: if meant
    router.callback_query()(stale_button)
    return router
