import { useEffect, useState, type FormEvent } from "react";
import { Button, Cell, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { useI18n } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useQuery } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import { useMainButton } from "../../lib/useTelegram";
import type { EntryDraft, FieldDef, Recipe } from "./api";
import { journalApi } from "./client";
import { EntryForm, useFormConfig } from "./EntryForm";
import { DEFAULT_FIELDS, draftFromValues, formFields, valuesFromDraft, type FormValues } from "./form";
import { errorField } from "./NewEntry";

interface DraftForm { base: EntryDraft; fields: FieldDef[]; values: FormValues; required: string[] }

function draftForm(registry: FieldDef[], recipes: Recipe[], draft: EntryDraft): DraftForm {
  const recipe = draft.recipeId ? recipes.find((r) => r.id === draft.recipeId) : undefined;
  const ids = recipe ? recipe.form.fields : DEFAULT_FIELDS;
  const fields = formFields(registry, ids, draft);
  return { base: draft, fields, values: valuesFromDraft(fields, draft), required: recipe?.form.required ?? [] };
}

/** #/journal/proposals/{id}: what the chat proposed ("Edit" under its card), one form per entry; Save saves all. */
export function ProposalScreen({ id }: { id: string }): JSX.Element {
  const { t, tp } = useI18n();
  const config = useFormConfig();
  const proposal = useQuery((signal) => journalApi.proposal(id, signal), [id]);
  const recipes = useQuery((signal) => journalApi.recipes(signal), []);
  const [forms, setForms] = useState<DraftForm[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [failed, setFailed] = useState<number | null>(null);
  const [saved, setSaved] = useState<number[] | null>(null);

  useEffect(() => {
    if (forms === null && proposal.data && recipes.data && config.registry) {
      const registry = config.registry;
      setForms(proposal.data.drafts.map((d) => draftForm(registry, recipes.data ?? [], d)));
    }
  }, [forms, proposal.data, recipes.data, config.registry]);

  const closed = Boolean(proposal.data && proposal.data.status !== "open");
  async function save(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!forms || busy || saved) return;
    setError(undefined);
    setFailed(null);
    let drafts: EntryDraft[];
    try {
      drafts = forms.map((f, i) => {
        setFailed(i);
        return draftFromValues(f.base, f.fields, f.values, f.required);
      });
      setFailed(null);
    } catch (err) {
      haptic("error");
      setError(err);
      return;
    }
    setBusy(true);
    try {
      const result = await journalApi.saveProposal(id, drafts);
      haptic("success");
      setSaved(result.entryIds);
    } catch (err) {
      haptic("error");
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useMainButton(forms && !saved && !closed ? {
    text: forms.length > 1 ? t("journal.proposal.saveAll", { n: forms.length }) : t("journal.form.save"),
    enabled: !busy, onClick: () => void save() } : null);

  const loadError = proposal.error ?? recipes.error ?? config.error;
  const status = isApiError(error) ? error.status : 0;
  return (
    <Screen backTo="/journal/entries" title={t("journal.proposal.title")}>
      {loadError !== undefined && (isApiError(loadError) && loadError.status === 404
        ? <Placeholder header={t("journal.proposal.notFound")} data-testid="not-found" />
        : <ErrorText error={loadError} testId="load-error" />)}
      {forms === null && loadError === undefined && <div className="center"><Spinner size="m" /></div>}
      {proposal.data?.text && <p className="hint proposal-text" data-testid="proposal-text">«{proposal.data.text}»</p>}
      {closed && !saved && <p className="app-error" data-testid="proposal-closed">{t("journal.proposal.closed")}</p>}
      {saved ? (
        <Section header={tp("journal.proposal.saved", saved.length)} data-testid="proposal-saved">
          {saved.map((entryId, i) => (
            <Cell key={entryId} onClick={() => navigate(`/journal/entries/${entryId}`)} data-testid={`saved-${entryId}`}>
              {String(forms?.[i]?.values.title ?? "") || `#${entryId}`}
            </Cell>
          ))}
        </Section>
      ) : forms && (
        <form onSubmit={(e) => void save(e)} data-testid="proposal-form">
          {forms.map((form, i) => (
            <EntryForm key={i} fields={form.fields} values={form.values} suggestions={config.suggestions}
              required={form.required} testId={`draft-${i}`}
              header={forms.length > 1 ? t("journal.proposal.draft", { n: i + 1 }) : undefined}
              invalidField={failed === i ? errorField(error) : undefined}
              onChange={(values) => setForms(forms.map((f, j) => (j === i ? { ...f, values } : f)))} />
          ))}
          <div className="form">
            {status === 409 ? <p className="app-error" role="alert" data-testid="error-text">{t("journal.proposal.closed")}</p>
              : <ErrorText error={error} />}
            <Button type="submit" size="l" stretched loading={busy} disabled={closed} data-testid="save">
              {forms.length > 1 ? t("journal.proposal.saveAll", { n: forms.length }) : t("journal.form.save")}
            </Button>
          </div>
        </form>
      )}
    </Screen>
  );
}
