import { useEffect, useState, type FormEvent } from "react";
import { Button, Placeholder, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { useI18n } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useQuery } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import { useMainButton } from "../../lib/useTelegram";
import { journalApi } from "./client";
import { EntryForm, useFormConfig } from "./EntryForm";
import { draftFromValues, formFields, recipeDraft, valuesFromDraft, type FormValues } from "./form";

/** The field an error names (a check in the form, or the server's `details.field`). */
export function errorField(error: unknown): string | undefined {
  const details = isApiError(error) ? (error.details as { field?: unknown } | undefined) : undefined;
  return typeof details?.field === "string" ? details.field : undefined;
}

/** #/journal/new/{recipeId}: the recipe's form; Save adds the entry and opens it. */
export function NewEntry({ recipeId }: { recipeId: string }): JSX.Element {
  const { t } = useI18n();
  const config = useFormConfig();
  const recipes = useQuery((signal) => journalApi.recipes(signal), []);
  const recipe = recipes.data?.find((r) => r.id === recipeId);
  const fields = recipe && config.registry ? formFields(config.registry, recipe.form.fields) : undefined;
  const [values, setValues] = useState<FormValues | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    if (fields && recipe && values === null) setValues(valuesFromDraft(fields, recipeDraft(recipe)));
  }, [fields, recipe, values]);

  async function save(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!recipe || !fields || !values || busy) return;
    setError(undefined);
    setBusy(true);
    try {
      const draft = draftFromValues(recipeDraft(recipe), fields, values, recipe.form.required);
      const entry = await journalApi.create(draft);
      haptic("success");
      navigate(`/journal/entries/${entry.id}?saved=1`, { replace: true });
    } catch (err) {
      haptic("error");
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useMainButton(values ? { text: t("journal.form.save"), enabled: !busy, onClick: () => void save() } : null);

  const loadError = recipes.error ?? config.error;
  return (
    <Screen backTo="/journal" title={recipe ? `${recipe.icon} ${recipe.label}` : t("journal.title")}>
      <ErrorText error={loadError} testId="load-error" />
      {recipes.data && !recipe && <Placeholder header={t("journal.recipe.missing")} data-testid="not-found" />}
      {!values && loadError === undefined && !(recipes.data && !recipe) && (
        <div className="center"><Spinner size="m" /></div>
      )}
      {fields && values && (
        <form onSubmit={(e) => void save(e)} data-testid="new-entry">
          {recipe?.description && <p className="hint">{recipe.description}</p>}
          <EntryForm fields={fields} values={values} onChange={setValues} suggestions={config.suggestions}
            required={recipe?.form.required} invalidField={errorField(error)} />
          <div className="form">
            <ErrorText error={error} />
            <Button type="submit" size="l" stretched loading={busy} data-testid="save">{t("journal.form.save")}</Button>
          </div>
        </form>
      )}
    </Screen>
  );
}
