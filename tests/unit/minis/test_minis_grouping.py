"""Read-time grouping of raw history events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.minis.grouping import RawEvent, group_events

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _event(seconds: float, from_stage: str | None = "IN_BOX", to_stage: str = "BUILDING", qty: int = 1) -> RawEvent:
    return RawEvent(from_stage, to_stage, qty, T0 + timedelta(seconds=seconds))


def _summary(events: list[RawEvent]) -> list[tuple[str | None, str, int, float, int]]:
    return [(g.from_stage, g.to_stage, g.qty, (g.timestamp - T0).total_seconds(), g.events)
            for g in group_events(events)]


class TestGroupEvents:
    def test_no_events_no_groups(self) -> None:
        assert group_events([]) == []

    def test_just_under_five_minutes_merges_and_sums(self) -> None:
        assert _summary([_event(0, qty=2), _event(299.999, qty=3)]) == [("IN_BOX", "BUILDING", 5, 0, 2)]

    def test_five_minutes_or_more_splits(self) -> None:
        assert _summary([_event(0), _event(300)]) == [
            ("IN_BOX", "BUILDING", 1, 0, 1), ("IN_BOX", "BUILDING", 1, 300, 1),
        ]
        assert len(group_events([_event(0), _event(301)])) == 2

    def test_chain_of_close_events_stays_one_group(self) -> None:
        assert _summary([_event(s) for s in (0, 250, 500, 750)]) == [("IN_BOX", "BUILDING", 4, 0, 4)]

    def test_other_move_in_between_splits(self) -> None:
        events = [_event(0), _event(1, "BUILDING", "DONE"), _event(2)]
        assert [g.events for g in group_events(events)] == [1, 1, 1]

    def test_additions_group_among_themselves(self) -> None:
        events = [_event(0, None, "IN_BOX", 5), _event(10, None, "IN_BOX", 5), _event(20)]
        assert _summary(events) == [(None, "IN_BOX", 10, 0, 2), ("IN_BOX", "BUILDING", 1, 20, 1)]
