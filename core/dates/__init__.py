"""Russian and English date/time understanding: ``parse("завтра в 15:00 встреча", now, tz)``."""

from core.dates.clarify import parse_clarification, parse_set_command, resolve_choice
from core.dates.errors import DateParseError
from core.dates.model import ParsedDate
from core.dates.parser import parse

__all__ = [
    "DateParseError",
    "ParsedDate",
    "parse",
    "parse_clarification",
    "parse_set_command",
    "resolve_choice",
]
