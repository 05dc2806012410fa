"""The default recipe catalog, shipped as versioned data (``recipes.json``), checked when it is first read.

A recipe is a form template: an action/object pair, a label and icon, its category, the registry's fields the form
shows (and which are required) and how the AI fills it. Users add their own recipes and switch any recipe on or off
(``core.journal.recipes``); this module only knows the shipped ones.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from core.journal.fields import BY_ID
from core.journal.semantic import is_valid_semantic

CATALOG_FILE = Path(__file__).with_name("recipes.json")


class Text(BaseModel):
    ru: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def pick(self, language: str) -> str:
        return self.ru if language == "ru" else self.en


class Subcategory(BaseModel):
    id: str
    label: Text


class Category(BaseModel):
    id: str
    label: Text
    icon: str
    color: str
    subcategories: list[Subcategory]


class Form(BaseModel):
    fields: list[str] = Field(min_length=1)
    required: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> Form:
        unknown = [f for f in self.fields if f not in BY_ID]
        if unknown:
            raise ValueError(f"fields not in the registry: {unknown}")
        if not set(self.required) <= set(self.fields):
            raise ValueError("a required field is not on the form")
        return self


class AiSettings(BaseModel):
    mode: Literal["text", "photo", "url"] = "text"
    extract: list[str] = Field(default_factory=list)
    promptTemplate: str = ""  # noqa: N815 (the spec's name)


class Recipe(BaseModel):
    id: str
    action: str
    object: str
    label: Text
    icon: str
    description: Text
    category: str
    subcategory: str
    color: str
    sortOrder: int  # noqa: N815
    form: Form
    ai: AiSettings
    defaults: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _semantic(self) -> Recipe:
        if not is_valid_semantic(self.action, self.object):
            raise ValueError(f"{self.id}: {self.action}/{self.object} is not an allowed pair")
        return self


class Catalog(BaseModel):
    version: int
    categories: list[Category]
    recipes: list[Recipe]

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        subs = {c.id: {s.id for s in c.subcategories} for c in self.categories}
        for recipe in self.recipes:
            if recipe.subcategory not in subs.get(recipe.category, set()):
                raise ValueError(f"{recipe.id}: unknown category {recipe.category}/{recipe.subcategory}")
        if len({r.id for r in self.recipes}) != len(self.recipes):
            raise ValueError("two recipes share an id")
        return self

    def recipe(self, recipe_id: str) -> Recipe | None:
        return next((r for r in self.recipes if r.id == recipe_id), None)


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    return Catalog.model_validate(json.loads(CATALOG_FILE.read_text(encoding="utf-8")))


def category_ids() -> frozenset[str]:
    return frozenset(c.id for c in catalog().categories)


def categories_json(language: str) -> list[dict[str, Any]]:
    return [{"id": c.id, "label": c.label.pick(language), "icon": c.icon, "color": c.color,
             "subcategories": [{"id": s.id, "label": s.label.pick(language)} for s in c.subcategories]}
            for c in catalog().categories]


def recipe_json(recipe: Recipe, language: str) -> dict[str, Any]:
    return {"id": recipe.id, "action": recipe.action, "object": recipe.object, "label": recipe.label.pick(language),
            "icon": recipe.icon, "description": recipe.description.pick(language), "category": recipe.category,
            "subcategory": recipe.subcategory, "color": recipe.color, "sortOrder": recipe.sortOrder,
            "form": recipe.form.model_dump(), "ai": recipe.ai.model_dump(), "defaults": recipe.defaults,
            "builtin": True, "version": catalog().version}
