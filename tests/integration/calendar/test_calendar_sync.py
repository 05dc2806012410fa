"""The calendar sync state machine (spec section 3) driving the real google-api-python-client against the fake
Google: NULL → <event id> | PENDING | FAILED, retries with backoff, deterministic ids, patch and delete."""

from __future__ import annotations

import datetime as dt

from calendar_helpers import CALENDAR_ID, OTHER, OWNER, SYNC, drain, load, new_meeting, run_due_sync_jobs
from sqlalchemy import select

from core.calendar import oauth
from core.calendar.events import event_id_for
from core.crypto import SecretBox
from core.db.base import utcnow
from core.items import repository as items_repo
from core.items import service as items
from core.queue.jobs import JobRegistry
from core.queue.models import Job, QueueStatus
from core.queue.runner import run_job
from core.runtime import Runtime
from core.users.service import ensure_user
from tests.fakes.google_calendar import FakeGoogle


def _start(event: dict[str, object]) -> dt.datetime:
    start = event["start"]
    assert isinstance(start, dict)
    return dt.datetime.fromisoformat(str(start["dateTime"]))


class TestCreate:
    async def test_a_scheduled_meeting_becomes_one_event_with_its_deterministic_id(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime, title="Lunch with Ann")
        await drain(google_runtime)
        stored = await load(google_runtime, item.id)
        assert stored.calendar_event_id == event_id_for(OWNER, item.id)
        assert stored.calendar_attempts == 0
        (event,) = fake_google.events(CALENDAR_ID)
        assert event["id"] == stored.calendar_event_id and event["summary"] == "Lunch with Ann"
        assert _start(event) == stored.starts_at
        assert event["start"]["timeZone"] == "Europe/Moscow"  # type: ignore[index]
        assert fake_google.token_requests[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"

    async def test_a_user_without_a_google_calendar_stays_null(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime, OTHER)  # the service account calendar is the owner's only
        await drain(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id is None
        assert fake_google.calls == []

    async def test_event_ids_are_google_base32hex(self) -> None:
        event_id = event_id_for(123456789, 42)
        assert len(event_id) == 29 and set(event_id) <= set("0123456789abcdefghijklmnopqrstuv")
        assert event_id == event_id_for(123456789, 42) != event_id_for(123456789, 43)


class TestRetries:
    async def test_server_errors_leave_it_pending_then_it_recovers(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.fail(500, times=2)
        item = await new_meeting(google_runtime)
        assert await run_due_sync_jobs(google_runtime) == 1
        pending = await load(google_runtime, item.id)
        assert (pending.calendar_event_id, pending.calendar_attempts) == ("PENDING", 1)
        async with google_runtime.session_factory() as s:
            assert await items_repo.calendar_counts(s) == (1, 0)  # what /admin/stats shows
        await drain(google_runtime)
        done = await load(google_runtime, item.id)
        assert (done.calendar_event_id, done.calendar_attempts) == (event_id_for(OWNER, item.id), 0)
        assert len(fake_google.events(CALENDAR_ID)) == 1
        assert [c.status for c in fake_google.calls_of("insert")] == [500, 500, 200]

    async def test_a_timeout_whose_insert_got_through_ends_with_one_event(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.time_out(after_apply=True)  # Google made the event, the answer was lost
        item = await new_meeting(google_runtime)
        await run_due_sync_jobs(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id == "PENDING"
        await drain(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id == event_id_for(OWNER, item.id)
        assert len(fake_google.events(CALENDAR_ID)) == 1
        assert [c.method for c in fake_google.calls] == ["insert", "insert", "patch"]
        assert fake_google.calls[1].status == 409

    async def test_a_timeout_before_google_did_anything_is_retried(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.time_out(times=2)
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id == event_id_for(OWNER, item.id)
        assert len(fake_google.events(CALENDAR_ID)) == 1

    async def test_exhausted_attempts_make_it_failed(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.fail_always(503)
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        failed = await load(google_runtime, item.id)
        assert (failed.calendar_event_id, failed.calendar_attempts) == ("FAILED", 5)
        assert len(fake_google.calls_of("insert")) == 5
        async with google_runtime.session_factory() as s:
            assert await items_repo.calendar_counts(s) == (0, 1)

    async def test_a_failed_item_is_skipped_even_when_rescheduled(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.fail_always(503)
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        fake_google.recover()
        calls = len(fake_google.calls)
        async with google_runtime.unit_of_work() as s:
            fresh = await items.owned(s, OWNER, item.number)
            await items.schedule(s, fresh, utcnow() + dt.timedelta(days=3), 30)
        await drain(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id == "FAILED"
        assert len(fake_google.calls) == calls

    async def test_a_refusal_fails_at_once(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        fake_google.fail(403)  # e.g. the calendar is not shared with the service account
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        failed = await load(google_runtime, item.id)
        assert (failed.calendar_event_id, failed.calendar_attempts) == ("FAILED", 1)


class TestCrashBetweenInsertAndCommit:
    async def test_the_retry_meets_its_own_event(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        real = google_runtime.jobs.get(SYNC)
        assert real is not None
        crashes: list[int] = []

        async def crash_after_the_provider_call(ctx: object) -> None:
            await real.handler(ctx)  # type: ignore[arg-type]
            if not crashes:
                crashes.append(1)
                raise RuntimeError("process died before the commit")

        registry = JobRegistry()
        registry.register(SYNC, crash_after_the_provider_call)
        google_runtime.jobs = registry
        item = await new_meeting(google_runtime)
        async with google_runtime.session_factory() as s:
            job_id = await s.scalar(select(Job.id).where(Job.kind == SYNC))
        assert await run_job(google_runtime, job_id) == QueueStatus.FAILED
        assert (await load(google_runtime, item.id)).calendar_event_id is None  # rolled back
        assert len(fake_google.events(CALENDAR_ID)) == 1  # but Google has the event
        await drain(google_runtime)
        assert (await load(google_runtime, item.id)).calendar_event_id == event_id_for(OWNER, item.id)
        assert len(fake_google.events(CALENDAR_ID, include_deleted=True)) == 1
        assert [(c.method, c.status) for c in fake_google.calls] == [("insert", 200), ("insert", 409), ("patch", 200)]


class TestChanges:
    async def test_reschedule_patches_the_event(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        later = (utcnow() + dt.timedelta(days=2)).replace(microsecond=0)
        async with google_runtime.unit_of_work() as s:
            await items.schedule(s, await items.owned(s, OWNER, item.number), later, 30)
        await drain(google_runtime)
        (event,) = fake_google.events(CALENDAR_ID)
        assert _start(event) == later
        assert dt.datetime.fromisoformat(event["end"]["dateTime"]) == later + dt.timedelta(minutes=30)  # type: ignore[index]
        assert [c.method for c in fake_google.calls] == ["insert", "patch"]

    async def test_cancel_deletes_the_event_and_undo_brings_it_back(
            self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        async with google_runtime.unit_of_work() as s:
            await items.cancel(s, await items.owned(s, OWNER, item.number))
        await drain(google_runtime)
        assert fake_google.events(CALENDAR_ID) == []
        assert (await load(google_runtime, item.id)).calendar_event_id is None
        async with google_runtime.unit_of_work() as s:
            await items.undo(s, OWNER, utcnow())
        await drain(google_runtime)
        (event,) = fake_google.events(CALENDAR_ID)
        assert event["status"] == "confirmed"
        assert (await load(google_runtime, item.id)).calendar_event_id == event["id"]

    async def test_done_removes_the_event(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        async with google_runtime.unit_of_work() as s:
            await items.mark_done(s, await items.owned(s, OWNER, item.number))
        await drain(google_runtime)
        assert fake_google.events(CALENDAR_ID) == []
        assert fake_google.calls[-1].method == "delete"

    async def test_a_delete_that_fails_is_retried(self, google_runtime: Runtime, fake_google: FakeGoogle) -> None:
        item = await new_meeting(google_runtime)
        await drain(google_runtime)
        fake_google.fail(502)
        async with google_runtime.unit_of_work() as s:
            await items.cancel(s, await items.owned(s, OWNER, item.number))
        await drain(google_runtime)
        assert fake_google.events(CALENDAR_ID) == []
        assert (await load(google_runtime, item.id)).calendar_event_id is None
        assert [c.status for c in fake_google.calls_of("delete")] == [502, 204]


class TestUserOAuth:
    async def _connect(self, runtime: Runtime, fake_google: FakeGoogle, user_id: int, email: str) -> None:
        fake_google.refresh_tokens[f"1//{email}"] = email
        async with runtime.unit_of_work() as s:
            await ensure_user(s, user_id)
            await oauth.save_refresh_token(s, SecretBox.from_settings(runtime.settings), user_id, f"1//{email}")

    async def test_events_go_to_the_users_primary_calendar(self, oauth_runtime: Runtime,
                                                           fake_google: FakeGoogle) -> None:
        await self._connect(oauth_runtime, fake_google, OTHER, "bob@example.com")
        item = await new_meeting(oauth_runtime, OTHER)
        await drain(oauth_runtime)
        (event,) = fake_google.events("bob@example.com")
        assert event["id"] == (await load(oauth_runtime, item.id)).calendar_event_id == event_id_for(OTHER, item.id)
        assert fake_google.calls[0].path.endswith("/calendars/primary/events")

    async def test_a_revoked_authorization_fails_for_good(self, oauth_runtime: Runtime,
                                                          fake_google: FakeGoogle) -> None:
        await self._connect(oauth_runtime, fake_google, OTHER, "bob@example.com")
        fake_google.revoke("bob@example.com")
        item = await new_meeting(oauth_runtime, OTHER)
        await drain(oauth_runtime)
        failed = await load(oauth_runtime, item.id)
        assert (failed.calendar_event_id, failed.calendar_attempts) == ("FAILED", 1)
        assert fake_google.calls == []
