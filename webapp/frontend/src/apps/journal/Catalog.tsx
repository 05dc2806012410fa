import { Cell, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { useI18n } from "../../i18n";
import { useQuery } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import type { Category, Recipe } from "./api";
import { journalApi } from "./client";
import { JournalNav } from "./JournalNav";

/** The user's enabled recipes, in their order, grouped by category (a category where its first recipe is). */
export function groupRecipes(recipes: Recipe[], categories: Category[]): Array<{ category: Category; recipes: Recipe[] }> {
  const byId = new Map(categories.map((c) => [c.id, c]));
  const groups = new Map<string, Recipe[]>();
  for (const recipe of recipes) {
    if (!recipe.enabled) continue;
    groups.set(recipe.category, [...(groups.get(recipe.category) ?? []), recipe]);
  }
  return [...groups.entries()].map(([id, list]) => ({
    category: byId.get(id) ?? { id, label: id, icon: "", color: "", subcategories: [] }, recipes: list,
  }));
}

/** #/journal: pick what to record. */
export function Catalog(): JSX.Element {
  const { t } = useI18n();
  const data = useQuery(async (signal) => {
    const [recipes, categories] = await Promise.all([journalApi.recipes(signal), journalApi.categories(signal)]);
    return groupRecipes(recipes, categories);
  }, []);
  return (
    <Screen title={t("journal.title")}>
      <JournalNav current="catalog" />
      <ErrorText error={data.error} testId="load-error" />
      {data.data === undefined && data.error === undefined && <div className="center"><Spinner size="m" /></div>}
      {data.data?.length === 0 && <Placeholder description={t("journal.catalog.empty")} data-testid="empty-state" />}
      {data.data?.map(({ category, recipes }) => (
        <Section key={category.id} header={`${category.icon} ${category.label}`.trim()} data-testid={`category-${category.id}`}>
          {recipes.map((recipe) => (
            <Cell key={recipe.id} before={<span className="recipe-icon" style={{ background: recipe.color || undefined }}>
              {recipe.icon}</span>}
              subtitle={recipe.description} onClick={() => { haptic("light"); navigate(`/journal/new/${recipe.id}`); }}
              data-testid={`recipe-${recipe.id}`}>
              {recipe.label}
            </Cell>
          ))}
        </Section>
      ))}
    </Screen>
  );
}
