import { useState, type FormEvent } from "react";
import { Button, Input, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { StatusText, type Status as Notice } from "../../components/StatusText";
import { useI18n, type MessageKey } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useDebounced, useQuery, useRefetchOnFocus } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import { useMainButton } from "../../lib/useTelegram";
import { addDays, byDay, dayIn, type Item, type ItemPage, type Status } from "./api";
import { agendaApi } from "./client";
import { formatDay, whenText } from "./format";
import { ItemRow } from "./ItemRow";

export type View = "today" | "week" | "list";
export const VIEW_PATHS: Record<View, string> = { today: "/agenda", week: "/agenda/week", list: "/agenda/list" };
const WEEK_DAYS = 7;
const PAGE = 20;
const FILTERS = ["all", "inbox", "scheduled", "done", "cancelled"] as const;
type Filter = (typeof FILTERS)[number];

/** Answers a question in place; the list reloads either way (a stale question has been answered elsewhere). */
export async function answerQuestion(item: Item, choice: string, lang: string, setNotice: (n: Notice | null) => void,
  setError: (e: unknown) => void): Promise<void> {
  setError(undefined);
  setNotice(null);
  try {
    const updated = await agendaApi.answer(item.id, choice);
    haptic("success");
    setNotice(updated.status === "cancelled" ? { key: "item.status.cancelled" }
      : { key: "item.status.answered", vars: { when: whenText(updated, lang) } });
  } catch (err) {
    haptic("error");
    setError(err);
  }
}

/** The agenda: today, the next seven days, or every item; a box to add one by text, as in the chat. */
export function AgendaScreen({ view }: { view: View }): JSX.Element {
  const { t, lang } = useI18n();
  const me = useQuery((signal) => agendaApi.me(signal), []);
  const today = me.data ? dayIn(me.data.timezone) : undefined;
  const [filter, setFilter] = useState<Filter>("all");
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 300);
  const [pages, setPages] = useState(1);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const items = useQuery<ItemPage | undefined>(async (signal) => {
    if (!today) return undefined;
    if (view === "today") return agendaApi.list({ dateFrom: today, dateTo: today, perPage: 100 }, signal);
    if (view === "week") {
      return agendaApi.list({ dateFrom: today, dateTo: addDays(today, WEEK_DAYS - 1), perPage: 100 }, signal);
    }
    const status = filter === "all" ? undefined : (filter as Status);
    return agendaApi.list({ status, q: q || undefined, perPage: PAGE * pages }, signal);
  }, [view, today, filter, q, pages]);
  const waiting = useQuery((signal) => agendaApi.list({ status: "inbox", perPage: 50 }, signal), []);
  const refresh = (): void => {
    void items.refetch();
    void waiting.refetch();
  };
  useRefetchOnFocus(refresh);

  async function add(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    const said = text.trim();
    if (!said || busy) return;
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      const created = await agendaApi.create(said);
      setText("");
      haptic("success");
      setNotice({ key: "agenda.add.created", vars: { number: created.number } });
      refresh();
    } catch (err) {
      haptic("error");
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  useMainButton(text.trim() ? { text: t("agenda.add.submit"), enabled: !busy, onClick: () => void add() } : null);

  const onAnswer = async (item: Item, choice: string): Promise<void> => {
    await answerQuestion(item, choice, lang, setNotice, setError);
    refresh();
  };

  const asking = (waiting.data?.items ?? []).filter((item) => item.question !== null);
  const shown = (items.data?.items ?? []).filter((item) => !asking.some((a) => a.id === item.id));
  const loadError = me.error ?? items.error;

  return (
    <Screen title={t("agenda.title")}>
      <div className="tabs" role="tablist">
        {(Object.keys(VIEW_PATHS) as View[]).map((name) => (
          <Button key={name} size="s" mode={name === view ? "filled" : "bezeled"} role="tab"
            aria-selected={name === view} onClick={() => navigate(VIEW_PATHS[name])} data-testid={`tab-${name}`}>
            {t(`agenda.tab.${name}` as MessageKey)}
          </Button>
        ))}
      </div>

      <Section header={t("agenda.add.label")}>
        <form className="form add-form" onSubmit={(e) => void add(e)}>
          <Input value={text} onChange={(e) => setText(e.target.value)} placeholder={t("agenda.add.placeholder")}
            aria-label={t("agenda.add.label")} maxLength={4096} data-testid="add-input" />
          <Button type="submit" size="m" disabled={!text.trim() || busy} loading={busy} data-testid="add-submit">
            {t("agenda.add.submit")}
          </Button>
          <ErrorText error={error} />
          <StatusText status={notice} />
        </form>
      </Section>

      {asking.length > 0 && (
        <Section header={t("agenda.waiting")} data-testid="waiting">
          {asking.map((item) => <ItemRow key={item.id} item={item} showDay onAnswer={onAnswer} />)}
        </Section>
      )}

      {view === "list" && (
        <Section>
          <div className="form">
            <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)}
              placeholder={t("agenda.search")} aria-label={t("agenda.search")} data-testid="search-input" />
            <div className="tabs">
              {FILTERS.map((name) => (
                <Button key={name} size="s" mode={name === filter ? "filled" : "plain"}
                  onClick={() => { setFilter(name); setPages(1); }} data-testid={`filter-${name}`}>
                  {t((name === "all" ? "agenda.filter.all" : `status.${name}`) as MessageKey)}
                </Button>
              ))}
            </div>
          </div>
        </Section>
      )}

      {loadError !== undefined && (
        <div className="form">
          <ErrorText error={loadError} testId="load-error" />
          {!(isApiError(loadError) && loadError.code === "ERR_UNAUTHORIZED") && (
            <Button size="s" mode="bezeled" onClick={refresh} data-testid="retry-button">{t("common.retry")}</Button>
          )}
        </div>
      )}
      {items.data === undefined && loadError === undefined && (
        <div className="center" data-testid="loading"><Spinner size="m" /></div>
      )}
      {items.data !== undefined && shown.length === 0 && (
        <Placeholder data-testid="empty-state"
          description={t(view === "today" ? "agenda.today.empty" : view === "week" ? "agenda.week.empty"
            : "agenda.list.empty")} />
      )}
      {view === "week"
        ? byDay(shown).map(([day, dayItems]) => (
          <Section key={day} header={formatDay(day, lang)} data-testid={`day-${day}`}>
            {dayItems.map((item) => <ItemRow key={item.id} item={item} onAnswer={onAnswer} />)}
          </Section>
        ))
        : shown.length > 0 && (
          <Section header={view === "today" && today ? formatDay(today, lang) : undefined} data-testid="items">
            {shown.map((item) => <ItemRow key={item.id} item={item} showDay={view === "list"} onAnswer={onAnswer} />)}
          </Section>
        )}
      {view === "list" && items.data && items.data.total > items.data.items.length && (
        <Button size="m" mode="plain" onClick={() => setPages(pages + 1)} data-testid="more">{t("agenda.more")}</Button>
      )}
    </Screen>
  );
}
