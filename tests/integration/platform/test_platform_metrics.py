"""What a note through the real bot records in the process's metrics: the update received and handled, how long it
waited, the reply sent, the filing job and its AI call."""

from __future__ import annotations

import asyncio

from prometheus_client import REGISTRY

from secretary.bot import BotServices
from tests.support.sandbox import SandboxClient

SAMPLES = {
    "received": ("secretary_updates_received_total", {}),
    "done": ("secretary_updates_finished_total", {"outcome": "done"}),
    "claimed": ("secretary_update_claim_age_seconds_count", {}),
    "handled": ("secretary_update_handled_seconds_count", {}),
    "sent": ("secretary_outbox_sent_total", {"method": "sendMessage"}),
    "waited": ("secretary_outbox_wait_seconds_count", {}),
    "filed": ("secretary_jobs_finished_total", {"kind": "topics.file", "outcome": "done"}),
    "job_timed": ("secretary_job_duration_seconds_count", {"kind": "topics.file"}),
    "classified": ("secretary_ai_calls_total", {"provider": "local", "model": "heuristic-v1", "operation": "classify"}),
}


def values() -> dict[str, float]:
    return {name: REGISTRY.get_sample_value(metric, labels) or 0.0 for name, (metric, labels) in SAMPLES.items()}


async def test_a_note_moves_every_counter_of_its_path(bot_app: BotServices, sandbox: SandboxClient) -> None:
    before = values()
    await sandbox.say(9301, "an idea about the garden", language_code="en")
    await sandbox.wait_for_text(9301, "Saved")
    for _ in range(100):  # the filing job runs after the reply
        if values()["filed"] > before["filed"]:
            break
        await asyncio.sleep(0.1)
    grew = {name: value - before[name] for name, value in values().items()}
    once = {name for name in SAMPLES if name not in ("sent", "waited")}  # replies: one or more messages
    assert {name: grew[name] for name in once} == dict.fromkeys(once, 1.0)
    assert grew["sent"] >= 1 and grew["waited"] >= 1
