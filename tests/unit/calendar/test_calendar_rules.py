"""Pure calendar rules: the sync plan and the event data of an item."""

from __future__ import annotations

import datetime as dt

import pytest

from core.calendar.events import event_from_item, event_id_for, is_event_id
from core.calendar.sync import Op, plan
from core.items.models import ItemKind
from tests.support.items import scheduled_item

NOW = dt.datetime(2026, 3, 28, 12, 0, 0, 500_000, tzinfo=dt.UTC)
EID = event_id_for(1, 2)



class TestSyncPlan:
    @pytest.mark.parametrize(("state", "wanted", "provider", "op"), [
        (None, True, True, Op.CREATE),
        ("PENDING", True, True, Op.CREATE),
        (EID, True, True, Op.UPDATE),
        ("FAILED", True, True, Op.NONE),
        ("FAILED", False, True, Op.NONE),
        (None, False, True, Op.NONE),
        (EID, False, True, Op.DELETE),
        ("PENDING", False, True, Op.DELETE),
        (None, True, False, Op.NONE),
        (EID, True, False, Op.NONE),
        ("PENDING", True, False, Op.CLEAR),
    ])
    def test_the_state_machine(self, state: str | None, wanted: bool, provider: bool, op: Op) -> None:
        assert plan(state, wanted=wanted, has_provider=provider) is op

    def test_states_are_not_event_ids(self) -> None:
        assert is_event_id(EID) and not is_event_id("PENDING") and not is_event_id("FAILED") and not is_event_id(None)


class TestEventData:
    def test_times_and_default_durations(self) -> None:
        start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
        meeting = event_from_item(scheduled_item(start=start), "Europe/Berlin")
        assert (meeting.summary, meeting.end - meeting.start, meeting.timezone) == (
            "Lunch", dt.timedelta(hours=1), "Europe/Berlin")
        assert "lunch with Ann" in meeting.description and "#7" in meeting.description
        short = event_from_item(scheduled_item(ItemKind.REMINDER, start, duration_min=None), "UTC")
        assert short.end - short.start == dt.timedelta(minutes=15)
        longer = event_from_item(scheduled_item(start=start, duration_min=45), "UTC")
        assert longer.end == start + dt.timedelta(minutes=45)
