"""Where each process serves its metrics: the web app at /metrics; `secretary bot` on BOT_METRICS_PORT;
`secretary worker` on WORKER_METRICS_PORT, summing its pool processes (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def serve(host: str, port: int) -> None:
    """This process's families on host:port (a thread of prometheus-client); 0 turns it off. A port another process
    holds (a second bot on one host) is logged, not fatal: the process runs without its own metrics page."""
    if not port:
        return
    from prometheus_client import start_http_server

    _start(lambda: start_http_server(port, addr=host), host, port)


def _start(start: Callable[[], object], host: str, port: int, **context: str) -> None:
    try:
        start()
    except OSError as exc:
        log.warning("metrics.port_unavailable", address=f"{host}:{port}", error=type(exc).__name__)
        return
    log.info("metrics.serving", address=f"{host}:{port}", **context)


def prepare_multiprocess(folder: Path) -> None:
    """Before prometheus-client is first imported: every process forked from here writes its samples into
    ``folder`` (emptied now: what a previous worker left would be counted again)."""
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before the multiprocess folder was set")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(folder)


def serve_multiprocess(host: str, port: int) -> None:
    """The sum of every process's samples (the worker's pool), served by the parent process."""
    if not port:
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    _start(lambda: start_http_server(port, addr=host, registry=registry), host, port, processes="all")
