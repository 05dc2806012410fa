"""Pydantic models that ask to be built lazily (``defer_build=True``) stay lazy when a library rebuilds them only to
hand them a namespace.

aiogram declares its ~400 Telegram types with ``defer_build=True`` and then, at import, calls ``model_rebuild()`` on
every one of them with the namespace that resolves their forward references. ``model_rebuild`` ignores
``defer_build``, so each type builds its validator and serializer at once, each with its own copy of every type it
nests: about 4 s of a process's start and 100 MB of its memory (``bench/bench_start.py``), for validators most
processes never use. Here such a call only records the namespace; the model is built on its first use, with that
namespace, as ``defer_build`` promises (building ``Update``, which nests the message tree, takes about 0.2 s).

Installed once per process, before aiogram is imported: ``core/__init__`` does it, and every package that imports
aiogram imports ``core`` first.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from pydantic import BaseModel

# Base classes whose subclasses are built at class creation although most processes use few of them: made lazy
# before the subclasses exist. aiogram's ~170 API methods (SendMessage, AnswerInlineQuery, ...) take about 1.5 s, and
# each Response[<result type>] builds the whole tree of its result (Response[Message]: the message's ~150 types).
LAZY_BASES = {"aiogram.methods.base": ("TelegramMethod", "Response")}

_namespaces: dict[type[BaseModel], Mapping[str, Any]] = {}
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    original = BaseModel.model_rebuild.__func__  # type: ignore[attr-defined]

    def model_rebuild(cls: type[BaseModel], *, force: bool = False, raise_errors: bool = True,
                      _parent_namespace_depth: int = 2, _types_namespace: Any = None) -> bool | None:
        if (_types_namespace is not None and not force and not cls.__pydantic_complete__
                and cls.model_config.get("defer_build")):
            _namespaces[cls] = _types_namespace  # one dict shared by all of them (aiogram's): kept, not copied
            module = sys.modules[cls.__module__].__dict__
            for name, value in _types_namespace.items():  # the names its module imports only for type checkers
                module.setdefault(name, value)
            return None  # built on first use (pydantic's mock validator calls model_rebuild then)
        if _types_namespace is None and cls in _namespaces:
            _types_namespace = _namespaces[cls]
        depth = _parent_namespace_depth + 1 if _parent_namespace_depth > 0 else 0  # this wrapper is one frame more
        result: bool | None = original(cls, force=force, raise_errors=raise_errors, _parent_namespace_depth=depth,
                                       _types_namespace=_types_namespace)
        if cls.__pydantic_complete__:
            _namespaces.pop(cls, None)
        return result

    BaseModel.model_rebuild = classmethod(model_rebuild)  # type: ignore[method-assign,assignment]
    sys.meta_path.insert(0, _LazyBases())


class _LazyBases(importlib.abc.MetaPathFinder):
    """Sets ``defer_build`` on a LAZY_BASES class right after its module runs (its subclasses inherit the config)."""

    def find_spec(self, fullname: str, path: Any, target: ModuleType | None = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in LAZY_BASES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            for name in LAZY_BASES[fullname]:
                getattr(module, name).model_config["defer_build"] = True

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def deferred() -> int:
    """How many models wait for their first use (tests)."""
    return sum(1 for cls in _namespaces if not cls.__pydantic_complete__)
