"""Every platform benchmark on SQLite and on PostgreSQL, one after another (what `make bench` runs).

    .venv/bin/python bench/run_all.py                       # SQLite + PostgreSQL at 127.0.0.1:5432 if reachable
    .venv/bin/python bench/run_all.py --databases sqlite    # SQLite only
    .venv/bin/python bench/run_all.py --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/run_all.py --no-minis --no-start # without the Minis list and the start/memory runs
    .venv/bin/python bench/run_all.py --start-notes 2000    # memory after fewer notes than the target names (quicker)

Per database: webhook ingest against a bare FastAPI endpoint (bench_ingest.py), end to end through the sandbox
against a bare aiogram bot (bench_e2e.py: throughput, latency at light load, CPU per note), the statements a note
costs in both bots and the CPU floor of ours beyond the bare bot's (bench_statements.py), outbound under strict
flood limits (bench_outbound.py; the Redis limiter too when Redis answers); then the Minis list
(bench_minis_api.py) and the start and memory of `secretary run` (bench_start.py, SQLite). Every target is printed
with MET or MISSED. Each PostgreSQL run uses a fresh database bench_<pid>_<n> that it drops afterwards. A whole run
takes about ten minutes on 2 cores; every figure printed here is explained in docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_e2e, bench_ingest, bench_outbound, bench_start, bench_statements  # noqa: E402
from bench.common import DEFAULT_PG_URL, fresh_database, machine_summary, postgres_reachable, safe_url  # noqa: E402
from core.logging import configure_logging  # noqa: E402


def defaults(module: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)  # type: ignore[attr-defined]
    return parser.parse_args([])


async def run_database(url: str, args: argparse.Namespace) -> bool:
    label = "PostgreSQL" if url else "SQLite"
    print(f"\n{'=' * 100}\n{label}{' (' + safe_url(url) + ', a fresh database per benchmark)' if url else ''}")
    ok = True

    ingest_args = defaults(bench_ingest)
    ingest_args.seconds = args.ingest_seconds
    results = await bench_ingest.run_pair(url, ingest_args)
    if url and args.ingest_processes > 1:
        ingest_args.processes = args.ingest_processes
        results.append(await bench_ingest.run(url, ingest_args))
    ok &= bench_ingest.report(results)

    e2e_args = defaults(bench_e2e)
    e2e_ok, _ = await bench_e2e.run(url, e2e_args)
    ok &= e2e_ok
    await bench_statements.run(url, defaults(bench_statements))  # what the CPU gap to the bare bot is made of

    out_args = defaults(bench_outbound)
    out_args.messages, out_args.chats = args.outbound_messages, args.outbound_chats
    out_ok, _ = await bench_outbound.run(url, out_args)
    ok &= out_ok
    return ok


async def run_minis(server_url: str) -> bool:
    """bench_minis_api.py (another engineer's) on a fresh database of its own."""
    async with fresh_database(server_url) as url:
        cmd = [sys.executable, str(ROOT / "bench" / "bench_minis_api.py")]
        if server_url:
            cmd += ["--database-url", url]
        proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT)
        return await proc.wait() == 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres or both")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_PG_URL),
                        help="the PostgreSQL server to create the bench databases on")
    parser.add_argument("--ingest-seconds", type=float, default=8.0)
    parser.add_argument("--ingest-processes", type=int, default=2,
                        help="PostgreSQL ingest is also measured with this many web processes (1: only one run)")
    parser.add_argument("--outbound-messages", type=int, default=300)
    parser.add_argument("--outbound-chats", type=int, default=100)
    parser.add_argument("--no-minis", dest="minis", action="store_false", help="skip bench/bench_minis_api.py")
    parser.add_argument("--no-start", dest="start", action="store_false", help="skip bench/bench_start.py")
    parser.add_argument("--start-notes", type=int, default=10_000,
                        help="notes before the second memory reading (the target's 10,000: about 2 min here)")
    args = parser.parse_args()
    configure_logging("ERROR")  # the sender's 429 warnings are counted, not printed

    print(machine_summary())
    print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    started = time.monotonic()
    ok = True
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    for name in wanted:
        if name == "postgres":
            if not await postgres_reachable(args.postgres_url):
                print(f"\nPostgreSQL at {safe_url(args.postgres_url)} is not reachable: skipped")
                ok = False
                continue
            ok &= await run_database(args.postgres_url, args)
        else:
            ok &= await run_database("", args)
    if args.minis:
        for name in wanted:
            ok &= await run_minis(args.postgres_url if name == "postgres" else "")
    if args.start:
        start_args = defaults(bench_start)
        start_args.notes = args.start_notes
        start_ok, _ = await bench_start.run("", start_args)
        ok &= start_ok
    print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"took {time.monotonic() - started:.0f} s")
    print("all targets met" if ok else "some targets missed (see above and docs/performance.md)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
