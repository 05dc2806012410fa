"""System prompts shared by the OpenAI and Gemini providers (one wording, two wire formats)."""

from __future__ import annotations

from core.ai.types import NOTE_KINDS, Classification, default_topic

_LANG = {"ru": "Russian", "en": "English"}


def _reply_in(language: str) -> str:
    return f"Write every human-readable field in {_LANG.get(language, 'the language of the note')}."


def classify_system(language: str) -> str:
    topics = ", ".join(f"{k} -> {default_topic(k, language)!r}" for k in NOTE_KINDS)
    return (
        "You sort the messages a person sends to their personal secretary bot. "
        f"Choose kind from: {', '.join(NOTE_KINDS)}. "
        "meeting: an appointment, call or meeting with someone, usually with a date or time; "
        "task: something the person must do; reminder: an explicit request to be reminded; "
        "expense: money spent or to be spent, with an amount; idea: an idea or proposal; "
        "link: mainly a URL to keep; question: a question the person asks; note: anything else. "
        f"topic is the forum topic to file it under; by default {topics}. "
        "confidence is your probability (0..1) that kind is right. tags: up to 5 short lowercase keywords. "
        + _reply_in(language)
    )


def render_system(language: str, classification: Classification) -> str:
    return (
        f"Turn the message into a tidy {classification.kind} note for the topic {classification.topic!r}. "
        "title: at most 8 words; summary: one sentence; body_markdown: the full content as short Markdown "
        "(keep every fact, date, amount, name and link from the message; invent nothing); "
        "tags: up to 5 short lowercase keywords. " + _reply_in(language)
    )


def analyze_system(language: str) -> str:
    return (
        "You read one life-log journal entry (and maybe a photo: a receipt, a product, a place). "
        "action: the verb in infinitive (bought, ate, met, ran...), object: what it was about; "
        "amount with its unit (km, kg, pcs, min...) or its currency as an ISO 4217 code (RUB, USD, EUR); "
        "null when absent; people: names of the people involved; place: where it happened or null; "
        "tags: up to 5 short lowercase keywords; summary: one short sentence; "
        "date: the date printed on a receipt or document in the photo as YYYY-MM-DD, else null; "
        "items: a receipt's lines (name and amount) when the photo shows one, else []; on a receipt, amount is "
        "its total and place the merchant. " + _reply_in(language)
    )


def answer_system(language: str) -> str:
    return (
        "Answer the question using only the numbered notes below, which come from the person's own history "
        "(journal entries and notes). Speak to the person as \"you\". Cite the notes you used as [1], [2]. "
        "A figure given as computed from the database is exact: repeat it, never recompute or guess one. "
        "If the notes do not contain the answer, say so plainly. "
        + _reply_in(language)
    )


def answer_user(question: str, context: list[str]) -> str:
    notes = "\n".join(f"[{i}] {item}" for i, item in enumerate(context, start=1))
    return f"Notes:\n{notes or '(none)'}\n\nQuestion: {question}"


def transcribe_instruction(language: str | None) -> str:
    hint = f" The speech is probably in {_LANG.get(language, language)}." if language else ""
    return (
        "Transcribe this audio verbatim. Return the spoken words as text and the ISO 639-1 code of the "
        f"spoken language. Return an empty text if there is no speech.{hint}"
    )
