"""Helpers for the journal tests: the sign-in fixture's type, an entry made through the API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

SignIn = Callable[..., Awaitable[dict[str, str]]]


async def create(api: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"action": "bought", "object": "drink", **fields}
    r = await api.post("/api/v1/entries", json=body, headers=headers)
    assert r.status_code == 201, r.text
    entry: dict[str, Any] = r.json()
    return entry
