"""What /ai, /key and /usage show: the settings card with its buttons, and the usage summary."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.ai.callbacks import ForgetKeysCb, ProviderCb
from core.ai.preferences import PROVIDERS, AISettings
from core.ai.usage import UsageSummary
from core.i18n import Translator
from core.users.models import User


def keyboard(t: Translator, user: User) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for purpose, current in (("ai", user.ai_provider), ("stt", user.stt_provider)):
        for provider in PROVIDERS:
            mark = "✓ " if current == provider else ""
            label = t(f"ai.purpose.{purpose}") + ": " + t(f"ai.provider.{provider}")
            kb.button(text=mark + label, callback_data=ProviderCb(purpose=purpose, provider=provider))
    kb.button(text=t("ai.forget_keys"), callback_data=ForgetKeysCb())
    kb.adjust(3, 3, 1)
    return kb.as_markup()


def card(settings: AISettings, t: Translator) -> str:
    ai, stt = settings.ai, settings.stt
    return t(
        "ai.card",
        ai=t(f"ai.provider.{ai.provider}"), ai_source=t(f"ai.source.{ai.key_source}"),
        stt=t(f"ai.provider.{stt.provider}"), stt_source=t(f"ai.source.{stt.key_source}"),
        keys=", ".join(t(f"ai.provider.{p}") for p in settings.keys) or t("ai.no_keys"),
    )


def usage_text(summary: UsageSummary, t: Translator) -> str:
    if summary.is_empty:
        return t("ai.usage_empty")
    lines = [t("ai.usage_title")]
    for line in summary.lines:
        lines.append(t("ai.usage_line", provider=line.provider, model=line.model, operation=line.operation,
                       calls=line.calls, tokens=line.input_tokens + line.output_tokens,
                       audio=round(line.audio_seconds)))
    lines.append(t("ai.usage_total", calls=summary.total.calls,
                   tokens=summary.total.input_tokens + summary.total.output_tokens))
    return "\n".join(lines)
