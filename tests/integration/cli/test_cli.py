"""The `secretary` console script: parse-date prints the contract's JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "secretary.cli", *args], capture_output=True, text=True, timeout=60)


class TestParseDate:
    def test_prints_one_json_object(self) -> None:
        r = run_cli("parse-date", "завтра в 15:00 встреча с Иваном", "--now", "2026-11-22T10:00:00",
                    "--tz", "Europe/Moscow")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == {"date": "2026-11-23", "time": "15:00", "candidates": [], "duration_min": None,
                                        "recurrence": None}

    def test_ambiguous_hour_gives_candidates(self) -> None:
        r = run_cli("parse-date", "в 9", "--now", "2026-11-22T08:00:00", "--tz", "Europe/Moscow")
        out = json.loads(r.stdout)
        assert out["time"] is None and out["candidates"] == ["09:00", "21:00"]

    def test_a_repeat_gives_its_rule_and_first_day(self) -> None:
        r = run_cli("parse-date", "каждый понедельник в 10:00 планёрка", "--now", "2026-11-22T10:00:00",
                    "--tz", "Europe/Moscow")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == {"date": "2026-11-23", "time": "10:00", "candidates": [], "duration_min": None,
                                        "recurrence": "FREQ=WEEKLY;BYDAY=MO"}

    def test_clock_words_and_other_languages(self) -> None:
        r = run_cli("parse-date", "без пяти шесть вечера", "--now", "2026-11-22T10:00:00", "--tz", "Europe/Moscow")
        assert json.loads(r.stdout)["time"] == "17:55"
        r = run_cli("parse-date", "demain à 15h", "--now", "2026-11-22T10:00:00", "--tz", "Europe/Moscow")
        assert json.loads(r.stdout)["date"] == "2026-11-23" and json.loads(r.stdout)["time"] == "15:00"

    def test_unknown_zone_is_a_clear_error(self) -> None:
        r = run_cli("parse-date", "завтра", "--tz", "Mars/Base")
        assert r.returncode == 2 and "Mars/Base" in r.stderr


class TestMallocArenas:
    def test_every_command_limits_glibcs_arenas_unless_the_environment_says(self, monkeypatch: Any) -> None:
        from secretary import cli

        calls: list[tuple[int, int]] = []

        class Libc:
            def mallopt(self, parameter: int, value: int) -> int:
                calls.append((parameter, value))
                return 1

        monkeypatch.setattr(cli.ctypes, "CDLL", lambda _name: Libc())
        monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
        cli._process()
        assert calls == [(-8, 2)]  # M_ARENA_MAX
        monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
        cli._process()
        assert calls == [(-8, 2)]  # glibc read the variable itself
