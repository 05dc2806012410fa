"""Any text at all gives a well-formed answer: random mixes of date words never crash or contradict."""

from __future__ import annotations

import datetime as dt
import json
import random

from core.dates import DateParseError, parse, parse_clarification, parse_set_command

_WORDS = (
    "в во на к с до через in at on for from to the of next this завтра сегодня послезавтра tomorrow today tonight "
    "9 12 15 0 23 25 31 2 3 10 30 45 1.5 2,5 9:30 15:00 25:00 12.12 24.12.2026 2026-12-24 24/12 12/24 31.02 29.02 "
    "утра вечера дня ночи am pm a.m. утром вечером ночью днём morning evening afternoon night час часа часов минут "
    "мин minutes hours days дня дней неделю недели месяц год weeks week month year полчаса полтора полдесятого "
    "половине десятого девять двадцать пятого третьего первое мая января january dec may 15th 3rd 25-го числа "
    "пятницу понедельник friday monday пн пт следующей неделе следующий полдень полночь noon midnight - – , . ! "
    "встреча с Иваном купить half past quarter o'clock later from now and и или 14:00-15:30 2-4pm #12 /set \x00 "
    "каждый каждую каждое every other по будням понедельникам ежедневно daily weekly mondays без четверти ten"
)
VOCABULARY = _WORDS.split()
NINE = [dt.time(9, 0), dt.time(21, 0)]


def test_random_phrases_give_consistent_contracts() -> None:
    rng = random.Random(20260310)
    now = dt.datetime(2026, 3, 10, 10, 0)
    for _ in range(1500):
        text = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(0, 8)))
        result = parse(text, now, rng.choice(["Europe/Moscow", "UTC", "America/New_York"]))
        contract = json.loads(json.dumps(result.to_contract()))
        assert set(contract) == {"date", "time", "candidates", "duration_min", "recurrence"}
        assert contract["recurrence"] is None or contract["recurrence"].startswith("FREQ="), text
        assert contract["time"] is None or contract["candidates"] == [], text
        assert len(contract["candidates"]) in (0, 2), text
        assert "\x00" not in result.remainder
        try:
            parse_set_command(text, now)
        except DateParseError as error:
            assert error.code.startswith("ERR_SET_")
        parse_clarification(text, now, "Europe/Moscow", NINE)
