"""Background work gives way to replies (core.db.background): a job's transactions begin only while no update is
in flight, never while the job holds a transaction a reply may need, and the job waits at most ``max_defer`` in all."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import text

from core.db.background import YIELD_TO, Gate
from core.queue import jobs
from core.runtime import Runtime
from tests.support.sql import recorded_statements
from worker.inprocess import InProcessRunner


def _probe(statement: str) -> bool:
    return "secretary_probe" in statement


async def _gated(runtime: Runtime, released: asyncio.Event, body: Any) -> asyncio.Task[Any]:
    """``body(runtime)`` in a task whose units wait at a gate until ``released``."""
    async def task() -> Any:
        YIELD_TO.set(Gate(released.wait))
        return await body(runtime)

    return asyncio.create_task(task())


async def test_a_background_unit_begins_only_when_the_replies_are_done(runtime: Runtime) -> None:
    released = asyncio.Event()

    async def body(rt: Runtime) -> None:
        async with rt.unit_of_work() as session:
            await session.execute(text("SELECT 1 AS secretary_probe"))
            await session.execute(text("SELECT 2 AS secretary_probe"))  # in its transaction: no second wait

    with recorded_statements(runtime.engine, _probe) as seen:
        task = await _gated(runtime, released, body)
        await asyncio.sleep(0.1)
        assert seen == []  # waiting at the gate, holding nothing
        async with runtime.unit_of_work() as session:  # a reply's unit (no gate in its task) goes meanwhile
            await session.execute(text("SELECT 0 AS secretary_probe"))
        assert len(seen) == 1
        released.set()
        await asyncio.wait_for(task, 5)
    assert len(seen) == 3


async def test_a_unit_opened_while_the_task_holds_a_transaction_does_not_wait(runtime: Runtime) -> None:
    """Waiting there could wait for ourselves: the reply may need the lock the outer transaction holds (on SQLite,
    the write lock)."""
    released = asyncio.Event()
    passed = asyncio.Event()
    go_on = asyncio.Event()

    async def body(rt: Runtime) -> None:
        async with rt.unit_of_work() as outer:
            await outer.execute(text("SELECT 1 AS secretary_probe"))  # waits here (the outer one begins)
            passed.set()
            await go_on.wait()
            async with rt.read_only() as inner:
                await inner.execute(text("SELECT 2 AS secretary_probe"))  # the outer is open: no wait

    task = await _gated(runtime, released, body)
    await asyncio.sleep(0.05)
    assert not passed.is_set()
    released.set()
    await asyncio.wait_for(passed.wait(), 5)
    released.clear()  # the replies are busy again: the inner unit must not wait for them
    go_on.set()
    await asyncio.wait_for(task, 5)


async def test_a_job_waits_for_the_replies_at_most_max_defer_in_all(runtime: Runtime) -> None:
    units: list[float] = []

    async def handler(ctx: jobs.JobContext) -> None:
        for _ in range(3):  # three transactions of its own, each of which would wait
            async with ctx.units.read_only() as read:
                await read.execute(text("SELECT 1"))
            units.append(asyncio.get_running_loop().time())

    runtime.jobs.register("test.replies_first", handler)
    runner = InProcessRunner(runtime, concurrency=1, max_defer=0.3)
    task = asyncio.create_task(runner.run())
    runtime.inbox_idle.clear()  # an update is in flight, and stays so
    try:
        await asyncio.sleep(0.05)
        started = asyncio.get_running_loop().time()
        async with runtime.unit_of_work() as session:
            await jobs.enqueue_job(session, "test.replies_first", {}, key="replies-first:1")
        for _ in range(100):
            if len(units) == 3:
                break
            await asyncio.sleep(0.05)
        assert len(units) == 3
        assert units[0] - started >= 0.25  # it waited for the replies ...
        assert units[-1] - started < 0.9  # ... but not max_defer per transaction (0.9 s and more)
    finally:
        runtime.inbox_idle.set()
        await runner.stop(grace=1)
        await asyncio.gather(task, return_exceptions=True)


async def test_a_job_runs_at_once_when_no_reply_is_in_flight(runtime: Runtime) -> None:
    done = asyncio.Event()

    async def handler(ctx: jobs.JobContext) -> None:
        async with ctx.units.read_only() as read:
            await read.execute(text("SELECT 1"))
        done.set()

    runtime.jobs.register("test.replies_idle", handler)
    runner = InProcessRunner(runtime, concurrency=1, max_defer=5)
    task = asyncio.create_task(runner.run())
    try:
        await asyncio.sleep(0.05)
        async with runtime.unit_of_work() as session:
            await jobs.enqueue_job(session, "test.replies_idle", {}, key="replies-idle:1")
        await asyncio.wait_for(done.wait(), 1)  # far below max_defer
    finally:
        await runner.stop(grace=1)
        await asyncio.gather(task, return_exceptions=True)


async def test_tasks_a_background_task_starts_do_not_wait_in_its_place(runtime: Runtime) -> None:
    """A job's commit starts the sender's tasks (and others): they copy the job's context, gate included, but are
    not background work themselves."""
    released = asyncio.Event()

    async def body(rt: Runtime) -> None:
        async def child() -> None:
            async with rt.read_only() as session:
                await session.execute(text("SELECT 1"))

        await asyncio.wait_for(asyncio.create_task(child()), 5)  # would wait for `released` if the gate were its

    task = await _gated(runtime, released, body)
    await asyncio.wait_for(task, 5)
