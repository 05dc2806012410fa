"""Journal configuration (/api/v1): the field registry, the recipe catalog and categories the forms are built from,
the user's own recipes and their switches, and the dictionaries forms suggest from. Thin endpoints over core.journal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from core.journal import recipes, stats
from core.journal.catalog import categories_json
from core.journal.fields import registry_json
from core.journal.models import TermKind
from core.journal.schemas import CurrenciesOut, RecipeIn, RecipeSettingsIn, RecipeSettingsOut, Term
from webapp.deps import CurrentUser, SessionDep
from webapp.openapi import errors

router = APIRouter(prefix="/api/v1", tags=["journal"])

RecipeId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1, description="the number of a `u<number>` recipe id")]
NOT_FOUND = {404: "ERR_JOURNAL_RECIPE_NOT_FOUND: no such recipe among the user's own"}
BAD_RECIPE = ("ERR_JOURNAL_BAD_SEMANTIC, ERR_JOURNAL_BAD_CATEGORY, ERR_JOURNAL_UNKNOWN_FIELD, ERR_JOURNAL_BAD_RECIPE, "
              "ERR_JOURNAL_TOO_MANY_RECIPES")
Prefix = Annotated[str | None, Query(description="what the value starts with")]
Limit = Annotated[int, Query(ge=1, le=200)]


@router.get("/config/fields")
async def config_fields(user: CurrentUser) -> list[dict[str, Any]]:
    """Every field a form can show (FieldDef), labels in the user's language."""
    return registry_json(user.language)


@router.get("/config/recipes")
async def config_recipes(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """The shipped recipes and the user's own, each with `enabled` and `sortOrder` as the user set them."""
    return await recipes.full_catalog(session, user, user.language)


@router.get("/config/categories")
async def config_categories(user: CurrentUser) -> list[dict[str, Any]]:
    return categories_json(user.language)


@router.get("/recipes")
async def list_recipes(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    """The user's own recipes (ids `u<number>`)."""
    return await recipes.own(session, user)


@router.post("/recipes", status_code=status.HTTP_201_CREATED, responses=errors({400: BAD_RECIPE}))
async def create_recipe(body: RecipeIn, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return await recipes.create(session, user, body)


@router.get("/recipes/settings")
async def recipe_settings(user: CurrentUser, session: SessionDep) -> RecipeSettingsOut:
    return await recipes.get_settings(session, user)


@router.put("/recipes/settings", responses=errors({404: "ERR_JOURNAL_RECIPE_NOT_FOUND: an id names no recipe"}))
async def put_recipe_settings(body: RecipeSettingsIn, user: CurrentUser, session: SessionDep) -> RecipeSettingsOut:
    """Which recipes are on (`enabled`) and their order (`order`); replaces the previous settings."""
    return await recipes.put_settings(session, user, body)


@router.put("/recipes/{recipe_id}", responses=errors({400: BAD_RECIPE, **NOT_FOUND}))
async def update_recipe(recipe_id: RecipeId, body: RecipeIn, user: CurrentUser,
                        session: SessionDep) -> dict[str, Any]:
    return await recipes.update(session, user, recipe_id, body)


@router.delete("/recipes/{recipe_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(NOT_FOUND))
async def delete_recipe(recipe_id: RecipeId, user: CurrentUser, session: SessionDep) -> None:
    await recipes.remove(session, user, recipe_id)


@router.get("/dictionaries/tags")
async def dictionary_tags(user: CurrentUser, session: SessionDep, q: Prefix = None, limit: Limit = 50) -> list[Term]:
    """The user's tags, most used first."""
    return await stats.terms(session, user, TermKind.TAG, q=q, limit=limit)


@router.get("/dictionaries/people")
async def dictionary_people(user: CurrentUser, session: SessionDep, q: Prefix = None,
                            limit: Limit = 50) -> list[Term]:
    return await stats.terms(session, user, TermKind.PERSON, q=q, limit=limit)


@router.get("/dictionaries/places")
async def dictionary_places(user: CurrentUser, session: SessionDep, q: Prefix = None,
                            limit: Limit = 50) -> list[Term]:
    """Places, most used first, with the coordinates of their latest entry that has them."""
    return await stats.terms(session, user, TermKind.PLACE, q=q, limit=limit)


@router.get("/dictionaries/currencies")
async def dictionary_currencies(user: CurrentUser, session: SessionDep) -> CurrenciesOut:
    return await stats.currencies(session, user)
