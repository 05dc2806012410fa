"""Shared pieces of the rules: the context a handler writes into, and regex fragments."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from core.dates import lexicon as lx
from core.dates.facts import Facts


@dataclass
class Context:
    """What a handler may read (today) and write (the facts found so far)."""

    facts: Facts
    today: dt.date


Handler = Callable[[re.Match[str], Context], bool]

B = r"(?<!\w)"
E = r"(?!\w)"
QUAL = rf"(?:{lx.QUAL_RE})(?!\w)"
HOURS_WORD = r"(?:часов|часа|час|ч\.?)(?!\w)"
TIME_PREP = (
    r"(?:примерно\s+в|ровно\s+в|около|в|во|к|на|до|с|после|at|by|around|about|after|before|from|till|until)"
)
BARE_PREP = r"(?:примерно\s+в|ровно\s+в|около|в|во|к|до|at|by|around|about|before|till|until)"
DATE_PREP = r"(?:в|во|на|к|до|с|по|от|после|on|by|until|till|for|from|before|after)"
MONTH_AHEAD = rf"(?!\s*(?:{lx.RU_MONTH_RE}|{lx.EN_MONTH_RE})(?!\w))"
YEAR_WORD = r"(?:\s*(?:года|год|г)(?!\w)\.?)?"
