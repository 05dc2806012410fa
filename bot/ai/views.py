"""What /ai, /key and /usage show: the settings card with its buttons, and the usage summary."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.ai.callbacks import ForgetKeysCb, ProviderCb
from bot.telegram.keyboard import Keyboard
from core.ai.preferences import PROVIDERS, AISettings
from core.ai.usage import UsageSummary
from core.i18n import Translator
from core.users.models import User


def keyboard(t: Translator, user: User) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for purpose, current in (("ai", user.ai_provider), ("stt", user.stt_provider)):
        for provider in PROVIDERS:
            mark = "✓ " if current == provider else ""
            label = t(f"ai.purpose.{purpose}") + ": " + t(f"ai.provider.{provider}")
            kb.button(text=mark + label, callback_data=ProviderCb(purpose=purpose, provider=provider))
    kb.button(text=t("ai.forget_keys"), callback_data=ForgetKeysCb())
    kb.adjust(3, 3, 1)
    return kb.as_markup()


def _stt(settings: AISettings, t: Translator) -> tuple[str, str]:
    """Speech recognition as it really is: off without a key and an offline model, else who serves it."""
    stt = settings.stt
    if settings.stt_off:
        return t("ai.stt_off"), t("ai.source.stt_off")
    if stt.provider == "local":
        return t("ai.provider.local"), t("ai.source.stt_local")
    return t(f"ai.provider.{stt.provider}"), t(f"ai.source.{stt.key_source}")


def card(settings: AISettings, t: Translator) -> str:
    ai = settings.ai
    stt, stt_source = _stt(settings, t)
    return t(
        "ai.card",
        ai=t(f"ai.provider.{ai.provider}"), ai_source=t(f"ai.source.{ai.key_source}"),
        stt=stt, stt_source=stt_source,
        keys=", ".join(t(f"ai.provider.{p}") for p in settings.keys) or t("ai.no_keys"),
    )


def picked(settings: AISettings, purpose: str, provider: str, t: Translator) -> tuple[str, bool]:
    """The answer to a provider button (and whether it is an alert): "Saved." only when that provider now serves;
    else what a key would change, or that speech recognition stays off."""
    serving = settings.ai if purpose == "ai" else settings.stt
    if serving.provider != provider:  # a cloud provider without a key: offline serves meanwhile
        if purpose == "stt" and settings.stt_off:
            now = t("ai.stt_off")
        else:
            now = f"{t('ai.provider.local')} ({t('ai.source.none' if purpose == 'ai' else 'ai.source.stt_local')})"
        return t("ai.saved_needs_key", provider=t(f"ai.provider.{provider}"), word=provider, now=now), True
    if purpose == "stt" and settings.stt_off:
        return t("ai.saved_stt_off"), True
    return t("ai.saved"), False


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
