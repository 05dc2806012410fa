"""docs/sandbox.md lists every Bot API method, and says "emulated" exactly for those the sandbox answers."""

from __future__ import annotations

import re
from pathlib import Path

import sandbox.methods  # noqa: F401  - registers the methods
from sandbox.apitypes import METHOD_PARAMS
from sandbox.registry import method_names

DOC = Path(__file__).parents[3] / "docs" / "sandbox.md"
ROW = re.compile(r"^\| `(\w+)` \| (emulated|not emulated)", re.MULTILINE)


def test_every_bot_api_method_is_listed_with_what_the_sandbox_does() -> None:
    listed = dict(ROW.findall(DOC.read_text()))

    assert set(listed) == set(METHOD_PARAMS)
    assert {name for name, status in listed.items() if status == "emulated"} == set(method_names())
