"""The /ask job: answer a question over the user's own entries and notes, shown while it is generated.

Retrieval first (the question embedded by the user's provider, then ``core.ask.service.retrieve``: an exact figure
from SQL when the question asks for one, the entries and notes hybrid search finds); the figure leads the answer as
computed. A cloud provider then writes the answer in the second person from what was found; the offline ``local``
provider has no model, so the answer says so and lists what was found. The entries used are buttons that open them.

The answer streams from ``AIProvider.answer`` outside any transaction; every ``ASK_STREAM_INTERVAL`` seconds
(slower in groups) the placeholder message is edited with the text so far, each edit in its own short unit of
work so that the outbox sends it at once, and never while the previous one is still unsent. The job's own unit
of work writes the final text (split over several messages past 4,096 characters) and the usage.

Telegram's ``sendMessageDraft`` (aiogram 3.31 has it) would animate a draft instead, but the outbox sender
knows only sendMessage/editMessageText/editMessageReplyMarkup/deleteMessage/sendChatAction and the sandbox
does not emulate drafts, so we use throttled edits (see docs/topics.md).
"""

from __future__ import annotations

import html
from typing import Any

import structlog

from core.ai.errors import AIProviderError
from core.ai.factory import build_provider, choose
from core.ai.provider import UsageCollector
from core.ai.usage import record_all
from core.ask import service as answers
from core.ask import sources
from core.ask.presenter import ASK
from core.db.base import utcnow
from core.errors import error_text
from core.i18n import translator
from core.queue.jobs import JobContext, JobRegistry
from core.telegram.live import LiveMessage, edit_interval
from core.telegram.markdown import markdown_to_html
from core.telegram.split import split_formatted
from core.users.models import User

log = structlog.get_logger(__name__)


def live_message(ctx: JobContext, payload: dict[str, Any], key: str) -> LiveMessage:
    """The placeholder message, edited with the answer so far at most once per interval."""
    chat_id = int(payload["chat_id"])
    interval = edit_interval(chat_id, ctx.settings.ask_stream_interval, ctx.settings.outbox_group_per_minute)
    return LiveMessage(ctx.units, chat_id, payload["placeholder_outbox_id"], key, interval)


async def answer(ctx: JobContext) -> None:
    settings, job, payload = ctx.settings, ctx.job, ctx.job.payload
    question, chat_id = str(payload["question"]), int(payload["chat_id"])
    async with ctx.units.unit_of_work() as read:
        user = await read.get(User, job.user_id)
        if user is None:
            return
        language = user.language
        choice = await choose(read, settings, user.id, "ai")
        await sources.catch_up(read, user.id)
    t = translator(language)
    usage = UsageCollector()
    provider = build_provider(choice, settings, recorder=usage)
    live = live_message(ctx, payload, f"ask:{job.id}:{job.attempts}")
    text, error, found = "", None, None
    try:
        vector, model = await answers.question_vector(provider, question)
        async with ctx.units.read_only() as read:
            found = await answers.retrieve(read, user, question, now=utcnow(), vector=vector, model=model,
                                           limit=settings.ask_context_items,
                                           newest_if_none=provider.name != "local")
        if provider.name == "local":  # no model: it says so, then the figure and what was found
            stream = answers.offline_answer(found, t)
        else:  # the figure as computed leads; the model writes the rest
            text = answers.lead(found, t)
            stream = provider.answer(question, answers.context_lines(found, t), language=language)
        async for piece in stream:
            text += piece
            await live.update(text)
    except AIProviderError as exc:
        log.warning("ask.provider_error", job_id=job.id, provider=exc.provider, code=exc.code)
        error = exc
    finally:
        await provider.aclose()

    await record_all(ctx.session, user.id, usage.events)
    # the model writes Markdown: the final answer is shown formatted (HTML), split where it must keeping it valid
    final = markdown_to_html(text.strip()) if text.strip() else ""
    if error is not None:
        failed = html.escape(error_text(error, t), quote=False)
        final = f"{final}\n\n{failed}" if final else failed
    parts, mode = split_formatted(final or html.escape(t("ask.empty"), quote=False), "HTML")
    markup = None
    if error is None and found is not None and text.strip():
        cited = [{"source": h.source, "id": h.source_id, "number": h.number, "title": h.title} for h in found.cited]
        filters = found.fact.filters if found.fact is not None else {}
        markup = ctx.presenters.get(ASK).answer_markup(cited, filters, t, base_url=settings.base_url,
                                                       private=chat_id > 0)
    outbox = ctx.outbox()
    target = payload.get("placeholder_outbox_id")
    last = len(parts) - 1
    if target is None:
        await outbox.send_message(chat_id, parts[0], parse_mode=mode, reply_markup=markup if last == 0 else None)
    else:
        await outbox.edit_text(chat_id, parts[0], outbox_id=target, parse_mode=mode,
                               reply_markup=markup if last == 0 else None)
    for position, part in enumerate(parts[1:], start=1):
        await outbox.send_message(chat_id, part, parse_mode=mode, reply_markup=markup if position == last else None)


async def on_dead(ctx: JobContext, error: str) -> None:
    payload = ctx.job.payload
    user = await ctx.session.get(User, ctx.job.user_id) if ctx.job.user_id is not None else None
    t = translator(user.language if user else ctx.settings.default_language)
    log.warning("ask.dead", job_id=ctx.job.id, error=error[:200])
    outbox = ctx.outbox("dead-job")
    if payload.get("placeholder_outbox_id") is None:
        await outbox.send_message(payload["chat_id"], t("ask.failed"), parse_mode=None)
        return
    await outbox.edit_text(payload["chat_id"], t("ask.failed"), outbox_id=payload["placeholder_outbox_id"],
                           parse_mode=None)


def register(registry: JobRegistry) -> None:
    registry.register(answers.ASK_JOB, answer, on_dead)
