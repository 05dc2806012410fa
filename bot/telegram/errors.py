"""The bot's one error boundary: a DomainError raised by any handler becomes the user's localized message.

Handlers do not catch domain errors; the text is the code's entry in the app's catalog (``core.errors.error_text``,
shared with the web app). A pressed button gets it as a toast (an alert, with the buttons taken off, when the error
says the buttons have expired); a message gets it as a reply. Any other exception is not handled here: the update
fails and the inbox retries it.
"""

from __future__ import annotations

import structlog
from aiogram.types import ErrorEvent, Message

from core.errors import DomainError, error_text, has_text
from core.i18n import Translator
from core.telegram.outbox import Outbox

log = structlog.get_logger(__name__)


async def on_domain_error(event: ErrorEvent, outbox: Outbox, t: Translator) -> None:
    error = event.exception
    assert isinstance(error, DomainError)  # the handler is registered for DomainError only
    if not has_text(error, t):
        log.warning("bot.domain_error_without_text", code=error.code)
    text = error_text(error, t)
    update = event.update
    if update.callback_query is not None:
        query = update.callback_query
        await query.answer(text, show_alert=error.expired_buttons)
        pressed = query.message
        if error.expired_buttons and isinstance(pressed, Message) and pressed.reply_markup is not None:
            await outbox.edit_markup(pressed.chat.id, message_id=pressed.message_id)
    elif update.message is not None:
        await outbox.send_message(update.message.chat.id, text, parse_mode=None)
