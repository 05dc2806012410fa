"""Recipes as a user sees them: the shipped catalog and their own recipes, each switched on or off and ordered by
the user's settings; and the configuration the forms are built from (fields, categories)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.db.values import storable_text
from core.journal import repository as repo
from core.journal.catalog import catalog, category_ids, recipe_json
from core.journal.errors import JournalError, RecipeNotFound
from core.journal.fields import BY_ID
from core.journal.models import RecipeSetting, UserRecipe
from core.journal.schemas import RecipeIn, RecipeSettingsIn, RecipeSettingsOut
from core.journal.semantic import is_valid_semantic
from core.users.models import User

MAX_USER_RECIPES = 200


def user_key(recipe_id: int) -> str:
    return f"u{recipe_id}"


def user_recipe_json(recipe: UserRecipe) -> dict[str, Any]:
    return {"id": user_key(recipe.id), "action": recipe.action, "object": recipe.object, "label": recipe.label,
            "icon": recipe.icon, "description": recipe.description, "category": recipe.category,
            "subcategory": recipe.subcategory, "color": recipe.color, "sortOrder": 10_000 + recipe.id,
            "form": recipe.form, "ai": recipe.ai, "defaults": {}, "builtin": False, "version": 1}


def _check(body: RecipeIn) -> None:
    if not is_valid_semantic(body.action, body.object):
        raise JournalError("ERR_JOURNAL_BAD_SEMANTIC", "this action does not go with this object",
                           action=body.action[:32], object=body.object[:32])
    if body.category not in category_ids():
        raise JournalError("ERR_JOURNAL_BAD_CATEGORY", "no such category", value=body.category[:32])
    unknown = [f for f in [*body.fields, *body.ai_extract] if f not in BY_ID]
    if unknown:
        raise JournalError("ERR_JOURNAL_UNKNOWN_FIELD", "no such field", field=unknown[0][:64])
    if not set(body.required) <= set(body.fields):
        raise JournalError("ERR_JOURNAL_BAD_RECIPE", "a required field is not on the form")


def _apply(recipe: UserRecipe, body: RecipeIn) -> None:
    recipe.action, recipe.object = body.action, body.object
    recipe.label, recipe.icon = storable_text(body.label.strip()), storable_text(body.icon)
    recipe.description, recipe.color = storable_text(body.description), storable_text(body.color)
    recipe.category = body.category
    recipe.subcategory = storable_text(body.subcategory) if body.subcategory else None
    recipe.form = {"fields": list(dict.fromkeys(body.fields)), "required": list(dict.fromkeys(body.required))}
    recipe.ai = {"mode": body.ai_mode, "extract": body.ai_extract,
                 "promptTemplate": storable_text(body.prompt_template)}


async def create(session: AsyncSession, user: User, body: RecipeIn) -> dict[str, Any]:
    _check(body)
    if len(await repo.user_recipes(session, user.id)) >= MAX_USER_RECIPES:
        raise JournalError("ERR_JOURNAL_TOO_MANY_RECIPES", "too many recipes", limit=MAX_USER_RECIPES)
    recipe = UserRecipe(user_id=user.id)
    _apply(recipe, body)
    session.add(recipe)
    await session.flush()
    return user_recipe_json(recipe)


async def _owned(session: AsyncSession, user: User, recipe_id: int) -> UserRecipe:
    recipe = await repo.user_recipe(session, user.id, recipe_id)
    if recipe is None:
        raise RecipeNotFound()
    return recipe


async def update(session: AsyncSession, user: User, recipe_id: int, body: RecipeIn) -> dict[str, Any]:
    recipe = await _owned(session, user, recipe_id)
    _check(body)
    _apply(recipe, body)
    await session.flush()
    return user_recipe_json(recipe)


async def remove(session: AsyncSession, user: User, recipe_id: int) -> None:
    recipe = await _owned(session, user, recipe_id)
    await repo.drop_recipe_settings(session, user.id, [user_key(recipe.id)])
    await session.delete(recipe)
    await session.flush()


async def own(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    return [user_recipe_json(r) for r in await repo.user_recipes(session, user.id)]


async def full_catalog(session: AsyncSession, user: User, language: str) -> list[dict[str, Any]]:
    """Every recipe (shipped, then the user's), with `enabled` and `sortOrder` as the user set them, in order."""
    settings = {s.recipe_key: s for s in await repo.recipe_settings(session, user.id)}
    out = [recipe_json(r, language) for r in catalog().recipes] + await own(session, user)

    def rank(recipe: dict[str, Any]) -> tuple[int, int, str]:
        setting = settings.get(recipe["id"])
        if setting is not None and setting.sort_order is not None:
            return 0, setting.sort_order, recipe["id"]  # the user's order first
        return 1, recipe["sortOrder"], recipe["id"]

    out.sort(key=rank)
    for position, recipe in enumerate(out, start=1):
        setting = settings.get(recipe["id"])
        recipe["enabled"] = setting.enabled if setting is not None else True
        recipe["sortOrder"] = position * 10
    return out


async def get_settings(session: AsyncSession, user: User) -> RecipeSettingsOut:
    rows = await repo.recipe_settings(session, user.id)
    ordered = sorted((r for r in rows if r.sort_order is not None), key=lambda r: r.sort_order or 0)
    return RecipeSettingsOut(enabled={r.recipe_key: r.enabled for r in rows}, order=[r.recipe_key for r in ordered])


async def put_settings(session: AsyncSession, user: User, body: RecipeSettingsIn) -> RecipeSettingsOut:
    """The settings replace the previous ones; every id must name a recipe the user has."""
    known = {r.id for r in catalog().recipes} | {user_key(r.id) for r in await repo.user_recipes(session, user.id)}
    unknown = [k for k in [*body.enabled, *body.order] if k not in known]
    if unknown:
        raise RecipeNotFound(f"no recipe {unknown[0][:64]!r}", recipe=unknown[0][:64])
    await repo.drop_recipe_settings(session, user.id)
    order = {key: (i + 1) * 10 for i, key in enumerate(dict.fromkeys(body.order))}
    for key in dict.fromkeys([*body.enabled, *order]):
        session.add(RecipeSetting(user_id=user.id, recipe_key=key, enabled=body.enabled.get(key, True),
                                  sort_order=order.get(key)))
    await session.flush()
    return await get_settings(session, user)
