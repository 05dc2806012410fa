"""The bot's command menu (setMyCommands) in each language, in the order a user meets the features."""

from __future__ import annotations

DEFAULT_MENU = "en"  # the menu of users whose language has none of its own
COMMANDS = {
    "en": [
        ("today", "Today's agenda"), ("week", "Next 7 days"), ("list", "Open items"), ("find", "Search items"),
        ("ask", "Ask about your notes"), ("j", "Journal entry"), ("again", "Repeat a journal entry"),
        ("stats", "Journal spending chart"), ("journal", "Where messages go"),
        ("undo", "Undo the last change"), ("skip", "Skip this time of a repeat"),
        ("calendar", "Calendar feed and Google"), ("remind", "Reminder before meetings"), ("agenda", "Daily agenda"),
        ("minis", "Miniatures tracker"), ("ai", "AI and speech provider"), ("usage", "Your AI usage"),
        ("status", "Queue and items"), ("settings", "Language and time zone"), ("help", "What I can do"),
    ],
    "ru": [
        ("today", "Что сегодня"), ("week", "Ближайшие 7 дней"), ("list", "Открытые записи"), ("find", "Поиск"),
        ("ask", "Вопрос по записям"), ("j", "Запись в дневник"), ("again", "Повторить запись дневника"),
        ("stats", "Расходы дневника картинкой"), ("journal", "Куда идут сообщения"),
        ("undo", "Отменить последнее"), ("skip", "Пропустить повтор"),
        ("calendar", "Календарь и Google"), ("remind", "Напоминание перед встречами"), ("agenda", "План на день"),
        ("minis", "Трекер миниатюр"), ("ai", "ИИ и распознавание речи"), ("usage", "Расход ИИ"),
        ("status", "Очередь и записи"), ("settings", "Язык и часовой пояс"), ("help", "Что я умею"),
    ],
}
