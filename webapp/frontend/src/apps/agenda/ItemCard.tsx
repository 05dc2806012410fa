import { useEffect, useState } from "react";
import { Button, Cell, Input, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { StatusText, type Status as Notice } from "../../components/StatusText";
import { useI18n, type MessageKey } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useQuery, useRefetchOnFocus } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import { useMainButton } from "../../lib/useTelegram";
import { dayIn, isOpen, KINDS, type Item, type Kind } from "./api";
import { answerQuestion, VIEW_PATHS } from "./AgendaScreen";
import { agendaApi } from "./client";
import { whenText } from "./format";
import { QuestionChoices } from "./QuestionChoices";

/** Codes after which the item on screen is probably stale: reload it. */
const STALE_CODES = new Set(["ERR_ITEM_ALREADY_DONE", "ERR_ITEM_ALREADY_CANCELLED", "ERR_QUESTION_EXPIRED",
  "ERR_ITEM_CANCELLED", "ERR_NOTHING_TO_UNDO"]);

/** One item: what and when, its open question, edit, reschedule (date and time), done, skip, cancel, undo. */
export function ItemCard({ id }: { id: string }): JSX.Element {
  const { t, lang } = useI18n();
  const query = useQuery((signal) => agendaApi.get(id, signal), [id]);
  const me = useQuery((signal) => agendaApi.me(signal), []);
  useRefetchOnFocus(() => void query.refetch());
  const item = query.data;
  const [title, setTitle] = useState("");
  const [kind, setKind] = useState<Kind>("note");
  const [date, setDate] = useState("");
  const [time, setTime] = useState("");
  const [duration, setDuration] = useState("");
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {  // the form follows the item as the server has it
    if (!item) return;
    setTitle(item.title);
    setKind(item.kind);
    setDate(item.date ?? (me.data ? dayIn(me.data.timezone) : ""));
    setTime(item.time ?? "");
    setDuration(item.duration_min ? String(item.duration_min) : "");
  }, [item?.id, item?.updated_at, me.data?.timezone]);

  async function run(action: () => Promise<Item>, done: (updated: Item) => Notice): Promise<void> {
    setBusy(true);
    setError(undefined);
    setNotice(null);
    try {
      const updated = await action();
      query.setData(updated);
      haptic("success");
      setNotice(done(updated));
    } catch (err) {
      haptic("error");
      setError(err);
      if (isApiError(err) && STALE_CODES.has(err.code)) void query.refetch();
    } finally {
      setBusy(false);
    }
  }

  const when = (updated: Item): Record<string, string> => ({ when: whenText(updated, lang) });
  const markDone = (): Promise<void> => run(() => agendaApi.done(id), (u) =>
    isOpen(u) ? { key: "item.status.next", vars: when(u) } : { key: "item.status.done" });
  useMainButton(item && isOpen(item) ? { text: t("item.done"), enabled: !busy, onClick: () => void markDone() } : null);

  if (!item) {
    return (
      <Screen backTo={VIEW_PATHS.today}>
        {query.error !== undefined ? (
          <Placeholder action={
            <Button size="m" onClick={() => navigate(VIEW_PATHS.today)} data-testid="home-button">{t("nav.home")}</Button>
          }>
            <ErrorText error={query.error} />
          </Placeholder>
        ) : (
          <div className="center" data-testid="loading"><Spinner size="m" /></div>
        )}
      </Screen>
    );
  }

  const open = isOpen(item);
  const closedStatus = open ? "" : ` · ${t(`status.${item.status}` as MessageKey)}`;
  return (
    <Screen backTo={VIEW_PATHS.today} title={<span data-testid="item-headline">
      #{item.number} {t(`kind.${item.kind}` as MessageKey)}: {item.title}</span>}>
      <Section>
        <Cell subtitle={t("item.when")} multiline data-testid="item-when">
          {(whenText(item, lang) || t("agenda.noDay")) + closedStatus}
        </Cell>
        {item.recurrence && <Cell subtitle={t("item.repeats")} data-testid="item-repeats">🔁 {item.recurrence}</Cell>}
        {item.text !== item.title && <Cell multiline data-testid="item-text">{item.text}</Cell>}
        {item.question && (
          <QuestionChoices item={item} onAnswer={async (choice) => {
            await answerQuestion(item, choice, lang, setNotice, setError);
            await query.refetch();
          }} />
        )}
        <div className="form">
          <ErrorText error={error} />
          <StatusText status={notice} />
        </div>
      </Section>

      <Section>
        <div className="actions">
          {open && <Button size="m" disabled={busy} onClick={() => void markDone()} data-testid="item-done">
            {t("item.done")}</Button>}
          {open && item.recurrence && (
            <Button size="m" mode="bezeled" disabled={busy} data-testid="item-skip"
              onClick={() => void run(() => agendaApi.skip(id), (u) => ({ key: "item.status.skipped", vars: when(u) }))}>
              {t("item.skip")}</Button>
          )}
          {open && <Button size="m" mode="bezeled" disabled={busy} data-testid="item-cancel"
            onClick={() => void run(() => agendaApi.cancel(id), () => ({ key: "item.status.cancelled" }))}>
            {t("item.cancel")}</Button>}
          <Button size="m" mode="plain" disabled={busy} data-testid="item-undo"
            onClick={() => void run(() => agendaApi.undo(id), () => ({ key: "item.status.undone" }))}>
            {t("item.undo")}</Button>
        </div>
      </Section>

      {item.status !== "cancelled" && (
        <Section header={t("item.reschedule")}>
          <form className="form" onSubmit={(e) => {
            e.preventDefault();
            const minutes = duration.trim() ? Number(duration) : undefined;
            void run(() => agendaApi.schedule(id, { date: date || undefined, time, duration_min: minutes }),
              (u) => ({ key: "item.scheduled", vars: when(u) }));
          }}>
            <label className="field">{t("item.date")}
              <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="schedule-date" />
            </label>
            <label className="field">{t("item.time")}
              <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required
                data-testid="schedule-time" />
            </label>
            <label className="field">{t("item.duration")}
              <input type="number" min={1} max={1440} value={duration} onChange={(e) => setDuration(e.target.value)}
                data-testid="schedule-duration" />
            </label>
            <Button type="submit" size="m" mode="bezeled" disabled={busy || !time} data-testid="schedule-submit">
              {t("item.setTime")}</Button>
          </form>
        </Section>
      )}

      <Section header={t("item.edit")}>
        <form className="form" onSubmit={(e) => {
          e.preventDefault();
          void run(() => agendaApi.update(id, { title, kind }), () => ({ key: "item.saved" }));
        }}>
          <Input header={t("item.title")} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={500}
            data-testid="edit-title" />
          <label className="field">{t("item.kind")}
            <select value={kind} onChange={(e) => setKind(e.target.value as Kind)} data-testid="edit-kind">
              {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
            </select>
          </label>
          <Button type="submit" size="m" mode="bezeled" disabled={busy} data-testid="edit-submit">{t("item.save")}</Button>
        </form>
      </Section>
    </Screen>
  );
}
