"""The field registry: every field an entry form can show (``FieldDef``), and how each type's value is checked.

The base fields are the entry's own columns (title, date, amount…); the extended ones live in its ``extras``, keyed
by the field's id and checked here by type. A recipe's form names fields of this registry only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from core.journal.errors import JournalError

FieldType = Literal["text", "textarea", "number", "money", "select", "tags", "people", "date", "time", "geo",
                    "json", "url"]
FIELD_TYPES: Final[tuple[str, ...]] = ("text", "textarea", "number", "money", "select", "tags", "people", "date",
                                       "time", "geo", "json", "url")
TEXT_MAX, TEXTAREA_MAX, LIST_MAX, ITEM_MAX, JSON_MAX = 500, 10_000, 30, 100, 4_000
FIRST_YEAR, LAST_YEAR = 1900, 2999
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclass(frozen=True)
class FieldDef:
    id: str
    label: tuple[str, str]  # Russian, English
    type: FieldType
    section: Literal["base", "extended"] = "extended"
    placeholder: tuple[str, str] = ("", "")
    serialize: Literal["string", "number", "json"] = "string"
    is_array: bool = False
    ai_key: str | None = None
    min: float | None = None
    max: float | None = None
    step: float | None = None
    rows: int | None = None
    options: tuple[tuple[str, str, str], ...] = ()  # value, Russian, English
    column: bool = False  # the entry's own column (else a key of its extras)

    def as_json(self, language: str) -> dict[str, Any]:
        ru = language == "ru"
        out: dict[str, Any] = {
            "id": self.id, "label": self.label[0 if ru else 1], "type": self.type, "section": self.section,
            "placeholder": self.placeholder[0 if ru else 1], "serialize": self.serialize, "isArray": self.is_array,
            "aiKey": self.ai_key or self.id,
        }
        for key, value in (("min", self.min), ("max", self.max), ("step", self.step), ("rows", self.rows)):
            if value is not None:
                out[key] = value
        if self.options:
            out["options"] = [{"value": v, "label": r if ru else e} for v, r, e in self.options]
        return out


def _f(id: str, ru: str, en: str, type: FieldType, **kw: Any) -> FieldDef:
    serialize = kw.pop("serialize", "number" if type in ("number", "money") else
                       "json" if type in ("tags", "people", "geo", "json") else "string")
    return FieldDef(id=id, label=(ru, en), type=type, serialize=serialize,
                    is_array=type in ("tags", "people"), **kw)


_MOODS = (("great", "отлично", "great"), ("good", "хорошо", "good"), ("ok", "нормально", "okay"),
          ("bad", "плохо", "bad"), ("awful", "ужасно", "awful"))
_RECURRENCE = (("none", "нет", "none"), ("daily", "каждый день", "daily"), ("weekly", "каждую неделю", "weekly"),
               ("monthly", "каждый месяц", "monthly"), ("yearly", "каждый год", "yearly"))
_STATUS = (("done", "сделано", "done"), ("planned", "в планах", "planned"), ("wish", "хочу", "wish"))
_UNITS = (("pcs", "шт", "pcs"), ("kg", "кг", "kg"), ("g", "г", "g"), ("l", "л", "l"), ("ml", "мл", "ml"),
          ("km", "км", "km"), ("m", "м", "m"), ("min", "мин", "min"), ("h", "ч", "h"))

FIELDS: Final[tuple[FieldDef, ...]] = (
    # base: the entry's columns
    _f("title", "Название", "Title", "text", section="base", column=True, placeholder=("Кофе с Машей", "Coffee")),
    _f("date", "Дата", "Date", "date", section="base", column=True),
    _f("time", "Время", "Time", "time", section="base", column=True),
    _f("amount", "Сумма", "Amount", "money", section="base", column=True, min=0, max=1e12, step=0.01),
    _f("currency", "Валюта", "Currency", "select", section="base", column=True),
    _f("category", "Категория", "Category", "select", section="base", column=True),
    _f("subcategory", "Подкатегория", "Subcategory", "text", section="base", column=True),
    _f("tags", "Теги", "Tags", "tags", section="base", column=True),
    _f("people", "Люди", "People", "people", section="base", column=True),
    _f("place", "Место", "Place", "text", section="base", column=True, ai_key="place"),
    _f("geo", "Координаты", "Location", "geo", section="base", column=True),
    _f("note", "Заметка", "Note", "textarea", section="base", column=True, rows=4),
    _f("status", "Статус", "Status", "select", section="base", column=True, options=_STATUS),
    _f("attachments", "Вложения", "Attachments", "json", section="base", column=True),
    # extended: kept in extras
    _f("address", "Адрес", "Address", "text"),
    _f("rating", "Оценка", "Rating", "number", min=1, max=5, step=1),
    _f("quantity", "Количество", "Quantity", "number", min=0, max=1e9, step=0.001),
    _f("unit", "Единица", "Unit", "select", options=_UNITS),
    _f("url", "Ссылка", "Link", "url"),
    _f("recurrence", "Повтор", "Repeats", "select", options=_RECURRENCE),
    _f("distance", "Расстояние, км", "Distance, km", "number", min=0, max=100_000, step=0.01),
    _f("calories", "Калории", "Calories", "number", min=0, max=100_000, step=1),
    _f("duration", "Длительность, мин", "Duration, min", "number", min=0, max=100_000, step=1),
    _f("startTime", "Начало", "Start", "time"),
    _f("endTime", "Конец", "End", "time"),
    _f("country", "Страна", "Country", "text"),
    _f("region", "Регион", "Region", "text"),
    _f("zip", "Индекс", "ZIP", "text"),
    _f("street", "Улица", "Street", "text"),
    _f("building", "Дом", "Building", "text"),
    _f("apartment", "Квартира", "Apartment", "text"),
    _f("merchant", "Продавец", "Merchant", "text"),
    _f("store", "Магазин", "Store", "text"),
    _f("cardLast4", "Карта (последние 4)", "Card (last 4)", "text"),
    _f("iban", "IBAN", "IBAN", "text"),
    _f("account", "Счёт", "Account", "text"),
    _f("invoice", "Счёт-фактура", "Invoice", "text"),
    _f("billId", "Номер чека", "Bill number", "text"),
    _f("phone", "Телефон", "Phone", "text"),
    _f("email", "Эл. почта", "Email", "text"),
    _f("website", "Сайт", "Website", "url"),
    _f("mood", "Настроение", "Mood", "select", options=_MOODS),
    _f("weather", "Погода", "Weather", "text"),
    _f("temperature", "Температура, °C", "Temperature, °C", "number", min=-100, max=100, step=0.1),
    _f("participants", "Участники", "Participants", "people"),
    _f("device", "Устройство", "Device", "text"),
    _f("project", "Проект", "Project", "text"),
    _f("context", "Контекст", "Context", "textarea", rows=3),
    _f("numberField", "Число", "Number", "number", min=-1e12, max=1e12),
    _f("items", "Позиции", "Items", "json"),
    _f("data", "Данные (JSON)", "Data (JSON)", "json"),
)
BY_ID: Final[dict[str, FieldDef]] = {f.id: f for f in FIELDS}
EXTENDED: Final[frozenset[str]] = frozenset(f.id for f in FIELDS if not f.column)


def check_date(value: str, code: str = "ERR_JOURNAL_BAD_DATE") -> dt.date:
    if not _DATE.match(value):
        raise JournalError(code, f"not a YYYY-MM-DD date: {value[:20]!r}", value=value[:20])
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise JournalError(code, "no such day", value=value[:20]) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise JournalError(code, "year out of range", value=value[:20])
    return day


def check_time(value: str) -> str:
    if not _TIME.match(value):
        raise JournalError("ERR_JOURNAL_BAD_TIME", "not an HH:MM time", value=value[:20])
    return value


def check_text(value: Any, limit: int, name: str) -> str:
    if not isinstance(value, str):
        raise JournalError("ERR_JOURNAL_BAD_FIELD", "text expected", field=name)
    if len(value) > limit:
        raise JournalError("ERR_JOURNAL_FIELD_TOO_LONG", "too long", field=name, limit=limit)
    return value.strip()


def check_names(values: Any, name: str) -> list[str]:
    """A list of short texts (tags, people): trimmed, empty ones and repeats (case-insensitively) dropped."""
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise JournalError("ERR_JOURNAL_BAD_FIELD", "a list of texts expected", field=name)
    out: list[str] = []
    seen: set[str] = set()
    for raw in values:
        value = " ".join(raw.split()).lstrip("#") if name == "tags" else " ".join(raw.split())
        if len(value) > ITEM_MAX:
            raise JournalError("ERR_JOURNAL_FIELD_TOO_LONG", "too long", field=name, limit=ITEM_MAX)
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value.lower() if name == "tags" else value)
    if len(out) > LIST_MAX:
        raise JournalError("ERR_JOURNAL_TOO_MANY", "too many values", field=name, limit=LIST_MAX)
    return out


def check_geo(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise JournalError("ERR_JOURNAL_BAD_GEO", "{lat, lon} expected")
    lat, lon = value.get("lat"), value.get("lon")
    ok = all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (lat, lon))
    if not ok or not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        raise JournalError("ERR_JOURNAL_BAD_GEO", "latitude -90..90, longitude -180..180")
    return {"lat": float(lat), "lon": float(lon)}  # type: ignore[arg-type]


def check_url(value: Any, name: str) -> str:
    text = check_text(value, 2_000, name)
    if text and not _URL.match(text):
        raise JournalError("ERR_JOURNAL_BAD_URL", "an http(s) link expected", field=name)
    return text


def check_extra(fdef: FieldDef, value: Any) -> Any:
    """One extended field's value, checked by its type (``None`` clears it)."""
    kind = fdef.type
    if kind in ("text", "textarea"):
        return check_text(value, TEXT_MAX if kind == "text" else TEXTAREA_MAX, fdef.id)
    if kind in ("number", "money"):
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            raise JournalError("ERR_JOURNAL_BAD_NUMBER", "a number expected", field=fdef.id)
        if (fdef.min is not None and value < fdef.min) or (fdef.max is not None and value > fdef.max):
            raise JournalError("ERR_JOURNAL_BAD_NUMBER", "out of range", field=fdef.id)
        return value
    if kind == "select":
        if value not in {v for v, _, _ in fdef.options}:
            raise JournalError("ERR_JOURNAL_BAD_FIELD", "not one of the options", field=fdef.id)
        return value
    if kind in ("tags", "people"):
        return check_names(value, fdef.id)
    if kind == "date":
        return check_date(value if isinstance(value, str) else "").isoformat()
    if kind == "time":
        return check_time(value if isinstance(value, str) else "")
    if kind == "geo":
        return check_geo(value)
    if kind == "url":
        return check_url(value, fdef.id)
    if len(json.dumps(value, ensure_ascii=False)) > JSON_MAX:  # json
        raise JournalError("ERR_JOURNAL_FIELD_TOO_LONG", "too long", field=fdef.id, limit=JSON_MAX)
    return value


def check_extras(extras: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in extras.items():
        fdef = BY_ID.get(key)
        if fdef is None or fdef.column:
            raise JournalError("ERR_JOURNAL_UNKNOWN_FIELD", "no such extended field", field=key[:64])
        if value is None or value == "" or value == []:
            continue
        out[key] = check_extra(fdef, value)
    return out


def registry_json(language: str) -> list[dict[str, Any]]:
    return [f.as_json(language) for f in FIELDS]


__all__ = ["BY_ID", "EXTENDED", "FIELDS", "FIELD_TYPES", "FieldDef", "check_extras", "registry_json"]
