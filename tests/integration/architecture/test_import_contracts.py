"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and a back-edge would break them.

Each back-edge case copies the packages into a temporary folder, adds one module with the forbidden import, and runs
the real `lint-imports` there: it must fail, naming the contract the edge breaks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("secretary", "core", "bot", "webapp", "worker", "sandbox", "client")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "500"}  # a contract and its verdict on one line
    return subprocess.run([LINT_IMPORTS, "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source packages and the contracts, without the front end, static files and catalogs."""
    path = tmp_path_factory.mktemp("tree")
    skip = shutil.ignore_patterns("frontend", "static", "locales", "__pycache__", "*.pyc")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, path / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", path / "pyproject.toml")
    return path


def test_the_contracts_hold_on_the_tree() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "source", "contract"), [
    ("core/_back_edge.py", "import bot.dispatcher\n", "Layers"),
    ("core/_back_edge.py", "import secretary.apps\n", "Layers"),
    ("webapp/_back_edge.py", "import bot.ingress\n", "Layers"),
    ("sandbox/_back_edge.py", "import core.config\n", "The sandbox is an emulator"),
    ("core/items/_back_edge.py", "import core.calendar.sync\n", "Items know none"),
    ("core/reminders/_back_edge.py", "import core.topics.service\n", "Apps in core do not import each other"),
    ("core/queue/_back_edge.py", "import core.items.models\n", "core's infrastructure knows no app"),
    ("core/_back_edge.py", "import fastapi\n", "core knows no web framework"),
    ("bot/items/_back_edge.py", "import bot.reminders.views\n", "Apps in the bot do not import each other"),
    ("client/_back_edge.py", "import core.config\n", "The CLI client talks HTTP only"),
    ("webapp/_back_edge.py", "import client.api\n", "Nothing of the product imports the CLI client"),
])
def test_a_back_edge_breaks_its_contract(tree: Path, module: str, source: str, contract: str) -> None:
    added = tree / module
    added.write_text(source)
    try:
        result = lint_imports(tree)
    finally:
        added.unlink()
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(line.startswith(contract) for line in broken), result.stdout
