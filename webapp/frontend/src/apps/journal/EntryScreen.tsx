import { useState, type FormEvent } from "react";
import { Button, Cell, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { StatusText, type Status } from "../../components/StatusText";
import { useI18n, type MessageKey } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useQuery } from "../../lib/hooks";
import { haptic } from "../../lib/telegram";
import { useMainButton } from "../../lib/useTelegram";
import type { Entry, FieldDef, Recipe } from "./api";
import { journalApi } from "./client";
import { EntryForm, useFormConfig } from "./EntryForm";
import { DEFAULT_FIELDS, draftFromValues, entryDraft, formFields, valuesFromDraft, type FormValues } from "./form";
import { formatDay, formatMoney } from "./format";
import { errorField } from "./NewEntry";

function fieldsOf(registry: FieldDef[], recipes: Recipe[], entry: Entry): FieldDef[] {
  const recipe = entry.recipeId ? recipes.find((r) => r.id === entry.recipeId) : undefined;
  return formFields(registry, recipe ? recipe.form.fields : DEFAULT_FIELDS, entryDraft(entry));
}

/** One field's value as text for the card ("" when it has none). */
export function shownValue(field: FieldDef, entry: Entry, lang: string): string {
  const column = (entry as unknown as Record<string, unknown>)[field.id];
  const raw = field.id in entry && field.id !== "extras" ? column : entry.extras[field.id];
  if (raw === null || raw === undefined || raw === "" || (Array.isArray(raw) && raw.length === 0)) return "";
  if (field.id === "amount" && typeof raw === "number") return formatMoney(raw, entry.currency, lang);
  if (field.type === "date" && typeof raw === "string") return formatDay(raw, lang);
  if (field.type === "tags" && Array.isArray(raw)) return raw.map((v) => `#${String(v)}`).join(" ");
  if (Array.isArray(raw)) return raw.map(String).join(", ");
  if (field.type === "geo" && typeof raw === "object") {
    const geo = raw as { lat: number; lon: number };
    return `${geo.lat}, ${geo.lon}`;
  }
  if (field.type === "select" && field.options) return field.options.find((o) => o.value === raw)?.label ?? String(raw);
  if (typeof raw === "object") return JSON.stringify(raw);
  return String(raw);
}

