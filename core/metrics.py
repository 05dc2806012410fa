"""Every Prometheus metric family the processes record, in one place (prometheus-client, the default registry).

The web process serves them at /metrics (with the queue gauges read from the database at scrape time); `secretary bot`
and `secretary worker` serve theirs on METRICS_PORT (the worker's prefork children through the multiprocess
collector). Labels are bounded sets (outcomes, job kinds, methods, providers, models): never a user or a chat.
"""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import Counter, Histogram

# seconds; the SLO-relevant range (tens of milliseconds to a minute) is dense
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

UPDATES_RECEIVED = Counter("secretary_updates_received", "Telegram updates stored in the inbox (new ones only)")
UPDATES_FINISHED = Counter("secretary_updates_finished", "Updates handled, by outcome", ["outcome"])
UPDATE_CLAIM_AGE = Histogram("secretary_update_claim_age_seconds", "From an update stored to it claimed by a consumer",
                             buckets=LATENCY_BUCKETS)
UPDATE_HANDLED = Histogram("secretary_update_handled_seconds",
                           "From an update stored to its handling committed (its replies queued)",
                           buckets=LATENCY_BUCKETS)

OUTBOX_SENT = Counter("secretary_outbox_sent", "Bot API calls delivered by the outbox sender", ["method"])
OUTBOX_WAIT = Histogram("secretary_outbox_wait_seconds", "From a message committed to the outbox to it delivered",
                        buckets=LATENCY_BUCKETS)
OUTBOX_RETRY_AFTER = Counter("secretary_outbox_retry_after", "429 answers from Telegram (flood control)")
OUTBOX_RETRIES = Counter("secretary_outbox_retries", "Deliveries retried after a network or server error")
OUTBOX_FAILED = Counter("secretary_outbox_failed", "Messages that will not be delivered, by status (DEAD, DOUBT)",
                        ["status"])

JOB_DURATION = Histogram("secretary_job_duration_seconds", "Time a job's handler ran, by job kind", ["kind"],
                         buckets=LATENCY_BUCKETS)
JOBS_FINISHED = Counter("secretary_jobs_finished", "Jobs run, by kind and outcome (done, failed, dead, lease_lost)",
                        ["kind", "outcome"])

AI_CALLS = Counter("secretary_ai_calls", "AI provider operations", ["provider", "model", "operation"])
AI_TOKENS = Counter("secretary_ai_tokens", "AI tokens, by direction (input, output)",
                    ["provider", "model", "direction"])
AI_LATENCY = Histogram("secretary_ai_latency_seconds", "Time of one AI operation (retries included)",
                       ["provider", "operation"], buckets=LATENCY_BUCKETS)
STT_AUDIO = Counter("secretary_stt_audio_seconds", "Seconds of audio transcribed", ["provider"])


def seconds_since(moment: datetime | None) -> float | None:
    """Seconds from a stored moment to now (a naive value from SQLite is UTC); None when unknown."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (datetime.now(UTC) - moment).total_seconds())


def observe_since(histogram: Histogram, moment: datetime | None) -> None:
    seconds = seconds_since(moment)
    if seconds is not None:
        histogram.observe(seconds)
