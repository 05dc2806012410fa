"""What kind of item a text is (note, task, meeting, reminder) and what its title is. Pure functions.

Rules, first match wins:

1. "напомни …", "напомнить …", "remind me …", "reminder: …" → reminder (the request words leave the title);
2. a meeting word (встреча, созвон, звонок, совещание, обед с …, meeting, call with, lunch with …) → meeting;
3. a task word (надо, нужно, купить, сделать, todo, buy, need to …) → task;
4. a time (certain, or the two readings of "в 9"; a time always comes with its date) → meeting;
5. anything else → note.
"""

from __future__ import annotations

import re

from core.dates import ParsedDate
from core.items.models import ItemKind

TITLE_MAX = 120

_W = r"(?<![\w-])"  # word start (no \b: it treats "ё" and friends badly in some patterns)
_E = r"(?![\w-])"  # word end

_REMINDER = re.compile(
    r"^\s*(?:пожалуйста\s*,?\s*)?"
    r"(?:напомн(?:и|ите|ить)(?:\s+(?:мне|нам))?|напоминание|(?:please\s+)?remind\s+me|reminder)(?![\w-])"
    r"\s*[,:\-]?\s*(?:пожалуйста\s*,?\s*)?"
    r"(?:(?:о\s+том,?\s+)?что(?:\s+(?:надо|нужно))?\s+|to\s+|about\s+|that\s+)?",
    re.IGNORECASE,
)

_MEETING = re.compile(
    rf"{_W}(?:встреч[аиеуой]\w*|встретиться|созвон\w*|звонок|звонк[аеуиом]\w*|видеозвон\w*|митинг\w*"
    rf"|совещани\w*|переговор\w*|собеседовани\w*|планёрк\w*|планерк\w*|конференц-?колл\w*"
    rf"|(?:обед|ужин|завтрак|кофе|ланч)\s+с{_E}|при[её]м\s+у{_E}|запись\s+к{_E}"
    rf"|meeting\w*|meetup|(?:call|sync|chat)\s+with|(?:a|the|video|phone|zoom|team)\s+call"
    rf"|stand-?up|interview|appointment|(?:lunch|dinner|breakfast|coffee)\s+with|meet\s+(?:with\s+)?\w)",
    re.IGNORECASE,
)

_TASK = re.compile(
    rf"{_W}(?:надо|нужно|необходимо|не\s+забыть|сделать|доделать|купить|заказать|оплатить|заплатить"
    rf"|забрать|отправить|написать|позвонить|починить|проверить|подготовить|отнести|записаться"
    rf"|задача|todo|to-do|to\s+do|task|buy|order|pay|fix|send|need\s+to|must|have\s+to|call)(?:{_E}|:)",
    re.IGNORECASE,
)


def classify(text: str, parsed: ParsedDate) -> ItemKind:
    if _REMINDER.match(text):
        return ItemKind.REMINDER
    if _MEETING.search(text):
        return ItemKind.MEETING
    if _TASK.search(text):
        return ItemKind.TASK
    if parsed.time is not None or parsed.candidates:
        return ItemKind.MEETING
    return ItemKind.NOTE


def shorten(line: str) -> str:
    line = line.strip()
    return line if len(line) <= TITLE_MAX else line[: TITLE_MAX - 1] + "…"


def first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""


def make_title(text: str) -> str:
    return shorten(first_line(text))


def title_for(kind: ItemKind, text: str, parsed: ParsedDate) -> str:
    """A note keeps its own first line; other kinds drop the date words (and "напомни") from it."""
    if kind is ItemKind.NOTE:
        return make_title(text)
    rest = first_line(parsed.remainder) or first_line(text)
    if kind is ItemKind.REMINDER:
        rest = _REMINDER.sub("", rest, count=1).strip(" ,:-") or rest
    return shorten(rest) or make_title(text)