/** #/journal/entries/{id}: the entry; edit it, delete it (and undo), see what it was before each change. */
export function EntryScreen({ id }: { id: string }): JSX.Element {
  const { t, lang, formatDateTime } = useI18n();
  const config = useFormConfig();
  const entry = useQuery((signal) => journalApi.get(id, signal), [id]);
  const recipes = useQuery((signal) => journalApi.recipes(signal), []);
  const [showHistory, setShowHistory] = useState(false);
  const versions = useQuery((signal) => (showHistory ? journalApi.versions(id, signal) : Promise.resolve(undefined)),
    [id, showHistory, entry.data?.version]);
  const [editing, setEditing] = useState<FormValues | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<Status | null>(
    window.location.hash.includes("saved=1") ? { key: "journal.entry.saved" } : null);

  const data = entry.data;
  const fields = data && config.registry && recipes.data ? fieldsOf(config.registry, recipes.data, data) : undefined;

  async function act(run: () => Promise<Entry | void>, done: MessageKey): Promise<void> {
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      const updated = await run();
      if (updated) entry.setData(updated);
      else await entry.refetch();
      haptic("success");
      setNotice({ key: done });
    } catch (err) {
      haptic("error");
      setError(err);
      if (isApiError(err) && err.code === "ERR_JOURNAL_VERSION_CONFLICT") void entry.refetch();
    } finally {
      setBusy(false);
    }
  }

  async function save(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!data || !fields || !editing || busy) return;
    let draft;
    try {
      draft = draftFromValues(entryDraft(data), fields, editing);
    } catch (err) {
      haptic("error");
      setError(err);
      return;
    }
    await act(() => journalApi.update(data.id, { ...draft, version: data.version }), "journal.entry.updated");
    setEditing(null);
  }
  const remove = (): Promise<void> => act(() => journalApi.remove(Number(id)), "journal.entry.deleted");
  const restore = (): Promise<void> => act(() => journalApi.restore(Number(id)), "journal.entry.restored");

  useMainButton(editing ? { text: t("journal.form.save"), enabled: !busy, onClick: () => void save() } : null);

  const deleted = Boolean(data?.deletedAt);
  return (
    <Screen backTo="/journal/entries" title={data ? `#${data.number} ${data.title}` : t("journal.entries.title")}>
      {entry.error !== undefined && (isApiError(entry.error) && entry.error.status === 404
        ? <Placeholder header={t("journal.entry.notFound")} data-testid="not-found" />
        : <ErrorText error={entry.error} testId="load-error" />)}
      {(!data || !fields) && entry.error === undefined && <div className="center"><Spinner size="m" /></div>}
      <div className="form">
        <StatusText status={notice} />
        <ErrorText error={error} />
      </div>
      {data && fields && editing && (
        <form onSubmit={(e) => void save(e)} data-testid="edit-form">
          <EntryForm fields={fields} values={editing} onChange={setEditing} suggestions={config.suggestions}
            invalidField={errorField(error)} />
          <div className="form form-actions">
            <Button type="submit" size="l" stretched loading={busy} data-testid="save">{t("journal.form.save")}</Button>
            <Button type="button" size="m" mode="plain" onClick={() => { setEditing(null); setError(undefined); }}
              data-testid="cancel-edit">{t("common.cancel")}</Button>
          </div>
        </form>
      )}
      {data && fields && !editing && (
        <>
          {deleted && <p className="app-error form" data-testid="deleted-note">{t("journal.entry.isDeleted")}</p>}
          <Section data-testid="entry-card" className={deleted ? "entry-deleted" : undefined}>
            {fields.map((field) => {
              const value = shownValue(field, data, lang);
              return value ? (
                <Cell key={field.id} subhead={field.label} multiline data-testid={`value-${field.id}`}>{value}</Cell>
              ) : null;
            })}
          </Section>
          <div className="form form-actions">
            {deleted ? (
              <Button size="m" onClick={() => void restore()} loading={busy} data-testid="restore">
                {t("journal.entry.restore")}
              </Button>
            ) : (
              <>
                <Button size="m" mode="bezeled" onClick={() => { setNotice(null); setEditing(valuesFromDraft(fields, entryDraft(data))); }}
                  data-testid="edit">{t("journal.entry.edit")}</Button>
                <Button size="m" mode="plain" className="destructive" onClick={() => void remove()} loading={busy}
                  data-testid="delete">{t("journal.entry.delete")}</Button>
              </>
            )}
          </div>
          <Section header={t("journal.history.title")} data-testid="history">
            {!showHistory ? (
              <Cell onClick={() => setShowHistory(true)} data-testid="show-history">
                {t("journal.history.show", { n: data.version })}
              </Cell>
            ) : versions.data === undefined ? (
              <div className="center"><Spinner size="s" /></div>
            ) : versions.data.length === 0 ? (
              <Cell data-testid="history-empty">{t("journal.history.empty")}</Cell>
            ) : versions.data.map((v) => (
              <Cell key={`${v.version}-${v.changedAt}`} multiline data-testid={`version-${v.version}`}
                subhead={`${t("journal.history.version", { n: v.version })} · ${formatDateTime(new Date(v.changedAt))}`}
                description={t(`journal.change.${v.change}` as MessageKey)}>
                {[v.entry.title, typeof v.entry.amount === "number" ? formatMoney(v.entry.amount, v.entry.currency ?? null, lang) : ""]
                  .filter(Boolean).join(" · ") || "—"}
              </Cell>
            ))}
          </Section>
        </>
      )}
    </Screen>
  );
}
