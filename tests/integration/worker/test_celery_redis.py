"""Distributed jobs: a real Celery worker over a private Redis; Redis stopped and started, jobs survive."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from core.queue import jobs
from core.queue.models import Job, QueueStatus
from core.runtime import Runtime
from tests.conftest import IN_CI
from tests.support.sandbox import free_port
from worker.celery_app import celery_dispatcher, create_celery

REDIS_SERVER = shutil.which("redis-server")


def _start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    assert REDIS_SERVER is not None
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import redis

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis(port=port, socket_connect_timeout=0.2).ping()
            return proc
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if REDIS_SERVER is None:
        if IN_CI:
            pytest.fail("redis-server is needed for the Redis restart test")
        pytest.skip("redis-server not installed")
    port = free_port()
    yield port, tmp_path


async def _count(runtime: Runtime, status: str) -> int:
    async with runtime.session_factory() as s:
        return int(await s.scalar(select(func.count()).select_from(Job).where(Job.status == status)) or 0)


async def _wait_done(runtime: Runtime, n: int, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await _count(runtime, QueueStatus.DONE) >= n:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {await _count(runtime, QueueStatus.DONE)} of {n} jobs done")


class TestRedisRestart:
    async def test_jobs_survive_redis_stop_and_start(self, runtime: Runtime, database_url: str,
                                                     private_redis: tuple[int, Path]) -> None:
        port, workdir = private_redis
        redis_url = f"redis://127.0.0.1:{port}/0"
        redis_proc = _start_redis(port, workdir)
        metrics_port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DATA_DIR": str(workdir),
               "LOG_LEVEL": "WARNING", "TELEGRAM_BOT_TOKEN": "123:worker-test",
               "WORKER_METRICS_PORT": str(metrics_port)}
        worker = subprocess.Popen([sys.executable, "-m", "secretary.cli", "worker", "--pool", "solo"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        settings = runtime.settings.model_copy(update={"redis_url": redis_url})
        celery = create_celery(settings)
        celery.conf.task_publish_retry_policy = {"max_retries": 0}
        runtime.dispatch_jobs = celery_dispatcher(celery)
        try:
            for i in range(5):
                async with runtime.unit_of_work() as s:
                    await jobs.enqueue_job(s, "platform.ping", {"text": f"a{i}"}, key=f"a{i}", chat_id=1)
            await _wait_done(runtime, 5)
            async with httpx.AsyncClient() as http:  # the worker's own metrics (its pool's, summed)
                scraped = (await http.get(f"http://127.0.0.1:{metrics_port}/metrics")).text
            assert 'secretary_jobs_finished_total{kind="platform.ping",outcome="done"} 5.0' in scraped

            redis_proc.terminate()
            redis_proc.wait(10)
            for i in range(5):  # dispatch fails: the jobs stay in the database
                async with runtime.unit_of_work() as s:
                    await jobs.enqueue_job(s, "platform.ping", {"text": f"b{i}"}, key=f"b{i}", chat_id=1)
            assert await _count(runtime, QueueStatus.NEW) == 5

            redis_proc = _start_redis(port, workdir)
            async with runtime.unit_of_work() as s:  # what beat's sweeper does every 10 s
                due = await jobs.sweep_jobs(s, stale_after=0)
            assert len(due) == 5
            await runtime.dispatch_jobs(due)
            await _wait_done(runtime, 10)
        finally:
            worker.terminate()
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
            redis_proc.terminate()
            redis_proc.wait(10)
