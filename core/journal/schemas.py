"""What the journal API takes and gives (camelCase on the wire, as the spec's client expects).

Amounts, dates, times and currencies arrive as plain values and are read by the service, so a bad one gets its own
code and text (ERR_JOURNAL_BAD_AMOUNT, …) rather than a generic validation error."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt
from pydantic.alias_generators import to_camel

Sort = Literal["date", "-date", "amount", "-amount", "created", "-created", "title", "-title"]
RoutingName = Literal["auto", "journal", "notes"]


class Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Geo(BaseModel):
    lat: float
    lon: float


class EntryIn(Camel):
    """An entry as a form or an import gives it. Left out: `date` is today (the user's), `status` done."""

    action: str = Field(max_length=32, description="a known action (GET /config/recipes lists the pairs in use)")
    object: str = Field(max_length=32, description="a known object that goes with the action")
    title: str = Field(default="", max_length=500)
    note: str = Field(default="", max_length=10_000)
    amount: StrictInt | StrictFloat | str | None = Field(default=None, description="≥ 0, at most 2 decimals")
    currency: str | None = Field(default=None, description="ISO 4217 (RUB, USD, EUR…); the user's default if left "
                                                            "out with an amount")
    category: str | None = Field(default=None, description="a category of GET /config/categories")
    subcategory: str | None = Field(default=None, max_length=64)
    people: list[str] = Field(default_factory=list)
    place: str | None = Field(default=None, max_length=255)
    geo: dict[str, Any] | None = Field(default=None, description='{"lat": -90..90, "lon": -180..180}')
    tags: list[str] = Field(default_factory=list)
    date: str | None = Field(default=None, description="YYYY-MM-DD, the user's day", examples=["2030-05-17"])
    time: str | None = Field(default=None, description="HH:MM", examples=["09:30"])
    status: Literal["done", "planned", "wish"] = "done"
    extras: dict[str, Any] = Field(default_factory=dict, description="extended fields by id (GET /config/fields)")
    recipe_id: str | None = Field(default=None, max_length=64)
    ai_raw: dict[str, Any] | None = None
    ai_confidence: float | None = Field(default=None, ge=0, le=1)


class EntryUpdate(EntryIn):
    version: int | None = Field(default=None, description="the version the change was made to; another one: 409")


class ReplayIn(Camel):
    """Fields to change in the copy (the rest as the original, `date` today)."""

    title: str | None = Field(default=None, max_length=500)
    note: str | None = Field(default=None, max_length=10_000)
    amount: StrictInt | StrictFloat | str | None = None
    currency: str | None = None
    date: str | None = None
    time: str | None = None
    people: list[str] | None = None
    place: str | None = Field(default=None, max_length=255)
    tags: list[str] | None = None


class Attachment(Camel):
    key: str
    name: str
    mime_type: str
    size: int
    thumb_key: str | None = None


class EntryOut(Camel):
    id: int
    number: int = Field(description="the #ID the chat shows")
    action: str
    object: str
    title: str
    note: str
    amount: float | None
    currency: str | None
    category: str | None
    subcategory: str | None
    people: list[str]
    place: str | None
    geo: Geo | None
    tags: list[str]
    date: dt.date
    time: str | None
    status: str
    attachments: list[dict[str, Any]]
    extras: dict[str, Any]
    recipe_id: str | None
    source: str
    ai_confidence: float | None
    reminder_item_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class EntryPage(Camel):
    items: list[EntryOut]
    page: int
    per_page: int
    total: int


class EntryBrief(Camel):
    id: int
    number: int
    title: str
    date: dt.date


class SearchOut(Camel):
    items: list[EntryBrief]


class VersionOut(Camel):
    version: int = Field(description="the version the entry had before this change")
    change: str
    changed_at: dt.datetime
    entry: dict[str, Any]


class Money(Camel):
    currency: str
    amount: float


class CategorySum(Camel):
    category: str | None
    count: int
    totals: list[Money]


class EntryStats(Camel):
    count: int
    totals: list[Money]
    by_category: list[CategorySum]


class MonthSum(Camel):
    month: str = Field(description="YYYY-MM")
    currency: str
    amount: float
    count: int


class DaySum(Camel):
    date: dt.date
    count: int


class Ranked(Camel):
    name: str
    count: int


class DashboardStats(Camel):
    date_from: dt.date
    date_to: dt.date
    count: int
    spent: list[Money]
    earned: list[Money]
    by_category: list[CategorySum] = Field(description="money spent, by category")
    by_month: list[MonthSum] = Field(description="money spent, by month")
    activity: list[DaySum] = Field(description="entries per day")
    top_people: list[Ranked]
    top_places: list[Ranked]
    top_tags: list[Ranked]


class Term(Camel):
    value: str
    count: int
    last_used: dt.date | None = None
    geo: Geo | None = None


class CurrenciesOut(Camel):
    default: str
    used: list[str]
    available: list[str]


class RecipeIn(Camel):
    action: str = Field(max_length=32)
    object: str = Field(max_length=32)
    label: str = Field(min_length=1, max_length=100)
    icon: str = Field(default="", max_length=16)
    description: str = Field(default="", max_length=500)
    category: str = Field(max_length=32)
    subcategory: str | None = Field(default=None, max_length=64)
    color: str = Field(default="", max_length=16)
    fields: list[str] = Field(min_length=1, max_length=60, description="ids of GET /config/fields")
    required: list[str] = Field(default_factory=list, max_length=60)
    ai_mode: Literal["text", "photo", "url"] = "text"
    ai_extract: list[str] = Field(default_factory=list, max_length=60)
    prompt_template: str = Field(default="", max_length=2000)


class RecipeSettingsIn(Camel):
    enabled: dict[str, bool] = Field(default_factory=dict, description="recipe id → on/off")
    order: list[str] = Field(default_factory=list, max_length=1000, description="recipe ids, first first")


class RecipeSettingsOut(Camel):
    enabled: dict[str, bool]
    order: list[str]


class JournalSettingsIn(Camel):
    routing: RoutingName | None = None
    currency: str | None = None


class JournalSettingsOut(Camel):
    routing: RoutingName
    currency: str


class ExportLinkOut(Camel):
    url: str = Field(description="GET it within five minutes, without the Authorization header")
    path: str = Field(description="the same link relative to the server (a Mini App resolves it against its origin)")
    file_name: str


class ImportIn(Camel):
    version: Literal[1] = 1
    entries: list[dict[str, Any]] = Field(max_length=20_000)


class ImportOut(Camel):
    imported: int


class ProposalOut(Camel):
    """Entries read out of a chat message, as the Mini App's form edits them before saving."""

    id: int
    status: Literal["open", "saved", "cancelled", "noted"]
    source: str = Field(description="text, voice, photo, url, again, note")
    text: str = Field(description="the message the entries were read from")
    drafts: list[dict[str, Any]] = Field(description="entries as POST /entries takes them (camelCase)")
    entry_ids: list[int] = Field(description="the entries saved from it (once saved)")


class ProposalSaveIn(Camel):
    drafts: list[EntryIn] | None = Field(default=None, min_length=1, max_length=20,
                                         description="the entries to save instead of the proposed ones")


class ProposalSaved(Camel):
    entry_ids: list[int]
