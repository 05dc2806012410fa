"""Helpers for the journal tests: the sign-in fixture's type, an entry made through the API, a small history and
its embeddings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from core.ai import index
from core.ai.jobs import model_name
from core.ai.local_provider import LocalProvider
from core.runtime import Runtime

SignIn = Callable[..., Awaitable[dict[str, str]]]


async def create(api: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"action": "bought", "object": "drink", **fields}
    r = await api.post("/api/v1/entries", json=body, headers=headers)
    assert r.status_code == 201, r.text
    entry: dict[str, Any] = r.json()
    return entry


async def embed_all(runtime: Runtime, user_id: int) -> None:
    """What the ``search.embed`` job does, with the offline provider."""
    provider = LocalProvider()
    model = model_name(provider)
    async with runtime.unit_of_work() as s:
        due = await index.due_for_embedding(s, user_id, model, 1000)
        vectors = await provider.embed([c for _, c in due])
        await index.store_vectors(s, user_id, model, [(i, c, v.vector) for (i, c), v in zip(due, vectors, strict=True)])


async def history(api: httpx.AsyncClient, h: dict[str, str]) -> dict[str, int]:
    made = {
        "charger": await create(api, h, action="lent", object="thing", title="Одолжил зарядку от ноутбука",
                                people=["Петя"]),
        "coffee": await create(api, h, action="bought", object="drink", title="Coffee at Starbucks",
                               people=["Anna"], amount="4.5", currency="USD"),
        "book": await create(api, h, action="read", object="book", title="Прочитал «Мастера и Маргариту»"),
        "run": await create(api, h, action="ran", object="workout", title="Morning run in the park"),
        "bread": await create(api, h, action="bought", object="food", title="Купил хлеб и молоко", amount="150"),
    }
    return {k: v["id"] for k, v in made.items()}
