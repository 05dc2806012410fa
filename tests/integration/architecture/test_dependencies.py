"""Every package the code imports is declared in pyproject.toml (the product's imports as runtime dependencies),
so that the lock, which is made from the declarations, installs everything the code needs."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("secretary", "core", "bot", "webapp", "worker", "sandbox", "client")
HELPERS = ("tests", "bench")


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]).lower()


def declared() -> tuple[set[str], set[str]]:
    """(runtime and optional extras, dev) distribution names, normalised."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = {_name(r) for r in project["dependencies"]}
    runtime |= {_name(r) for name, reqs in extras.items() if name != "dev" for r in reqs}
    return runtime, {_name(r) for r in extras["dev"]}


def imported(folders: tuple[str, ...]) -> dict[str, set[str]]:
    """Third-party top-level modules imported under ``folders``, with a file that imports each."""
    local = set(PRODUCT + HELPERS) | {p.stem for p in (ROOT / "tests").rglob("*.py")}
    found: dict[str, set[str]] = {}
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "node_modules" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for top in {n.split(".")[0] for n in names} - local - set(sys.stdlib_module_names):
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def undeclared(modules: dict[str, set[str]], allowed: set[str]) -> dict[str, set[str]]:
    distributions = importlib.metadata.packages_distributions()
    missing = {}
    for module, files in modules.items():
        candidates = {_name(d) for d in distributions.get(module, [])} or {_name(module)}  # an uninstalled extra
        if not candidates & allowed:
            missing[module] = files
    return missing


class TestDeclared:
    def test_the_product_imports_only_runtime_dependencies(self) -> None:
        runtime, _ = declared()
        assert undeclared(imported(PRODUCT), runtime) == {}

    def test_tests_and_benchmarks_import_only_declared_packages(self) -> None:
        runtime, dev = declared()
        assert undeclared(imported(HELPERS), runtime | dev) == {}

    def test_the_check_sees_an_undeclared_import(self) -> None:
        runtime, _ = declared()
        assert "httplib2" in runtime  # imported by core/calendar/google.py
        assert set(undeclared({"httplib2": {"x.py"}}, runtime - {"httplib2"})) == {"httplib2"}
        assert {"aiogram", "sqlalchemy", "google"} <= set(imported(PRODUCT))
