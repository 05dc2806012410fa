"""The journal's live feed (/api/v1/entries/stream): server-sent events of the entries a user saves anywhere (the
chat, another Mini App window, an import), so an open Mini App shows them without reloading.

The same mechanism as the documents' answer stream: each poll is a short read-only unit of work over the database,
so it works in one process on SQLite and across processes on PostgreSQL, with no broker."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Query
from fastapi.responses import StreamingResponse

from core.journal import repository
from core.journal.service import entry_out
from core.runtime import Runtime
from webapp.deps import CurrentUser, RuntimeDep, SessionDep

router = APIRouter(prefix="/api/v1", tags=["journal"])

POLL_SECONDS = 1.0  # how often the stream looks for new entries
KEEPALIVE_SECONDS = 15.0  # a comment line this often keeps proxies from closing a quiet stream
BATCH = 50  # entries read per poll at most
RETRY_MS = 3000  # how long EventSource waits before it reconnects


@router.get("/entries/stream", response_class=StreamingResponse, responses={
    200: {"description": "Server-sent events: first `ready {after}`, then one `entry` event per entry the user saves "
                         "from then on (`id: <entry id>`, `data: <the entry as GET /entries/{id} gives it>`), oldest "
                         "first; `: keep-alive` comments while quiet. The stream ends after `seconds`; reconnect with "
                         "`Last-Event-ID` (or `?after=`) to get what was saved meanwhile.",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
async def stream(user: CurrentUser, session: SessionDep, runtime: RuntimeDep,
                 last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
                 after: Annotated[int | None, Query(ge=0, le=2**63 - 1, description="an entry id: send the entries "
                                                    "saved after it (default: only those saved from now on)")] = None,
                 seconds: Annotated[float, Query(ge=1, le=3600, description="how long the stream stays open")] = 300,
                 ) -> StreamingResponse:
    start = after if after is not None else _event_id(last_event_id)
    if start is None:
        start = await repository.last_entry_id(session, user.id)
    return StreamingResponse(_events(runtime, user.id, start, seconds), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _event_id(header: str | None) -> int | None:
    value = (header or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


async def _events(runtime: Runtime, user_id: int, after: int, seconds: float) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    ends = loop.time() + seconds
    quiet_since = loop.time()
    yield f"retry: {RETRY_MS}\nevent: ready\ndata: {json.dumps({'after': after})}\n\n"
    while loop.time() < ends:
        async with runtime.read_only() as session:
            entries = await repository.entries_after(session, user_id, after, BATCH)
            out = [entry_out(entry).model_dump_json(by_alias=True) for entry in entries]
        for entry, data in zip(entries, out, strict=True):
            after = entry.id
            yield f"id: {entry.id}\nevent: entry\ndata: {data}\n\n"
        if entries:
            quiet_since = loop.time()
            if len(entries) == BATCH:
                continue
        elif loop.time() - quiet_since > KEEPALIVE_SECONDS:
            quiet_since = loop.time()
            yield ": keep-alive\n\n"
        await asyncio.sleep(min(POLL_SECONDS, max(0.0, ends - loop.time())))
